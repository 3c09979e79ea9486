"""Finding the idea or consultation a citizen names in their own words ("die Sache mit dem
Zebrastreifen", "the bench idea"): a title scores by how many of its words the message
contains, allowing typos, plural endings and compounds."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from nlu.normalize import normalize

_WORD = re.compile(r"[a-z0-9]+")
# words that say nothing about which idea or consultation is meant
_FILLER_WORDS = (
    "der die das den dem des ein eine einen einem einer und oder mit von vom zum zur zu im "
    "am an in auf fur fuer bei beim uber ueber vor nach aus the a an and or of for to on at "
    "with by from mehr neue neuer neues new more idee idea ideas ideen umfrage consultation "
    "survey abstimmung ergebnis ergebnisse result results ich bin mich mir wir uns you your "
    "this that die das dies diese dieser with unterstutze unterstutzen unterstutzt support "
    "supporting back vote voten stimme stimmen like find finde gut super toll dafur count "
    "bitte please want will mochte gern gerne what was wie ist wer how did has have hat gibt "
    "gibts schon already yet eigentlich outcome ausgegangen rausgekommen raus end ended "
    "turn turned out"
)
_FILLER = frozenset(_FILLER_WORDS.split())
CLEAR = 0.5  # at least half of a title's words named
AHEAD = 0.2  # and this far ahead of the next best


@dataclass(frozen=True)
class Match:
    key: str
    title: str
    score: float


def _words(text: str) -> list[str]:
    # years and numbers ("Radverkehrsplan 2030") rarely come up when people name a thing
    found = _WORD.findall(normalize(text))
    return [w for w in found if len(w) >= 3 and w not in _FILLER and not w.isdigit()]


def _word_score(title_word: str, said: Sequence[str]) -> float:
    best = 0.0
    for word in said:
        if word == title_word:
            return 1.0
        shorter, longer = sorted((word, title_word), key=len)
        if len(shorter) >= 4 and (longer.startswith(shorter) or shorter in longer):
            best = max(best, 0.9)  # "bank" in "banke", "eisbahn" in "eisbahnidee"
        elif len(title_word) >= 5 and SequenceMatcher(None, word, title_word).ratio() >= 0.8:
            best = max(best, 0.8)  # typos: "zebrasteifen"
    return best


def rank(said: str, titles: Sequence[tuple[str, str]]) -> list[Match]:
    """(key, title) pairs that share words with what was said, best first."""
    words = _words(said)
    found = []
    for key, title in titles:
        wanted = _words(title)
        if not wanted or not words:
            continue
        # how much of the title was named, or how much of what was said names this title
        of_title = sum(_word_score(word, words) for word in wanted) / len(wanted)
        of_said = sum(_word_score(word, wanted) >= 0.8 for word in words) / len(words)
        score = max(of_title, 0.8 * of_said)
        if score > 0:
            found.append(Match(key, title, round(score, 3)))
    return sorted(found, key=lambda match: -match.score)


def clear_winner(matches: Sequence[Match]) -> Match | None:
    if not matches or matches[0].score < CLEAR:
        return None
    if len(matches) > 1 and matches[1].score > matches[0].score - AHEAD:
        return None
    return matches[0]
