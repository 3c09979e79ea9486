"""Load and validate Rasa 3 NLU training data (YAML), keeping file and line of every example."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nlu.annotations import AnnotationError, parse_annotated
from nlu.data_problems import Problem as Problem
from nlu.data_problems import TrainingDataError as TrainingDataError
from nlu.normalize import sentence_key
from nlu.rasa_yaml import Entry, decode, read_rasa_yaml
from nlu.types import INTENTS

SHIPPED_DATA = Path(__file__).parent / "data"
MIN_EXAMPLES_PER_INTENT = 2


@dataclass(frozen=True)
class AnnotatedEntity:
    """An entity marked up in an example: `[Radweg](topic)` or `[Radweg]{"entity": ...}`,
    with its role and group when the JSON form names them (as Rasa keeps them)."""

    entity: str
    value: str
    start: int
    end: int
    role: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Example:
    """One training sentence with its intent and where it was written."""

    text: str
    intent: str
    entities: tuple[AnnotatedEntity, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class TrainingData:
    """Everything the recognisers learn from, plus a digest that changes with the files.

    `notes` name what was read but is not used (Rasa's dialogue sections, metadata)."""

    examples: tuple[Example, ...]
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    regexes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lookups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    digest: str = ""
    notes: tuple[Problem, ...] = ()

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
        text = decode(str(path), raw)
        if isinstance(text, Problem):
            problems.append(text)
            continue
        problems.extend(_read_file(str(path), text, collected))
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
        notes=tuple(collected.notes),
    )


@dataclass
class _Collected:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    first_line_of_intent: dict[str, str] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)


def _read_file(path: str, text: str, out: _Collected) -> list[Problem]:
    reading = read_rasa_yaml(path, text)
    out.notes.extend(reading.notes)
    problems = reading.problems
    for entry in reading.entries:
        if entry.kind == "intent":
            problems.extend(_add_intent(path, entry, out))
        elif entry.kind == "regex":
            for example in entry.examples:
                try:
                    re.compile(example.text)
                except re.error as error:
                    values = {"name": entry.name, "detail": str(error)}
                    problems.append(Problem(path, example.line, "broken_regex", values))
            out.regexes.setdefault(entry.name, []).extend(e.text for e in entry.examples)
        else:
            target = out.synonyms if entry.kind == "synonym" else out.lookups
            target.setdefault(entry.name, []).extend(e.text for e in entry.examples)
    return problems


def _add_intent(path: str, entry: Entry, out: _Collected) -> list[Problem]:
    problems: list[Problem] = []
    intent = entry.name
    if intent not in INTENTS:
        known = ", ".join(INTENTS)
        return [Problem(path, entry.line, "unknown_intent", {"intent": intent, "known": known})]
    out.first_line_of_intent.setdefault(intent, f"{path}:{entry.line}")
    for example in entry.examples:
        try:
            text, spans = parse_annotated(example.text)
        except AnnotationError as error:
            problems.append(Problem(path, example.line, error.key, error.values))
            continue
        entities = tuple(
            AnnotatedEntity(s.entity, s.value, s.start, s.end, s.role, s.group) for s in spans
        )
        out.examples.append(Example(text, intent, entities, f"{path}:{example.line}"))
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
