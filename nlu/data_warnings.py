"""Warnings about training data that loads fine but may teach the model badly.

Two kinds, each located by file and line: an intent with no example in some register of the
checklist (rules in nlu/registers.py), and two intents holding nearly the same sentence. They
never stop the data from being used; `mitreden nlu validate --strict` fails on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from nlu.normalize import sentence_key
from nlu.registers import REGISTERS, RULES, is_negated, registers_of, words_of
from nlu.training_data import Example, TrainingData

# "keine updates mehr bitte" and "keine updates mehr, bitte!!" are the same sentence; a pair
# this alike in two intents asks the model to tell apart what it cannot
SIMILARITY = 0.9
_ROWS_PER_BLOCK = 512  # similarity rows computed at once: bounded memory for any data size


@dataclass(frozen=True)
class DataWarning:
    """One warning, at the file and line it is about."""

    path: str
    line: int
    kind: str  # "missing_registers" or "near_duplicate"
    message: str
    registers: tuple[str, ...] = ()  # the registers missing, for "missing_registers"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def data_warnings(data: TrainingData) -> list[DataWarning]:
    """Every warning for `data`: missing registers by intent, then near-duplicates."""
    return missing_registers(data.examples) + near_duplicates(data.examples)


def missing_registers(examples: Sequence[Example]) -> list[DataWarning]:
    """Per intent, the registers none of its examples is written in, with how each is found."""
    by_intent: dict[str, list[Example]] = {}
    for example in examples:
        by_intent.setdefault(example.intent, []).append(example)
    data_words = frozenset(word for e in examples for word in words_of(e.text))
    warnings: list[DataWarning] = []
    for intent, own in by_intent.items():
        intent_words = Counter(word for e in own for word in words_of(e.text))
        covered: set[str] = set()
        for example in own:
            covered |= registers_of(example.text, intent_words, data_words)
        missing = [register for register in REGISTERS if register not in covered]
        if not missing:
            continue
        path, line = _where(own[0])
        message = f"intent '{intent}' has no example in register(s) {', '.join(missing)}"
        warnings.append(DataWarning(path, line, "missing_registers", message, tuple(missing)))
    return warnings


def register_rules(warnings: Sequence[DataWarning]) -> list[str]:
    """How each register named in the warnings is found, one line each, checklist order."""
    named = {register for warning in warnings for register in warning.registers}
    return [f"{register}: {RULES[register]}" for register in REGISTERS if register in named]


def near_duplicates(
    examples: Sequence[Example], similarity: float = SIMILARITY
) -> list[DataWarning]:
    """Pairs of examples of two different intents that are the same sentence after
    normalisation (words only) or whose character 3- and 4-grams have a cosine of at least
    `similarity`. Each pair is named once, at the later example. A pair where only one
    side is negated ("I want to be notified" / "I don't want to be notified") is a contrast
    the model learns from its negation marks, not a duplicate, and is left out."""
    if len(examples) < 2:
        return []
    vectors = _ngram_vectors([e.text for e in examples])
    keys = [sentence_key(e.text) for e in examples]
    negated = [is_negated(e.text) for e in examples]
    intents = np.array([e.intent for e in examples])
    pairs: list[tuple[int, int, float]] = []
    for start in range(0, len(examples), _ROWS_PER_BLOCK):
        block = (vectors[start : start + _ROWS_PER_BLOCK] @ vectors.T).toarray()
        for row, column in zip(*np.nonzero(block >= similarity), strict=True):
            first, second = start + int(row), int(column)
            contrast = negated[first] != negated[second]
            if first < second and intents[first] != intents[second] and not contrast:
                pairs.append((first, second, float(block[row, column])))
    seen = {(a, b) for a, b, _ in pairs}
    first_of_key: dict[str, int] = {}
    for index, key in enumerate(keys):
        earlier = first_of_key.setdefault(key, index) if key else index
        differs = earlier != index and intents[earlier] != intents[index]
        if differs and (earlier, index) not in seen:
            pairs.append((earlier, index, 1.0))
    return [_duplicate_warning(examples[a], examples[b], score) for a, b, score in sorted(pairs)]


def _ngram_vectors(texts: list[str]) -> csr_matrix:
    """Rows of unit length: TF-IDF of character 3- and 4-grams within words."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 4), preprocessor=sentence_key, sublinear_tf=True
    )
    try:
        return csr_matrix(vectorizer.fit_transform(texts))
    except ValueError:  # no text has a word (only "???"): nothing is alike by n-grams
        return csr_matrix((len(texts), 1))


def _duplicate_warning(first: Example, second: Example, score: float) -> DataWarning:
    path, line = _where(second)
    message = (
        f"{second.text!r} ({second.intent}) is nearly the same as {first.text!r}"
        f" ({first.intent}) at {first.source} (similarity {score:.2f}); keep it in one intent"
        " or make them differ"
    )
    return DataWarning(path, line, "near_duplicate", message)


def _where(example: Example) -> tuple[str, int]:
    path, _, line = example.source.rpartition(":")
    return (path, int(line)) if line.isdigit() else (example.source, 0)
