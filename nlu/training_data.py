"""Load and validate Rasa 3 NLU training data (YAML), keeping file and line of every example."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nlu.annotations import AnnotationError, parse_annotated
from nlu.data_problems import Problem as Problem
from nlu.data_problems import TrainingDataError as TrainingDataError
from nlu.normalize import sentence_key
from nlu.types import INTENTS
from nlu.yaml_limits import LimitedLoader, YamlLimitError, error_line, refused_character

SHIPPED_DATA = Path(__file__).parent / "data"
KNOWN_SECTIONS = ("intent", "synonym", "regex", "lookup")
MIN_EXAMPLES_PER_INTENT = 2


@dataclass(frozen=True)
class AnnotatedEntity:
    """An entity marked up in an example: `[Radweg](topic)` or `[Radweg]{"entity": ...}`."""

    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Example:
    """One training sentence with its intent and where it was written."""

    text: str
    intent: str
    entities: tuple[AnnotatedEntity, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class TrainingData:
    """Everything the recognisers learn from, plus a digest that changes with the files."""

    examples: tuple[Example, ...]
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    regexes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lookups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    digest: str = ""

    def intents(self) -> tuple[str, ...]:
        """Intent names in the order they first appear."""
        return tuple(dict.fromkeys(example.intent for example in self.examples))


def data_files(paths: Sequence[Path] | None) -> list[Path]:
    """The YAML files to read: the shipped data, or every *.yml/*.yaml below the given paths."""
    roots = [SHIPPED_DATA] if paths is None else list(paths)
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found.extend(sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml")))
        else:
            found.append(root)
    return found


def load_training_data(paths: Sequence[Path] | None = None) -> TrainingData:
    """Read and validate the data; raise TrainingDataError listing every problem."""
    files = data_files(paths)
    problems: list[Problem] = []
    if not files:
        where = ", ".join(str(p) for p in paths or [SHIPPED_DATA])
        raise TrainingDataError([Problem(where, 0, "no_files")])
    collected = _Collected()
    digest = hashlib.sha256()
    for path in files:
        try:
            raw = path.read_bytes()
        except OSError as error:
            problems.append(Problem(str(path), 0, "unreadable_file", {"detail": error.strerror}))
            continue
        digest.update(str(path.name).encode() + b"\0" + raw + b"\0")
        problems.extend(_read_file(str(path), raw.decode("utf-8", errors="replace"), collected))
    return _finish(collected, problems, digest.hexdigest())


def load_training_texts(files: Mapping[str, str]) -> TrainingData:
    """The same as `load_training_data` for texts held in memory, by name (e.g. edited in the
    web app); problems name the file as given."""
    if not files:
        raise TrainingDataError([Problem("-", 0, "no_files")])
    collected = _Collected()
    digest = hashlib.sha256()
    problems: list[Problem] = []
    for name, text in sorted(files.items()):
        digest.update(Path(name).name.encode() + b"\0" + text.encode("utf-8") + b"\0")
        problems.extend(_read_file(name, text, collected))
    return _finish(collected, problems, digest.hexdigest())


def _finish(collected: _Collected, problems: list[Problem], digest: str) -> TrainingData:
    problems.extend(_check_whole(collected))
    if problems:
        raise TrainingDataError(problems)
    return TrainingData(
        examples=tuple(collected.examples),
        synonyms={k: tuple(v) for k, v in collected.synonyms.items()},
        regexes={k: tuple(v) for k, v in collected.regexes.items()},
        lookups={k: tuple(v) for k, v in collected.lookups.items()},
        digest=digest,
    )


@dataclass
class _Collected:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    first_line_of_intent: dict[str, str] = field(default_factory=dict)


def _read_file(path: str, text: str, out: _Collected) -> list[Problem]:
    try:
        root = yaml.compose(text, Loader=LimitedLoader)
    except YamlLimitError as error:  # aliases unfolding without end, or nesting too deep
        return [Problem(path, error_line(error, text) or 0, error.key, error.values)]
    except yaml.reader.ReaderError as error:  # a control character such as NUL
        key, values = refused_character(error)
        return [Problem(path, error_line(error, text) or 0, key, values)]
    except yaml.MarkedYAMLError as error:
        detail = error.problem or str(error)
        return [Problem(path, error_line(error, text) or 0, "broken_yaml", {"detail": detail})]
    except yaml.YAMLError as error:
        return [Problem(path, 0, "broken_yaml", {"detail": str(error)})]
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        return [Problem(path, _line(root), "not_a_mapping")]
    problems: list[Problem] = []
    for key, value in root.value:
        if key.value in ("version", "responses", "rules", "stories", "intents", "entities"):
            continue
        if key.value != "nlu":
            problems.append(Problem(path, _line(key), "unknown_top_key", {"name": key.value}))
            continue
        if not isinstance(value, yaml.SequenceNode):
            problems.append(Problem(path, _line(value), "nlu_not_list"))
            continue
        for item in value.value:
            problems.extend(_read_item(path, item, out))
    return problems


def _read_item(path: str, item: yaml.Node, out: _Collected) -> list[Problem]:
    if not isinstance(item, yaml.MappingNode):
        return [Problem(path, _line(item), "entry_not_mapping")]
    keys = {k.value: (k, v) for k, v in item.value}
    kinds = [name for name in KNOWN_SECTIONS if name in keys]
    if len(kinds) != 1:
        wanted = ", ".join(f"'{name}:'" for name in KNOWN_SECTIONS)
        return [Problem(path, _line(item), "entry_kind", {"wanted": wanted})]
    kind = kinds[0]
    name_node = keys[kind][1]
    name = str(name_node.value).strip() if isinstance(name_node, yaml.ScalarNode) else ""
    if not name:
        return [Problem(path, _line(name_node), "entry_no_name", {"kind": kind})]
    if "examples" not in keys:
        return [Problem(path, _line(item), "no_examples_key", {"kind": kind, "name": name})]
    lines, problems = _example_lines(path, keys["examples"][1])
    for extra in keys:
        if extra not in (kind, "examples", "metadata"):
            problems.append(Problem(path, _line(keys[extra][0]), "unknown_key", {"name": extra}))
    if kind == "intent":
        problems.extend(_add_intent(path, name, _line(name_node), lines, out))
    elif kind == "regex":
        for line, pattern in lines:
            try:
                re.compile(pattern)
            except re.error as error:
                values = {"name": name, "detail": str(error)}
                problems.append(Problem(path, line, "broken_regex", values))
        out.regexes.setdefault(name, []).extend(p for _, p in lines)
    else:
        target = out.synonyms if kind == "synonym" else out.lookups
        target.setdefault(name, []).extend(value for _, value in lines)
    return problems


def _example_lines(path: str, node: yaml.Node) -> tuple[list[tuple[int, str]], list[Problem]]:
    """The '- ...' lines of an examples block, each with its line number in the file."""
    if not isinstance(node, yaml.ScalarNode):
        return [], [Problem(path, _line(node), "examples_not_block")]
    # A literal block's content starts on the line after the '|'; its lines map 1:1 to the file.
    first = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
    found: list[tuple[int, str]] = []
    problems: list[Problem] = []
    for offset, raw in enumerate(str(node.value).split("\n")):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        line = first + offset
        if not stripped.startswith("- "):
            problems.append(Problem(path, line, "example_no_dash", {"text": stripped}))
            continue
        value = stripped[2:].strip()
        if not value:
            problems.append(Problem(path, line, "empty_example"))
            continue
        found.append((line, value))
    if not found and not problems:
        problems.append(Problem(path, _line(node), "no_examples"))
    return found, problems


def _add_intent(
    path: str, intent: str, intent_line: int, lines: Iterable[tuple[int, str]], out: _Collected
) -> list[Problem]:
    problems: list[Problem] = []
    if intent not in INTENTS:
        known = ", ".join(INTENTS)
        return [Problem(path, intent_line, "unknown_intent", {"intent": intent, "known": known})]
    out.first_line_of_intent.setdefault(intent, f"{path}:{intent_line}")
    for line, raw in lines:
        try:
            text, spans = parse_annotated(raw)
        except AnnotationError as error:
            problems.append(Problem(path, line, "bad_annotation", {"detail": str(error)}))
            continue
        entities = tuple(AnnotatedEntity(s.entity, s.value, s.start, s.end) for s in spans)
        out.examples.append(Example(text, intent, entities, f"{path}:{line}"))
    return problems


def _check_whole(out: _Collected) -> list[Problem]:
    """Checks across files: contradicting duplicates and intents with too few examples."""
    problems: list[Problem] = []
    seen: dict[str, Example] = {}
    counts: dict[str, int] = {}
    for example in out.examples:
        counts[example.intent] = counts.get(example.intent, 0) + 1
        key = sentence_key(example.text)
        if not key:
            continue
        earlier = seen.setdefault(key, example)
        if earlier.intent != example.intent:
            path, _, line = example.source.rpartition(":")
            values = {
                "text": example.text,
                "intent": example.intent,
                "other": earlier.intent,
                "where": earlier.source,
            }
            problems.append(Problem(path, int(line), "listed_twice", values))
    for intent, where in out.first_line_of_intent.items():
        if counts.get(intent, 0) < MIN_EXAMPLES_PER_INTENT:
            path, _, line = where.rpartition(":")
            problems.append(Problem(path, int(line), "too_few_examples", {"intent": intent}))
    return problems


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1
