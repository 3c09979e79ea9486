"""Recognising yes and no in free words or from the NLU's affirm/deny."""

from __future__ import annotations

from typing import Literal

from flows.choices import normalize
from flows.types import UserInput

_YES = (
    "ja",
    "jo",
    "jep",
    "jup",
    "japp",
    "klar",
    "na klar",
    "ja klar",
    "genau",
    "gerne",
    "gern",
    "ja bitte",
    "ja gerne",
    "ok",
    "okay",
    "passt",
    "stimmt",
    "richtig",
    "einverstanden",
    "natürlich",
    "yes",
    "yeah",
    "yep",
    "yup",
    "sure",
    "y",
    "j",
    "yes please",
    "of course",
)
_NO = (
    "nein",
    "ne",
    "nee",
    "nö",
    "no",
    "nope",
    "n",
    "nah",
    "lieber nicht",
    "eher nicht",
    "nein danke",
    "no thanks",
    "no thank you",
    "not really",
)
YES_WORDS = frozenset(normalize(word) for word in _YES)
NO_WORDS = frozenset(normalize(word) for word in _NO)


def yes_or_no(answer: UserInput) -> Literal["yes", "no"] | None:
    """ "yes", "no" or None when the message is neither."""
    words = normalize(answer.text)
    if words in YES_WORDS:
        return "yes"
    if words in NO_WORDS:
        return "no"
    if answer.nlu is not None and answer.nlu.intent == "affirm":
        return "yes"
    if answer.nlu is not None and answer.nlu.intent == "deny":
        return "no"
    return None
