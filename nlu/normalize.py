"""Text normalisation shared by training and parsing: case, umlauts, emojis, stray characters."""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 600  # the intent is in the first lines; longer input is cut so parsing stays fast

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss", "’": "'", "`": "'"})
_REPEATS = re.compile(r"(.)\1{2,}")
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?|\?|[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower-case, umlauts folded to their base letter, control characters and repeats removed.

    Folding "ä" to "a" (not "ae") matches what citizens type on keyboards without umlauts.
    """
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).casefold().translate(_FOLD)
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(char)
        if category == "Mn":
            continue  # accents: é -> e
        if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            # zero-width joiners in emojis are format characters too; a space is harmless there
            kept.append(" ")
            continue
        if category == "So":
            kept.append(f" {char} ")  # an emoji is a word of its own: "danke🙏" -> "danke 🙏"
            continue
        kept.append(char)
    folded = _REPEATS.sub(r"\1\1", "".join(kept))  # "hallooooo" -> "halloo"
    return _SPACES.sub(" ", folded).strip()


def tokens(normalized: str) -> list[str]:
    """Words, question marks and symbols of a normalised text; other punctuation is dropped."""
    return [t for t in _TOKEN.findall(normalized) if _is_word(t) or t == "?" or _is_symbol(t)]


def _is_word(token: str) -> bool:
    return token.replace("'", "").isalnum()


def _is_symbol(token: str) -> bool:
    return len(token) == 1 and unicodedata.category(token) == "So"


def sentence_key(text: str) -> str:
    """What makes two sentences the same for the model: "OK!" and "ok" are one sentence."""
    return " ".join(tokens(normalize(text)))
