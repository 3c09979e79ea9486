"""Mapping what a citizen typed to one of the options offered: by number or by label."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from flows.types import Option

_NUMBER = re.compile(r"^\s*#?(\d{1,3})\s*[.)]?\s*$")
_APOSTROPHES = frozenset("'’`´")
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_REMEMBERED_CHARS = 200  # option labels and short answers repeat; long texts are not kept


def normalize(text: str) -> str:
    """Lower case, no umlauts or accents, no punctuation or emoji, single spaces."""
    # a message is folded several times (cancel, help, options, yes/no), and every option
    # label with every message: a short text is folded once
    return _fold_short(text) if len(text) <= _REMEMBERED_CHARS else _fold(text)


@lru_cache(maxsize=8192)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    folded = text.casefold().replace("ß", "ss")
    folded = "".join(char for char in folded if char not in _APOSTROPHES)  # "geht's" = "gehts"
    decomposed = unicodedata.normalize("NFKD", folded)
    letters = "".join(
        char if char.isalnum() else " " for char in decomposed if not unicodedata.combining(char)
    )
    # "Menue" and "Menü" should meet: fold the digraph spelling on both sides
    for digraph, vowel in _DIGRAPHS:
        letters = letters.replace(digraph, vowel)
    return " ".join(letters.split())


def match_choice(text: str, options: Sequence[Option]) -> Option | None:
    """The option a message picks: "2", " 2. ", the label in any case or spelling, or words
    that only one label contains."""
    number = _NUMBER.match(text)
    if number:
        index = int(number.group(1))
        return options[index - 1] if 1 <= index <= len(options) else None
    wanted = normalize(text)
    if not wanted:
        stripped = text.strip()
        return next((option for option in options if option.label.strip() == stripped), None)
    labels = [normalize(option.label) for option in options]
    for option, label in zip(options, labels, strict=True):
        if label == wanted:
            return option
    return _by_words(wanted, options, labels)


def _by_words(wanted: str, options: Sequence[Option], labels: list[str]) -> Option | None:
    """ "los" picks "▶️ Los geht's": all typed words in exactly one label, none too short."""
    words = wanted.split()
    if len(wanted) < 3 or len(words) > 4:
        return None
    found = [
        option
        for option, label in zip(options, labels, strict=True)
        if set(words) <= set(label.split())
    ]
    return found[0] if len(found) == 1 else None
