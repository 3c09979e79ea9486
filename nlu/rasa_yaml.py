"""One file of Rasa 3 YAML training data, read the way Rasa 3.6 reads it.

Rasa's reader (rasa/shared/nlu/training_data/formats/rasa_yaml.py) and its schema
(schemas/nlu.yml) decide what is read. Where Rasa would read something other than what the
author meant, or warn and skip it, the file is refused here instead, with the line and what
to write; what Rasa reads and the bot does not use is read and named in a note.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import yaml

from nlu.data_problems import Problem
from nlu.yaml_limits import YamlLimitError, compose_unique, error_line, refused_character

KNOWN_SECTIONS = ("intent", "synonym", "regex", "lookup")
LATEST_VERSION = (3, 1)  # Rasa 3 skips a file whose format version is newer than this
DIALOGUE_KEYS = ("stories", "rules")
DOMAIN_KEYS = ("intents", "entities", "responses", "slots", "forms", "actions", "session_config")
_STRIP = "\n\r "  # what Rasa strips around an example (its STRIP_SYMBOLS)
_STR = "tag:yaml.org,2002:str"
_MARKDOWN_HEADING = re.compile(r"^##\s*(intent|synonym|regex|lookup)\s*:", re.MULTILINE)
_NLU_KEY = re.compile(r"^nlu\s*:", re.MULTILINE)
_JSON_START = re.compile(r"\A\s*\{")
_VERSION = re.compile(r"\d+(\.\d+)*")


@dataclass(frozen=True)
class RawExample:
    """One example as written (entity mark-up still in it) and its line in the file."""

    line: int
    text: str


@dataclass(frozen=True)
class Entry:
    """One item under `nlu:`: an intent, synonym, regex or lookup with its examples."""

    kind: str
    name: str
    line: int
    examples: tuple[RawExample, ...]


@dataclass
class FileReading:
    """What one file holds, what is wrong with it, and what was read but is not used."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    metadata_line: int = 0


def decode(path: str, raw: bytes) -> str | Problem:
    """The file's text, strictly UTF-8 (a byte order mark is dropped), or where it is not."""
    start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = start + error.start
        line_start = max(raw.rfind(b"\n", 0, offset) + 1, start)
        line = raw.count(b"\n", 0, offset) + 1
        values = {
            "byte": f"0x{raw[offset]:02X}",
            "offset": offset,
            "line": line,
            "column": len(raw[line_start:offset].decode("utf-8")) + 1,
        }
        return Problem(path, line, "not_utf8", values)


def read_rasa_yaml(path: str, text: str) -> FileReading:
    """Read one file's text; problems and notes name the file as `path`."""
    reading = FileReading()
    text = text.removeprefix("\ufeff")
    foreign = _foreign_format(path, text)
    if foreign is not None:
        reading.problems.append(foreign)
        return reading
    try:
        root, duplicates = compose_unique(text)
    except YamlLimitError as error:  # aliases unfolding without end, or nesting too deep
        reading.problems.append(
            Problem(path, error_line(error, text) or 0, error.key, error.values)
        )
        return reading
    except yaml.reader.ReaderError as error:  # a control character such as NUL
        key, values = refused_character(error)
        reading.problems.append(Problem(path, error_line(error, text) or 0, key, values))
        return reading
    except yaml.MarkedYAMLError as error:
        detail = error.problem or str(error)
        line = error_line(error, text) or 0
        reading.problems.append(Problem(path, line, "broken_yaml", {"detail": detail}))
        return reading
    except yaml.YAMLError as error:
        reading.problems.append(Problem(path, 0, "broken_yaml", {"detail": str(error)}))
        return reading
    for twice in duplicates:
        values = {"name": twice.name, "first": twice.first_line}
        reading.problems.append(Problem(path, twice.line, "duplicate_key", values))
    if root is not None:
        _read_root(path, root, reading)
    if reading.metadata_line:
        reading.notes.append(Problem(path, reading.metadata_line, "metadata_ignored"))
    return reading


