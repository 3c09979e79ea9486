"""Mapping what a citizen typed to the options offered: by number, place, label, synonyms
and keywords, loosely (typos, word endings, fillers), one option or several.

The engine reads every typed message at a step with options through `read_choice`;
docs/answer-matching.md describes the order of the rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from flows import positions
from flows.folding import normalize
from flows.fuzzy import same_word
from flows.hedges import content_words
from flows.types import Option

__all__ = ["SEVERAL", "Reading", "match_choice", "normalize", "read_choice"]

# the slot a step sets while its question takes several picks in one message
SEVERAL = "_several"

# "Radweg und Spielplatz", "1, 4", "swings & sandpit": one message, several picks
_SEPARATORS = re.compile(r"\s*(?:[,;+/&]|\bund\b|\band\b|\bsowie\b|\bplus\b)\s*", re.IGNORECASE)
# a hedged answer ("environment i guess") picks by its words only while it is this short
_LOOSE_WORDS = 4


@dataclass(frozen=True)
class Reading:
    """What a message says about the options: `picked` (one, or several where the step
    takes several), `candidates` when it could mean more than one, or `out_of_range` for a
    number no option has."""

    picked: tuple[Option, ...] = ()
    candidates: tuple[Option, ...] = ()
    out_of_range: int | None = None

    @property
    def one(self) -> Option | None:
        return self.picked[0] if len(self.picked) == 1 else None


NOTHING = Reading()


def match_choice(text: str, options: Sequence[Option], loose: bool = False) -> Option | None:
    """The one option a message picks, or None (also when it could be several)."""
    return read_choice(text, options, loose=loose).one


def read_choice(
    text: str, options: Sequence[Option], *, loose: bool = True, several: bool = False
) -> Reading:
    """`loose` also takes hedged answers and a lone number in a short text (inside a flow;
    at the main menu the recogniser knows better); `several` lets one message pick more
    than one option (a multiple-choice question)."""
    if not options:
        return NOTHING
    number = positions.bare_number(text)
    if number is not None:
        return _at(options, number)
    wanted = normalize(text)
    if not wanted:
        stripped = text.strip()
        found = [option for option in options if option.label.strip() == stripped]
        return Reading(tuple(found[:1]))
    exact = [option for option in options if normalize(option.label) == wanted]
    if exact:
        return Reading((exact[0],))
    whole = _by_words(wanted, options, strict=True)
    if whole.picked or whole.candidates:
        return whole
    pointed = positions.place(text)
    if pointed is not None:
        return _at(options, pointed)
    parts = _parts(text, options)
    if parts:
        return Reading(parts) if several else Reading(candidates=parts)
    if not loose:
        return NOTHING
    if several:
        # "something to climb on and a sandbox": each part in its own words
        parts = _parts(text, options, loose=True)
        if parts:
            return Reading(parts)
    hedged = _by_words(wanted, options, strict=False)
    if hedged.picked or hedged.candidates:
        return hedged
    inside = positions.number_in_text(text)
    if inside is not None:
        same = [option for option in options if normalize(option.label) == str(inside)]
        return Reading((same[0],)) if same else _at(options, inside)
    return NOTHING


def _at(options: Sequence[Option], place: int) -> Reading:
    if place == positions.LAST:
        # "the last one" means the last of the list, not the menu button after it
        listed = [option for option in options if not option.value.startswith(("/", "_"))]
        return Reading(((listed or list(options))[-1],))
    if 1 <= place <= len(options):
        return Reading((options[place - 1],))
    if any(normalize(option.label).isdigit() for option in options):
        return NOTHING  # a scale: its own question says which numbers it takes
    return Reading(out_of_range=place)


def option_words(option: Option) -> list[list[str]]:
    """The label and each synonym or keyword of an option, as lists of folded words."""
    return [
        words for words in (normalize(s).split() for s in (option.label, *option.words)) if words
    ]


def _matches(typed: list[str], names: list[list[str]], strict: bool) -> int:
    """How many typed words one of the option's names contains (all of them when strict)."""
    best = 0
    for name in names:
        found = sum(1 for word in typed if any(same_word(word, known) for known in name))
        if strict and found < len(typed):
            continue
        best = max(best, found)
    return best


def _by_words(wanted: str, options: Sequence[Option], strict: bool) -> Reading:
    """ "titel ändern bitte" picks "✏️ Titel ändern", "radwege" a topic with the keyword
    "Radweg": every word found in one option (strict), or — for a short hedged answer —
    some of them in exactly one option."""
    typed = content_words(wanted)
    if len("".join(typed)) < 3 or len(typed) > (4 if strict else _LOOSE_WORDS):
        return NOTHING
    scores = [(_matches(typed, option_words(option), strict), option) for option in options]
    found = [(score, option) for score, option in scores if score > 0]
    if not found:
        return NOTHING
    best = max(score for score, _option in found)
    top = tuple(option for score, option in found if score == best)
    if len(top) == 1:
        return Reading(top)
    return Reading(candidates=top)


def _parts(text: str, options: Sequence[Option], loose: bool = False) -> tuple[Option, ...]:
    """Each part of "Radweg und Spielplatz" picking a different option; () otherwise."""
    pieces = [piece for piece in _SEPARATORS.split(text.strip()) if piece and piece.strip()]
    if len(pieces) < 2:
        return ()
    picked: list[Option] = []
    for piece in pieces:
        reading = read_choice(piece, options, loose=loose)
        if reading.one is None:
            return ()
        if reading.one not in picked:
            picked.append(reading.one)
    return tuple(picked) if len(picked) >= 2 else ()
