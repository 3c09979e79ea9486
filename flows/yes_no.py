"""Recognising yes and no in free words or from the NLU's affirm/deny."""

from __future__ import annotations

from typing import Literal

from flows.folding import normalize
from flows.hedges import is_unsure
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

# A yes/no that opens a longer message: "ja danke", "super, danke!", "klar, wenns am
# wochenende ist", "nope, not for me". Folded; checked as the message's first words.
_YES_LEADS = (
    *_YES,
    "super",
    "prima",
    "toll",
    "sehr gern",
    "sehr gerne",
    "auf jeden fall",
    "unbedingt",
    "absolut",
    "logo",
    "gut",
    "great",
    "definitely",
    "absolutely",
    "certainly",
    "sounds good",
    "why not",
    "warum nicht",
)
_NO_LEADS = (*_NO, "auf keinen fall", "keinesfalls", "niemals", "never", "no way", "nicht")
YES_LEADS = tuple(sorted({normalize(word) for word in _YES_LEADS}, key=len, reverse=True))
NO_LEADS = tuple(sorted({normalize(word) for word in _NO_LEADS}, key=len, reverse=True))
# words that turn a leading yes around ("ja, aber nein", "yes no")
_AGAINST_YES = frozenset(normalize(word) for word in ("nein", "no", "nicht", "not", "nee"))


def _leads(words: str, leads: tuple[str, ...]) -> bool:
    return any(words == lead or words.startswith(lead + " ") for lead in leads)


def yes_or_no(answer: UserInput) -> Literal["yes", "no"] | None:
    """ "yes", "no" or None when the message is neither, or unsure ("weiß nicht" and "not
    sure" are never a no: flows.hedges tells them apart before this is asked)."""
    words = normalize(answer.text)
    if words in YES_WORDS:
        return "yes"
    if words in NO_WORDS:
        return "no"
    if is_unsure(words):
        return None
    if _leads(words, NO_LEADS):
        return "no"
    if _leads(words, YES_LEADS) and not _AGAINST_YES & set(words.split()[1:]):
        return "yes"
    if answer.nlu is not None and answer.nlu.intent == "affirm":
        return "yes"
    if answer.nlu is not None and answer.nlu.intent == "deny":
        return "no"
    return None
