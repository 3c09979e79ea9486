"""Rasa entity mark-up in examples: `[Radweg](topic)`, `[Bus](topic:verkehr)`, `[x]{...}`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_MARKUP = re.compile(r"\[(?P<text>[^\[\]]+)\](?:\((?P<short>[^()]*)\)|(?P<json>\{[^{}]*\}))")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class AnnotationError(ValueError):
    """An example's entity mark-up is malformed."""


@dataclass(frozen=True)
class Span:
    entity: str
    value: str
    start: int
    end: int


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
        entity, value = _entity_and_value(match, surface)
        spans.append(Span(entity, value, length, length + len(surface)))
        plain.append(surface)
        length += len(surface)
        position = match.end()
    plain.append(raw[position:])
    outside.append(raw[position:])
    text = "".join(plain)
    if any("[" in part or "]" in part for part in outside):
        raise AnnotationError(f"entity mark-up not understood in {raw!r}; write [text](entity)")
    return text, tuple(spans)


def _entity_and_value(match: re.Match[str], surface: str) -> tuple[str, str]:
    short = match.group("short")
    if short is not None:
        entity, _, value = short.partition(":")
        entity = entity.strip()
        value = value.strip() or surface
    else:
        try:
            data = json.loads(match.group("json"))
        except json.JSONDecodeError as error:
            raise AnnotationError(
                f"entity JSON is broken in {match.group(0)!r}: {error.msg}"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("entity"), str):
            raise AnnotationError(f'entity JSON needs "entity" in {match.group(0)!r}')
        entity = data["entity"].strip()
        value = str(data.get("value", surface))
    if not _NAME.match(entity):
        raise AnnotationError(f"entity name {entity!r} is not valid in {match.group(0)!r}")
    return entity, value
