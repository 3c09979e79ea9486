"""Retry texts that fit the channel: "tap a button" only where there are buttons."""

from __future__ import annotations

from flows import repair_texts
from flows.run import Run


def not_a_choice(run: Run) -> str:
    """Asked again after an answer that picks no option."""
    numbered = run.ctx.numbered
    return run.text(
        repair_texts.NOT_A_CHOICE_NUMBERED if numbered else repair_texts.NOT_A_CHOICE_BUTTONS
    )
