"""Paraphrase families and near-duplicates: which sentences are really the same sentence.

Cross-validation keeps a family in one fold, so a sentence is never tested against its own
slightly reworded twin; the test sets are checked against the training data the same way.
Sentences of a family are alike in their character 3- and 4-grams (within words, after
normalisation) or in edit distance; near-duplicates are alike in edit distance.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.normalize import sentence_key

# "keine updates mehr bitte" and "bitte keine updates mehr!" are one family; "keine updates
# mehr" and "keine erinnerungen mehr" are not (their similarity: 0.35).
FAMILY_SIMILARITY = 0.6
TYPO_SIMILARITY = 0.8  # in edit distance, for words too short for many shared n-grams
# a test message this close to a training sentence (in edit distance) is a copy with a typo:
# "zeig mal was du kannst" and "zeig mir was du kannst" are, "no thx" and "thx" are not
NEAR_DUPLICATE_SIMILARITY = 0.9


def _vectors(fitted_on: Sequence[str], texts: Sequence[str]) -> csr_matrix:
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 4), preprocessor=sentence_key, sublinear_tf=True
    )
    try:
        vectorizer.fit(list(fitted_on))
    except ValueError:  # no sentence has a word ("???" only): none is alike by n-grams
        return csr_matrix((len(texts), 1))
    return csr_matrix(vectorizer.transform(list(texts)))


def families(texts: Sequence[str], labels: Sequence[str]) -> list[int]:
    """A family number for each sentence: sentences of one intent that are alike, chained."""
    vectors = _vectors(texts, texts)
    family = [0] * len(texts)
    next_family = 0
    for label in sorted(set(labels)):
        members = [i for i, name in enumerate(labels) if name == label]
        own = vectors[members]
        alike = (own @ own.T) >= FAMILY_SIMILARITY
        same = _equal_keys([sentence_key(texts[i]) for i in members])
        keys = [_plain_key(texts[i]) for i in members]
        # typo variants ("tschüssi", "tschuess") share few n-grams but most letters
        typos = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY * 100)
        close = csr_matrix(typos > 0)
        count, numbers = connected_components(alike + same + close, directed=False)
        for member, number in zip(members, numbers, strict=True):
            family[member] = next_family + int(number)
        next_family += count
    return family


def _equal_keys(keys: Sequence[str]) -> csr_matrix:
    """Links sentences with the same key, including those whose n-gram vector is empty."""
    first: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for index, key in enumerate(keys):
        rows.append(index)
        cols.append(first.setdefault(key, index))
    data = np.ones(len(rows), dtype=bool)
    return csr_matrix((data, (rows, cols)), shape=(len(keys), len(keys)))


def near_duplicates(
    tests: Sequence[str], trained: Sequence[str], similarity: float = NEAR_DUPLICATE_SIMILARITY
) -> list[tuple[str, str]]:
    """Pairs (test sentence, training sentence) that are the same sentence or nearly so:
    equal after normalisation and without emojis, or differing in a typo or two."""
    exact = {sentence_key(text): text for text in trained}
    trained_keys = [_plain_key(text) for text in trained]
    found: list[tuple[str, str]] = []
    for text in tests:
        key = sentence_key(text)
        if key in exact:
            found.append((text, exact[key]))
            continue
        plain = _plain_key(text)
        if not plain:
            continue  # only emojis or symbols: the same only when exactly the same
        best = process.extractOne(
            plain, trained_keys, scorer=fuzz.ratio, score_cutoff=similarity * 100
        )
        if best is not None:
            found.append((text, trained[best[2]]))
    return found


def _plain_key(text: str) -> str:
    return " ".join(word for word in sentence_key(text).split() if word.isalnum())


def family_folds(
    texts: Sequence[str], labels: Sequence[str], folds: int, seed: int = 0
) -> list[int]:
    """A fold number for each sentence such that a family never spans two folds, and each
    intent is spread over the folds as evenly as its families allow."""
    family = families(texts, labels)
    members: dict[tuple[str, int], list[int]] = {}
    for index, (label, number) in enumerate(zip(labels, family, strict=True)):
        members.setdefault((label, number), []).append(index)
    shuffle = random.Random(seed)
    groups = list(members.items())
    shuffle.shuffle(groups)  # random order among families of equal size
    groups.sort(key=lambda item: -len(item[1]))
    fold_of = [0] * len(texts)
    filled: dict[tuple[str, int], int] = {}
    total = [0] * folds
    for (label, _), indices in groups:
        # the next (smaller or equal) family goes to the fold with the fewest sentences of its
        # intent, and among those to the fold with the fewest sentences
        target = min(range(folds), key=lambda fold: (filled.get((label, fold), 0), total[fold]))
        filled[(label, target)] = filled.get((label, target), 0) + len(indices)
        total[target] += len(indices)
        for index in indices:
            fold_of[index] = target
    return fold_of
