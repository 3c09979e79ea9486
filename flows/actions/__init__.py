"""Named actions that flow steps of type `action` run (the steps that call the ports)."""

from __future__ import annotations

from flows.actions import (
    consent,
    consultations,
    council,
    ideas,
    personal_data,
    questions,
    results,
    subscriptions,
)
from flows.actions.spec import ActionSpec

ACTIONS: dict[str, ActionSpec] = {
    **consent.ACTIONS,
    **questions.ACTIONS,
    **consultations.ACTIONS,
    **results.ACTIONS,
    **ideas.ACTIONS,
    **subscriptions.ACTIONS,
    **council.ACTIONS,
    **personal_data.ACTIONS,
}

__all__ = ["ACTIONS", "ActionSpec"]
