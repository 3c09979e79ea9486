"""Which row an address names: its id ("/consultations/7") or the reference people see on
the pages and in messages ("/consultations/C-7"), as for questions (Q-7) and ideas (I-7)."""

from __future__ import annotations

from storage.references import parse_reference

CONSULTATION, DECISION, ANNOUNCEMENT = "C", "D", "A"
LARGEST_ID = 2**31 - 1  # ids are 32-bit in the store: a longer number names no row


def row_id(raw: str, prefix: str) -> int | None:
    """The id in "7", "C-7" or "c7" for prefix "C"; None when it names no possible row."""
    found = parse_reference(raw, prefix)
    return found if found is not None and 0 < found <= LARGEST_ID else None
