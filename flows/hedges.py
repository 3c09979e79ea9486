"""Words around an answer that carry no choice: fillers, hedges, politeness, and the
phrases of a citizen who does not know yet. All folded (flows.choices.normalize)."""

from __future__ import annotations

from flows.folding import normalize

_FILLERS = (
    # German
    "ich du sie es wir der die das den dem des ein eine einen einem einer zu zum zur fur "
    "mit von vom im in am an auf bei bitte danke dank gerne gern mal doch halt eben "
    "glaube denke wohl eher vielleicht meistens vor allem hauptsachlich nehme nehmen will "
    "mochte mochten hatte hatten gerne lieber eigentlich so also hmm hm ahm ah oh naja na "
    "ist sind war bin ganz sehr wirklich schon ok okay "
    # English
    "i me my you the a an one ones for to of on at with please thanks thank guess think "
    "suppose maybe probably mostly mainly perhaps like want would take id im ill is are "
    "was be so just well um uh erm really very quite sure ok okay"
)


def _folded(words: str) -> frozenset[str]:
    return frozenset(normalize(word) for word in words.split())


FILLERS = _folded(_FILLERS)

# Words that only say where a number points: "nummer 2", "option 2", "nr. 2"
POINTERS = _folded("nummer nr no number option antwort answer punkt moglichkeit choice")

# A citizen who does not know (yet): offered skipping or a pause, never taken as an answer
_UNSURE_PHRASES = (
    "weiß nicht",
    "weiss nicht",
    "weiß ich nicht",
    "weiss ich nicht",
    "keine ahnung",
    "k a",
    "kA",
    "bin mir nicht sicher",
    "nicht sicher",
    "unsicher",
    "mal sehen",
    "mal schauen",
    "egal",
    "not sure",
    "unsure",
    "no idea",
    "dont know",
    "don't know",
    "do not know",
    "dunno",
    "idk",
    "no clue",
    "i have no idea",
    "not certain",
    "no opinion",
    "keine meinung",
)
UNSURE = tuple(normalize(phrase) for phrase in _UNSURE_PHRASES)
# "later" alone: the citizen wants to stop for now, not to answer
_LATER = ("später", "spaeter", "vielleicht später", "lieber später", "later", "maybe later")
LATER = frozenset(normalize(phrase) for phrase in _LATER)


# Skipping, in either language: a German citizen may well type "skip"
SKIP_WORDS = frozenset(
    normalize(phrase)
    for phrase in ("überspringen", "skip", "skip it", "skip this", "auslassen", "weglassen")
)


def content_words(folded: str) -> list[str]:
    """The words that may name an option; all words when every one is a filler."""
    words = folded.split()
    kept = [word for word in words if word not in FILLERS]
    return kept or words


def is_unsure(folded: str, whole: bool = False) -> bool:
    """The citizen says they do not know. `whole`: only when that is all the message says
    (a free-text answer may well contain "not sure" in a sentence)."""
    if not folded:
        return False
    if folded in LATER or folded in UNSURE:
        return True
    if whole:
        return " ".join(content_words(folded)) in UNSURE
    padded = f" {folded} "
    return any(f" {phrase} " in padded for phrase in UNSURE)
