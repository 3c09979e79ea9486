"""Texts of the staff app in German and English.

Each area keeps its own catalog, bot/web/translations/<area>.toml, so areas add texts
without touching each other's files:

    [questions.title]
    de = "Fragen"
    en = "Questions"

Keys are unique across all catalogs; every key has both languages. A missing key raises
KeyError, so a route test finds it before a user does.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
CATALOGS = Path(__file__).parent / "translations"
LANGUAGE_COOKIE = "mitreden_lang"


class CatalogError(ValueError):
    """A translation file is broken; the message names the file and the key."""


def _flatten(table: Mapping[str, Any], prefix: str, source: Path) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if not isinstance(value, Mapping):
            raise CatalogError(f"{source.name}: {key} is not a table of languages")
        if set(value) & set(LANGUAGES):
            missing = [lang for lang in LANGUAGES if not isinstance(value.get(lang), str)]
            if missing:
                raise CatalogError(f"{source.name}: {key} has no text for {', '.join(missing)}")
            found[key] = {lang: str(value[lang]) for lang in LANGUAGES}
        else:
            found.update(_flatten(value, key, source))
    return found


def load_catalogs(directory: Path) -> dict[str, dict[str, str]]:
    """Every catalog in `directory`, merged; the same key in two files is an error."""
    merged: dict[str, dict[str, str]] = {}
    owner: dict[str, str] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise CatalogError(f"{path.name}: {error}") from error
        for key, texts in _flatten(table, "", path).items():
            if key in merged:
                raise CatalogError(f"{path.name}: {key} is already defined in {owner[key]}")
            merged[key] = texts
            owner[key] = path.name
    return merged


@cache
def catalog() -> dict[str, dict[str, str]]:
    return load_catalogs(CATALOGS)


def translate(language: str, key: str, /, **values: Any) -> str:
    """The text for `key` in `language`, with {placeholders} filled from `values`."""
    texts = catalog()[key]
    text = texts.get(language) or texts[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def _from_accept_language(header: str) -> str | None:
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return None


def request_language(request: Request) -> str:
    """?lang=en for this page, else the logged-in person's choice, else the language cookie
    (set on the login page), else the browser's first known language, else German."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    user = getattr(request.state, "staff", None)
    if user is not None and user.language in LANGUAGES:
        return str(user.language)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return _from_accept_language(request.headers.get("accept-language", "")) or DEFAULT_LANGUAGE
