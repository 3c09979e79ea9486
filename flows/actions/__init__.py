"""Named actions that flow steps of type `action` run (the steps that call the ports)."""

from __future__ import annotations

from flows.actions import (
    consent,
    consultations,
    council,
    finding,
    ideas,
    language,
    personal_data,
    questions,
    reports,
    results,
    subscriptions,
)
from flows.actions.spec import ActionSpec

ACTIONS: dict[str, ActionSpec] = {
    **consent.ACTIONS,
    **questions.ACTIONS,
    **reports.ACTIONS,
    **consultations.ACTIONS,
    **results.ACTIONS,
    **ideas.ACTIONS,
    **subscriptions.ACTIONS,
    **council.ACTIONS,
    **personal_data.ACTIONS,
    **finding.ACTIONS,
    **language.ACTIONS,
}

__all__ = ["ACTIONS", "ActionSpec"]
