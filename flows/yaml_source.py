"""Reading flow YAML with the line of every key, and without YAML 1.1's yes/no booleans.

Flows come from administrators: they are read within the limits of nlu/yaml_limits.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from nlu.yaml_limits import LimitedLoader, YamlLimitError, error_line, refused_character

Path = tuple[str | int, ...]


class FlowLoader(LimitedLoader):
    """A limited SafeLoader where only true/false are booleans: `yes:` and `no:` stay words."""


FlowLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
FlowLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class LoadedYaml:
    """The document, the 1-based line of each path in it, and duplicate keys found."""

    data: Any
    lines: dict[Path, int]
    duplicates: list[tuple[Path, int]]

    def line(self, path: Path) -> int | None:
        """The line of `path`, or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


class YamlSyntaxError(Exception):
    """The text is no readable YAML. `key` says why (broken_yaml, bad_character, too_deep,
    too_large, alias_loop) with its `values`; the message holds the YAML reader's words."""

    def __init__(
        self, message: str, line: int | None, key: str = "broken_yaml", **values: Any
    ) -> None:
        super().__init__(message)
        self.line = line
        self.key = key
        self.values = values or {"detail": message}


def load(source: str) -> LoadedYaml:
    """Parses one YAML document; raises YamlSyntaxError with the line of the fault."""
    try:
        loader = FlowLoader(source)
    except yaml.reader.ReaderError as error:  # a control character: refused before parsing
        key, values = refused_character(error)
        raise YamlSyntaxError(error.reason, error_line(error, source), key, **values) from error
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except YamlLimitError as error:
        line = error_line(error, source)
        raise YamlSyntaxError(str(error.problem), line, error.key, **error.values) from error
    except yaml.MarkedYAMLError as error:
        raise YamlSyntaxError(error.problem or str(error), error_line(error, source)) from error
    except yaml.YAMLError as error:
        raise YamlSyntaxError(str(error), error_line(error, source)) from error
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}
    duplicates: list[tuple[Path, int]] = []
    if node is not None:
        _walk(node, (), lines, duplicates)
    return LoadedYaml(data, lines, duplicates)


def _walk(
    node: yaml.Node, path: Path, lines: dict[Path, int], duplicates: list[tuple[Path, int]]
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                duplicates.append((child, key_node.start_mark.line + 1))
                continue
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, duplicates)