def _foreign_format(path: str, text: str) -> Problem | None:
    """Rasa's JSON and its old Markdown format, named so the author knows what to convert."""
    name = _file_name(path)
    if _JSON_START.match(text) and '"rasa_nlu_data"' in text:
        return Problem(path, 1, "rasa_json", {"name": name})
    heading = _MARKDOWN_HEADING.search(text)
    if heading is not None and not _NLU_KEY.search(text):
        return Problem(
            path, text.count("\n", 0, heading.start()) + 1, "rasa_markdown", {"name": name}
        )
    return None


def _read_root(path: str, root: yaml.Node, reading: FileReading) -> None:
    if not isinstance(root, yaml.MappingNode):
        reading.problems.append(Problem(path, _line(root), "not_a_mapping"))
        return
    for key, value in root.value:
        name = str(key.value)
        if name == "version":
            _check_version(path, value, reading)
        elif name == "rasa_nlu_data":
            reading.problems.append(
                Problem(path, _line(key), "rasa_json", {"name": _file_name(path)})
            )
        elif name in DIALOGUE_KEYS or name in DOMAIN_KEYS:
            kind = "dialogue_ignored" if name in DIALOGUE_KEYS else "domain_ignored"
            reading.notes.append(Problem(path, _line(key), kind, {"name": name}))
        elif name != "nlu":
            reading.problems.append(Problem(path, _line(key), "unknown_top_key", {"name": name}))
        elif isinstance(value, yaml.SequenceNode):
            for item in value.value:
                _read_item(path, item, reading)
        elif not (isinstance(value, yaml.ScalarNode) and value.value == ""):  # `nlu:` empty
            reading.problems.append(Problem(path, _line(value), "nlu_not_list"))


def _check_version(path: str, node: yaml.Node, reading: FileReading) -> None:
    """Rasa's schema wants a string; Rasa 3 reads formats up to its own (3.1)."""
    if not isinstance(node, yaml.ScalarNode):
        reading.problems.append(
            Problem(path, _line(node), "version_not_a_version", {"version": ""})
        )
        return
    written = str(node.value)
    if node.tag != _STR and _VERSION.fullmatch(written):
        reading.problems.append(
            Problem(path, _line(node), "version_unquoted", {"version": written})
        )
    elif not _VERSION.fullmatch(written):
        values = {"version": written}
        reading.problems.append(Problem(path, _line(node), "version_not_a_version", values))
    elif tuple(int(part) for part in written.split(".")) > LATEST_VERSION:
        latest = ".".join(str(part) for part in LATEST_VERSION)
        values = {"version": written, "latest": latest}
        reading.problems.append(Problem(path, _line(node), "version_too_new", values))


def _read_item(path: str, item: yaml.Node, reading: FileReading) -> None:
    problems = reading.problems
    if not isinstance(item, yaml.MappingNode):
        problems.append(Problem(path, _line(item), "entry_not_mapping"))
        return
    keys: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in item.value:
        keys.setdefault(str(key.value), (key, value))
    kinds = [name for name in KNOWN_SECTIONS if name in keys]
    if len(kinds) != 1:
        wanted = ", ".join(f"'{name}:'" for name in KNOWN_SECTIONS)
        problems.append(Problem(path, _line(item), "entry_kind", {"wanted": wanted}))
        return
    kind = kinds[0]
    name_node = keys[kind][1]
    name = str(name_node.value).strip() if isinstance(name_node, yaml.ScalarNode) else ""
    if not name:
        problems.append(Problem(path, _line(name_node), "entry_no_name", {"kind": kind}))
        return
    allowed = (kind, "examples", "metadata") if kind == "intent" else (kind, "examples")
    for extra, (key, _) in keys.items():
        if extra not in allowed:
            problems.append(Problem(path, _line(key), "unknown_key", {"name": extra}))
        elif extra == "metadata" and not reading.metadata_line:
            reading.metadata_line = _line(key)
    if "examples" not in keys:
        problems.append(Problem(path, _line(item), "no_examples_key", {"kind": kind, "name": name}))
        return
    node = keys["examples"][1]
    before = len(problems)
    examples: list[RawExample] = []
    if isinstance(node, yaml.SequenceNode) and kind == "intent":
        examples = _text_entries(path, node, reading)
    elif isinstance(node, yaml.ScalarNode):
        examples = _block_lines(path, node, problems)
    else:
        problems.append(Problem(path, _line(node), "examples_not_block", {"kind": kind}))
    if not examples and len(problems) == before:
        problems.append(Problem(path, _line(node), "no_examples"))
    # kept even without examples: an unknown intent is still named, a known one counted
    reading.entries.append(Entry(kind, name, _line(name_node), tuple(examples)))


