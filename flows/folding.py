"""Folding text for comparison: case, umlauts, accents, punctuation and emoji do not count."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

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
