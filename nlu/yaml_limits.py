"""Reading YAML that administrators wrote, with limits a mistake or an attack cannot pass.

Aliases may not unfold into more than MAX_VALUES values ("billion laughs": a few lines that
unfold into billions), nesting may not go deeper than MAX_DEPTH, and an alias may not point
into the collection it sits in. Each refusal is a `YamlLimitError` with the line at fault.
Flows, intent data and conversation tests are read through `LimitedLoader`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import yaml

MAX_VALUES = 50_000  # the largest shipped flow unfolds into about 650 values
MAX_DEPTH = 40  # the deepest shipped flow nests 7 levels

# English texts of the refusals, by key, with the values each refusal carries; the staff
# app translates the same keys (`yamlcheck.<key>`).
LIMIT_MESSAGES: dict[str, str] = {
    "bad_character": "the line holds a control character YAML does not allow: {detail}",
    "nul_character": "the line holds an invisible NUL character; please delete it",
    "too_deep": "the values are nested too deeply (at most {limit} levels)",
    "too_large": "the aliases (*name) unfold into too many values (at most {limit})",
    "alias_loop": "the alias *{alias} points into its own anchor",
}


class YamlLimitError(yaml.MarkedYAMLError):
    """The document passes a limit; `key` says which: too_deep, too_large or alias_loop."""

    def __init__(self, key: str, mark: yaml.Mark | None, **values: Any) -> None:
        super().__init__(problem=LIMIT_MESSAGES[key].format(**values), problem_mark=mark)
        self.key = key
        self.values = values


class LimitedLoader(yaml.SafeLoader):
    """SafeLoader that counts values as aliases unfold them and refuses deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._unfolded = 0
        self._sizes: dict[int, int] = {}  # id of an anchored node -> values it unfolds into

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        mark = cast(yaml.Mark, event.start_mark)
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node))
            if size is None:  # the anchor's collection is still open: it would contain itself
                raise YamlLimitError("alias_loop", mark, alias=event.anchor)
            self._count(size, mark)
            return node
        if self._depth >= MAX_DEPTH:
            raise YamlLimitError("too_deep", mark, limit=MAX_DEPTH)
        before = self._unfolded
        self._count(1, mark)
        self._depth += 1
        node = super().compose_node(parent, index)
        self._depth -= 1
        if getattr(event, "anchor", None) is not None:
            self._sizes[id(node)] = self._unfolded - before
        return node

    def _count(self, values: int, mark: yaml.Mark) -> None:
        self._unfolded += values
        if self._unfolded > MAX_VALUES:
            raise YamlLimitError("too_large", mark, limit=MAX_VALUES)


@dataclass(frozen=True)
class DuplicateKey:
    """A key written twice in one mapping, with both 1-based lines."""

    name: str
    line: int
    first_line: int


class UniqueKeyLoader(LimitedLoader):
    """LimitedLoader that also notes keys written twice in one mapping.

    PyYAML keeps the last of two equal keys without a word, so the first value is lost
    silently; Rasa's reader refuses such a file. The mapping is checked as it is built, and
    every duplicate lands in `duplicates` (reading goes on, so all of them are reported).
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[DuplicateKey] = []

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        node = super().compose_mapping_node(anchor)
        first: dict[tuple[str, str], yaml.Node] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue
            earlier = first.setdefault((key.tag, str(key.value)), key)
            if earlier is not key:
                self.duplicates.append(
                    DuplicateKey(
                        str(key.value), key.start_mark.line + 1, earlier.start_mark.line + 1
                    )
                )
        return node


def compose_unique(text: str) -> tuple[yaml.Node | None, list[DuplicateKey]]:
    """The document's node tree and the keys written twice in it; raises as yaml.compose."""
    loader = UniqueKeyLoader(text)
    try:
        return loader.get_single_node(), loader.duplicates
    finally:
        loader.dispose()


def error_line(error: yaml.YAMLError, text: str) -> int | None:
    """The 1-based line a YAML error points to, also for a character the reader refused."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        return mark.line + 1 if mark is not None else None
    if isinstance(error, yaml.reader.ReaderError) and isinstance(error.position, int):
        return text.count("\n", 0, error.position) + 1
    return None


def first_nul_line(text: str) -> int | None:
    """The line of the first NUL character: the database cannot store one, YAML refuses it."""
    position = text.find("\x00")
    return None if position < 0 else text.count("\n", 0, position) + 1


def refused_character(error: yaml.reader.ReaderError) -> tuple[str, dict[str, Any]]:
    """The key and values of a character the YAML reader refused (a NUL has a key of its own:
    it is the one that also breaks saving)."""
    code = int(error.character)
    return ("nul_character" if code == 0 else "bad_character"), {"detail": f"U+{code:04X}"}
