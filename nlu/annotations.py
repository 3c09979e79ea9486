"""Rasa entity mark-up in examples: `[Radweg](topic)`, `[Bus](topic:verkehr)` and
`[Lindenpark]{"entity": "place", "role": "destination"}` (roles and groups are kept)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_MARKUP = re.compile(r"\[(?P<text>[^\[\]]+)\](?:\((?P<short>[^()]*)\)|(?P<json>\{[^{}]*\}))")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


_JSON_KEYS = ("entity", "value", "role", "group")  # Rasa's entity_dict_schema


class AnnotationError(ValueError):
    """An example's entity mark-up is malformed; `key` and `values` say how (the texts are
    in nlu/data_problems.py)."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key, values)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Span:
    entity: str
    value: str
    start: int
    end: int
    role: str | None = None
    group: str | None = None


def parse_annotated(raw: str) -> tuple[str, tuple[Span, ...]]:
    """Plain text of an example and the entities marked up in it."""
    plain: list[str] = []
    outside: list[str] = []
    spans: list[Span] = []
    position = 0
    length = 0
    for match in _MARKUP.finditer(raw):
        before = raw[position : match.start()]
        plain.append(before)
        outside.append(before)
        length += len(before)
        surface = match.group("text")
        spans.append(_span(match, surface, length))
        plain.append(surface)
        length += len(surface)
        position = match.end()
    plain.append(raw[position:])
    outside.append(raw[position:])
    text = "".join(plain)
    if any("[" in part or "]" in part for part in outside):
        raise AnnotationError("markup_not_understood", example=raw)
    return text, tuple(spans)


def _span(match: re.Match[str], surface: str, start: int) -> Span:
    markup = match.group(0)
    short = match.group("short")
    role = group = None
    if short is not None:
        entity, _, value = short.partition(":")
        entity = entity.strip()
        value = value.strip() or surface
    else:
        data = _entity_json(match.group("json"), markup)
        entity = data["entity"].strip()
        value = data.get("value", surface)
        role, group = data.get("role"), data.get("group")
    if not _NAME.match(entity):
        raise AnnotationError("entity_name_invalid", entity=entity, markup=markup)
    return Span(entity, value, start, start + len(surface), role, group)


def _entity_json(source: str, markup: str) -> dict[str, str]:
    """`{"entity": ..., "value": ..., "role": ..., "group": ...}`, all text, as Rasa's schema
    wants; a key Rasa does not know is refused too (it would be a typo such as "rol")."""
    try:
        data = json.loads(source)
    except json.JSONDecodeError as error:
        detail = f"{error.msg} (character {error.pos + 1})"
        raise AnnotationError("entity_json_broken", markup=markup, detail=detail) from None
    if not isinstance(data, dict) or "entity" not in data:
        raise AnnotationError("entity_json_no_entity", markup=markup)
    for name, value in data.items():
        if name not in _JSON_KEYS:
            raise AnnotationError("entity_json_unknown_key", name=name, markup=markup)
        if not isinstance(value, str):
            raise AnnotationError("entity_json_not_text", name=name, markup=markup)
    return data
