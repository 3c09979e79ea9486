"""The features the embedded model sees: words, word pairs and character n-grams of each word."""

from __future__ import annotations

from itertools import pairwise

from nlu.normalize import normalize, tokens

CHAR_MIN = 2
CHAR_MAX = 5


def features(text: str) -> list[str]:
    """Feature strings of a raw message; the same function serves training and parsing.

    Character n-grams inside each word make the model robust to typos, missing umlauts and
    German compounds ("Fahrradständer" shares most n-grams with "Fahrrad").
    """
    words = [("0" if word.isdigit() else word) for word in tokens(normalize(text))]
    found = [f"w:{word}" for word in words]
    found.extend(f"b:{first} {second}" for first, second in pairwise(words))
    for word in words:
        if not word.isalpha():
            continue
        padded = f" {word} "
        for size in range(CHAR_MIN, CHAR_MAX + 1):
            found.extend(f"c:{padded[i : i + size]}" for i in range(max(len(padded) - size + 1, 0)))
    return found