def _block_lines(path: str, node: yaml.ScalarNode, problems: list[Problem]) -> list[RawExample]:
    """The '- ...' lines of an `examples: |` block, each with its line in the file."""
    if node.style == ">" and _written_lines(node) > 1:
        # folding joins "- hallo" and "- hi" into one example "hallo - hi"
        problems.append(Problem(path, _line(node), "folded_examples"))
        return []
    # A block's content starts on the line after the '|'; its lines map 1:1 to the file.
    # A quoted or plain value has no such map: its examples are placed on its first line.
    block = node.style in ("|", ">")
    first = _line(node) + 1 if block else _line(node)
    found: list[RawExample] = []
    for offset, raw in enumerate(str(node.value).split("\n")):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue  # Rasa skips these lines too (with a warning)
        line = first + offset if block else first
        if raw.startswith("-"):
            text = raw[1:].strip(_STRIP)
            if text:
                found.append(RawExample(line, text))
            else:
                problems.append(Problem(path, line, "empty_example"))
        elif stripped.startswith("-"):
            problems.append(Problem(path, line, "example_indented"))
        else:
            problems.append(Problem(path, line, "example_no_dash", {"text": stripped}))
    return found


def _text_entries(path: str, node: yaml.SequenceNode, reading: FileReading) -> list[RawExample]:
    """`examples:` as a list of `- text: ...` entries, each with optional `metadata:`."""
    found: list[RawExample] = []
    for entry in node.value:
        if isinstance(entry, yaml.ScalarNode) and entry.value != "":
            reading.problems.append(Problem(path, _line(entry), "examples_plain_list"))
            return []  # said once: the whole list is written the wrong way
        if not isinstance(entry, yaml.MappingNode):
            reading.problems.append(Problem(path, _line(entry), "empty_example"))
            continue
        text_node: yaml.Node | None = None
        for key, value in entry.value:
            if key.value == "text":
                text_node = text_node or value
            elif key.value == "metadata":
                reading.metadata_line = reading.metadata_line or _line(key)
            else:
                values = {"name": str(key.value)}
                reading.problems.append(Problem(path, _line(key), "unknown_key", values))
        if text_node is None:
            reading.problems.append(Problem(path, _line(entry), "text_missing"))
            continue
        if not isinstance(text_node, yaml.ScalarNode):
            reading.problems.append(Problem(path, _line(text_node), "text_not_text"))
            continue
        # a block's text starts on the line after its '|' or '>'
        line = _line(text_node) + (1 if text_node.style in ("|", ">") else 0)
        text = str(text_node.value).strip(_STRIP)
        if text:
            found.append(RawExample(line, text))
        else:
            reading.problems.append(Problem(path, line, "empty_example"))
    return found


def _written_lines(node: yaml.ScalarNode) -> int:
    """How many lines with text a block scalar has in the file (not counting its '|' or '>')."""
    source = str(node.start_mark.buffer)[node.start_mark.index : node.end_mark.index]
    return sum(1 for line in source.split("\n")[1:] if line.strip())


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rpartition("/")[2] or path


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1
