"""Whether two folded words mean the same: equal, one the stem of the other, or a typo apart."""

from __future__ import annotations

from functools import lru_cache

# a typed word that only starts a longer one counts from this many letters on ("radweg"
# for "radwege"); a stem this long may also start a compound ("radverkehr…")
_STEM = 4
_COMPOUND_STEM = 6
_STEM_TAIL = 3  # "radweg" + "e", "spielplatz" + "es": endings, not other words


def allowed_typos(length: int) -> int:
    """Edits a word of this length may be off by: none for short words, where one letter
    changes the meaning ("bus" / "bau"), one up to ten letters, two beyond."""
    if length <= 4:
        return 0
    return 1 if length <= 10 else 2


@lru_cache(maxsize=16384)
def same_word(typed: str, known: str) -> bool:
    """`typed` and `known` are folded words (flows.choices.normalize)."""
    if typed == known:
        return True
    if typed.isdigit() or known.isdigit():
        return False  # "12" is not a typo of "13"
    short, long = sorted((typed, known), key=len)
    if len(short) >= _STEM and long.startswith(short):
        return len(long) - len(short) <= _STEM_TAIL or len(short) >= _COMPOUND_STEM
    limit = allowed_typos(min(len(typed), len(known)))
    return limit > 0 and distance(typed, known, limit) <= limit


def distance(first: str, second: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from one word to the other;
    anything above `limit` is reported as `limit + 1`."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, start=1):
        current = [i] + [0] * len(second)
        for j, b in enumerate(second, start=1):
            cost = 0 if a == b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)
