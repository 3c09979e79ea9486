"""The features the embedded model sees: words, character n-grams of each word, word pairs and
words in the scope of a negation."""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

from nlu.normalize import normalize, tokens

CHAR_MIN = 2
CHAR_MAX = 5


def _listing(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that turn what follows around: "keine updates mehr" wants the opposite of "updates".
NEGATIONS = _listing(
    """
    nicht nich net ned nit nimmer nimma nimmi kein keine keinen keiner keinem keene keen koane
    nichts nix nie niemals ohne genug schluss stop stopp aufhoren no not dont don't doesn't
    never nothing none without quit anymore longer
    """
)
NEGATION_SCOPE = 3  # words after a negation that carry its mark


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


def context_features(words: list[str]) -> list[str]:
    """Features of words in their context: neighbouring pairs ("nicht mehr") and the words a
    negation reaches ("keine weiteren mitteilungen" marks "weiteren" and "mitteilungen")."""
    found = [f"b:{first} {second}" for first, second in pairwise(words)]
    reach = 0
    for word in words:
        if word in NEGATIONS:
            reach = NEGATION_SCOPE
            found.append("n:")
        elif reach and word.isalpha():
            found.append(f"n:{word}")
            reach -= 1
        elif not word.isalnum():
            reach = 0  # a question mark or an emoji ends the clause
    return found


def features(text: str) -> list[str]:
    """Feature strings of a raw message, used for training; parsing computes the same."""
    words = words_of(normalize(text))
    found = [feature for word in words for feature in word_features(word)]
    found.extend(context_features(words))
    return found
