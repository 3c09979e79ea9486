"""The features the embedded model sees: words, word pairs and character n-grams of each word."""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

from nlu.normalize import normalize, tokens

CHAR_MIN = 2
CHAR_MAX = 5


def words_of(normalized: str) -> list[str]:
    """The words of a normalised text; every number counts as the same word."""
    return [("0" if word.isdigit() else word) for word in tokens(normalized)]


@lru_cache(maxsize=50_000)
def word_features(word: str) -> tuple[str, ...]:
    """The word itself and its character n-grams.

    Character n-grams make the model robust to typos, missing umlauts and German compounds
    ("Fahrradständer" shares most n-grams with "Fahrrad").
    """
    found = [f"w:{word}"]
    if word.isalpha():
        padded = f" {word} "
        for size in range(CHAR_MIN, CHAR_MAX + 1):
            found.extend(f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1))
    return tuple(found)


def pair_features(words: list[str]) -> list[str]:
    """Neighbouring word pairs, which carry negation and word order ("nicht mehr")."""
    return [f"b:{first} {second}" for first, second in pairwise(words)]


def features(text: str) -> list[str]:
    """Feature strings of a raw message, used for training; parsing computes the same."""
    words = words_of(normalize(text))
    found = [feature for word in words for feature in word_features(word)]
    found.extend(pair_features(words))
    return found
