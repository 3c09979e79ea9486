"""Reference numbers citizens see ("Q-17", "I-3", "P-12", "M-5"), derived from row ids."""

from __future__ import annotations

import re

QUESTION, IDEA, PARTICIPATION = "Q", "I", "P"
REPORT = "M"  # "Meldung"

_REFERENCE = re.compile(r"^\s*#?\s*([A-Za-z])?\s*-?\s*(\d{1,18})\s*$")


def make_reference(prefix: str, row_id: int) -> str:
    return f"{prefix}-{row_id}"


def parse_reference(text: str, prefix: str) -> int | None:
    """The id in "I-17", "i17", "#17" or "17" for prefix "I"; None for anything else."""
    match = _REFERENCE.match(text)
    if match is None:
        return None
    letter, number = match.groups()
    if letter is not None and letter.upper() != prefix:
        return None
    return int(number)
