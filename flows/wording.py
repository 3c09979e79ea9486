"""Choosing a text's language variant and filling in its {placeholders}."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("de", "en")
EMPTY_VALUE = "–"


def localize(texts: Mapping[str, str], language: str, formal: bool = True) -> str:
    """The text for a language; German "du" uses `de_du` when the map has it."""
    if language == "de" and not formal and texts.get("de_du"):
        return texts["de_du"]
    return texts.get(language) or texts.get("de") or next(iter(texts.values()), "")


class _Values(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        # an unknown placeholder stays visible instead of breaking the reply
        return "{" + key + "}"


def has_placeholders(template: str) -> bool:
    """False when filling would give the template back unchanged (no braces at all)."""
    return "{" in template or "}" in template


def fill(template: str, values: Mapping[str, Any]) -> str:
    """`template` with {name} replaced; None and missing values never raise."""
    if not has_placeholders(template):
        return template
    shown = _Values({k: EMPTY_VALUE if v is None or v == "" else v for k, v in values.items()})
    try:
        return template.format_map(shown)
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        return template


def placeholders(template: str) -> list[str]:
    """Names used as {name} in a template; raises ValueError for a broken template."""
    names = []
    for _literal, name, _spec, _conv in string.Formatter().parse(template):
        if name is not None:
            names.append(name)
    return names
