"""Answers that point at an option by its place: "2", "#2", "nummer 2", "die zweite",
"zweitens", "the last one", and a lone number inside a short text ("ganz wichtig, 5!!")."""

from __future__ import annotations

import re

from flows.folding import normalize
from flows.hedges import FILLERS, POINTERS

BARE_NUMBER = re.compile(r"^\s*#?(\d{1,3})\s*[.)]?\s*$")
_DIGITS = re.compile(r"\d+")
_ALONE = re.compile(r"(?<![\w-])(\d{1,3})(?![\w-])")
LAST = -1
# a number inside this many words is the answer; in a longer text it is part of a sentence
_NUMBER_IN_TEXT_WORDS = 5

_PLACES: dict[int, tuple[str, ...]] = {
    1: ("erste", "erster", "ersten", "erstes", "erstens", "eins", "first", "1st"),
    2: ("zweite", "zweiter", "zweiten", "zweites", "zweitens", "zwei", "second", "2nd", "two"),
    3: ("dritte", "dritter", "dritten", "drittes", "drittens", "drei", "third", "3rd", "three"),
    4: ("vierte", "vierter", "vierten", "viertes", "viertens", "vier", "fourth", "4th", "four"),
    5: ("fünfte", "fünfter", "fünften", "fünftes", "fünftens", "fünf", "fifth", "5th", "five"),
    6: ("sechste", "sechster", "sechsten", "sechs", "sixth", "6th", "six"),
    7: ("siebte", "siebter", "siebten", "sieben", "seventh", "7th", "seven"),
    8: ("achte", "achter", "achten", "acht", "eighth", "8th", "eight"),
    9: ("neunte", "neunter", "neunten", "neun", "ninth", "9th", "nine"),
    10: ("zehnte", "zehnter", "zehnten", "zehn", "tenth", "10th", "ten"),
    LAST: ("letzte", "letzter", "letzten", "letztes", "last", "final"),
}
PLACE_WORDS = {normalize(word): place for place, words in _PLACES.items() for word in words}


def bare_number(text: str) -> int | None:
    """ "2", " 2. ", "#2", "3)" as 2, 2, 2, 3."""
    found = BARE_NUMBER.match(text)
    return int(found.group(1)) if found else None


def place(text: str) -> int | None:
    """The place a short answer points at (1-based, LAST for the last one), or None.

    Only when nothing but fillers and pointer words surround it: "die zweite bitte",
    "nummer 2", "the last one" — never "zwei Spielplätze"."""
    folded = normalize(text)
    words = [word for word in folded.split() if word not in FILLERS and word not in POINTERS]
    if len(words) != 1:
        return None
    word = words[0]
    if word.isdigit():
        # a number of its own: "nummer 2", never the "1" of a reference like "I-1"
        alone = _ALONE.search(text)
        return int(word) if alone and alone.group(1) == word else None
    return PLACE_WORDS.get(word)


def number_in_text(text: str) -> int | None:
    """The one number in a short text ("ganz wichtig, 5!!"); None when there are several
    or the text is long enough to be a sentence that merely mentions a number."""
    if len(normalize(text).split()) > _NUMBER_IN_TEXT_WORDS or len(_DIGITS.findall(text)) != 1:
        return None
    # a number of its own, not part of a reference ("I-1") or a word ("3er")
    alone = _ALONE.search(text)
    return int(alone.group(1)) if alone else None
