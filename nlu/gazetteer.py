"""Entity values found through lists of names: exact, inflected, compound and typo matches.

A gazetteer maps each entity (e.g. "topic") to canonical values (e.g. "verkehr") and the
words citizens use for them ("Radweg", "bike lane"). Matching works on normalised tokens,
so case, missing umlauts and hyphens do not matter, and reports offsets in the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from nlu.normalize import MAX_CHARS, normalize
from nlu.types import Entity

_WORD = re.compile(r"[^\W_]+")
# German inflection endings: "Radwegen", "Bäumen", "Parks"
_ENDINGS = ("ern", "en", "er", "es", "e", "n", "s")
MIN_COMPOUND = 5  # "Kinderspielplatz" ends in "spielplatz"; shorter heads match too much
MIN_FUZZY = 5
MAX_FUZZY_WORDS = 25  # typo matching per message is capped so long messages stay fast

Key = tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Names of the values of one entity, indexed for matching."""

    entity: str
    index: dict[Key, str]  # normalised token sequence -> canonical value
    single: dict[str, str]  # one-token names only, for compound and typo matching
    by_initial: dict[str, tuple[str, ...]]  # one-token names by first letter, for typos
    longest: int


def build_gazetteer(entity: str, values: Mapping[str, Sequence[str]]) -> Gazetteer:
    """Index the names of each canonical value (the value itself counts as a name too)."""
    index: dict[Key, str] = {}
    for canonical, names in values.items():
        for name in (canonical, *names):
            key = tuple(normalize(word) for word in _WORD.findall(name))
            if key:
                index.setdefault(key, canonical)
    single = {key[0]: value for key, value in index.items() if len(key) == 1}
    by_initial: dict[str, list[str]] = {}
    for name in single:
        by_initial.setdefault(name[0], []).append(name)
    longest = max((len(key) for key in index), default=0)
    initials = {letter: tuple(names) for letter, names in by_initial.items()}
    return Gazetteer(entity, index, single, initials, longest)


def find_names(
    text: str, gazetteer: Gazetteer, known_words: frozenset[str] = frozenset()
) -> list[Entity]:
    """Entities of the gazetteer's kind in the text, longest match first, left to right.

    `known_words` are correctly spelled words that are not names; they skip typo matching.
    """
    spans = [(m.start(), m.end(), normalize(m.group(0))) for m in _WORD.finditer(text[:MAX_CHARS])]
    words = [span[2] for span in spans]
    found: list[Entity] = []
    position = 0
    fuzzy_left = MAX_FUZZY_WORDS
    while position < len(words):
        hit = _longest_exact(words, position, gazetteer)
        if hit is not None:
            size, value, confidence = hit
        else:
            size = 1
            single = _single_word(words[position], gazetteer, known_words, fuzzy_left > 0)
            fuzzy_left -= 1
            if single is None:
                position += 1
                continue
            value, confidence = single
        start, end = spans[position][0], spans[position + size - 1][1]
        found.append(Entity(gazetteer.entity, value, text[start:end], start, end, confidence))
        position += size
    return found


def _longest_exact(
    words: list[str], position: int, gazetteer: Gazetteer
) -> tuple[int, str, float] | None:
    for size in range(min(gazetteer.longest, len(words) - position), 0, -1):
        value = gazetteer.index.get(tuple(words[position : position + size]))
        if value is not None:
            return size, value, 1.0
    return None


def _single_word(
    word: str, gazetteer: Gazetteer, known_words: frozenset[str], fuzzy: bool
) -> tuple[str, float] | None:
    names = gazetteer.single
    for ending in _ENDINGS:
        if word.endswith(ending) and word[: -len(ending)] in names:
            return names[word[: -len(ending)]], 0.95
    for cut in range(1, len(word) - MIN_COMPOUND + 1):
        if word[cut:] in names:
            return names[word[cut:]], 0.9
    typo = _typo_of(word, gazetteer, known_words) if fuzzy else None
    if typo is not None:
        return typo
    for cut in range(len(word) - 1, MIN_COMPOUND, -1):
        # a name at the start of a compound: "Fahrradständer", "Busfahrplan"
        if word[:cut] in names:
            return names[word[:cut]], 0.85
    return None


def _typo_of(
    word: str, gazetteer: Gazetteer, known_words: frozenset[str]
) -> tuple[str, float] | None:
    """A name one edit away (two for long words), with the same first letter.

    Typos rarely hit the first letter, and requiring it keeps "aufstellen" from becoming
    "baustellen".
    """
    if len(word) < MIN_FUZZY or word in known_words or not (word.isascii() and word.isalpha()):
        return None
    allowed = 1 if len(word) < 8 else 2
    candidates = gazetteer.by_initial.get(word[0], ())
    best = process.extractOne(word, candidates, scorer=Levenshtein.distance, score_cutoff=allowed)
    if best is None:
        return None
    return gazetteer.single[best[0]], 0.8 if best[1] else 1.0


def merged_values(
    shipped: Mapping[str, Sequence[str]], runtime: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Runtime values win: only their keys remain, each with the shipped names added.

    So a town that removed a topic never gets its slug back from the shipped synonyms.
    """
    return {key: [*names, *shipped.get(key, ())] for key, names in runtime.items()}


def values_from_data(
    lookups: Mapping[str, Iterable[str]], synonyms: Mapping[str, Iterable[str]]
) -> dict[str, dict[str, list[str]]]:
    """Per entity, canonical value -> names, from Rasa lookups and synonyms.

    A lookup lists an entity's values (or names of them); a synonym block maps names to a
    canonical value. Every name of a synonym whose value an entity's lookup lists belongs
    to that entity.
    """
    canonical_of = {normalize(name): value for value, names in synonyms.items() for name in names}
    by_entity: dict[str, dict[str, list[str]]] = {}
    for entity, listed in lookups.items():
        values: dict[str, list[str]] = {}
        for name in listed:
            value = canonical_of.get(normalize(name), name)
            values.setdefault(value, []).append(name)
        for value in list(values):
            values[value].extend(synonyms.get(value, ()))
        by_entity[entity] = values
    return by_entity
