"""How alike two questions are, for offering answered public questions before asking anew."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

# words that say nothing about the subject; without them "Wann hat ... offen?" and
# "Wie sind die Öffnungszeiten ...?" are compared on what they are about
_STOPWORDS_TEXT = """
    aber als am an auch auf aus bei bin bis bitte da das dass dem den der des die doch du
    ein eine einem einen einer eines er es fuer gibt hab habe haben hat ich ihr im in ist
    ja kann koennen man mein meine mich mir mit nach nicht noch nur oder sich sie sind so
    uns und vom von vor wann war was welche welcher welches wer werden wie wieso wir wird
    wo zu zum zur
    a about all am an and any are at be can could do does for from get got has have how i
    if in is it me my of on or our please should so the there this to was we what when
    where which who why will with would you your
"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"\w+")


def content_words(text: str) -> str:
    """Lower-cased words with umlauts folded and stopwords removed, space separated."""
    words = _WORD.findall(text.lower().translate(_FOLD))
    return " ".join(w for w in words if w not in _STOPWORDS and len(w) > 1)


def similarity(a: str, b: str) -> float:
    """0..1; above about 0.6 the questions are probably about the same thing."""
    left, right = content_words(a), content_words(b)
    if not left or not right:
        return 0.0
    return float(fuzz.token_set_ratio(left, right)) / 100.0
