"""Which flow a command, an intent or a /start deep link starts."""

from __future__ import annotations

from flows import opening
from flows.definition import FlowDefinition
from flows.run import Flows
from flows.types import JSON
from nlu.types import NluResult

WELCOME, CONSENT, HELP, FALLBACK = "welcome", "consent", "help", "fallback"
# How sure the NLU must be before words typed at a choice step start another flow.
SWITCH_CONFIDENCE = 0.65


def by_command(library: Flows, command: str) -> FlowDefinition | None:
    for flow in library.current_flows():
        if command in flow.triggers.commands:
            return flow
    return None


def by_intent(library: Flows, intent: str) -> FlowDefinition | None:
    for flow in library.current_flows():
        if intent in flow.triggers.intents:
            return flow
    return None


def entity_slots(flow: FlowDefinition, nlu: NluResult | None) -> dict[str, JSON]:
    """Slots filled from the message's entities, as the flow's triggers ask, and the message
    itself where a step of the flow may take its answer from it (flows/opening.py)."""
    if nlu is None:
        return {}
    slots: dict[str, JSON] = opening.opening_slots(flow, nlu.text)
    for entity, slot in flow.triggers.entity_slots.items():
        value = nlu.entity(entity)
        if value is not None:
            slots[slot] = value
    return slots


def by_deep_link(library: Flows, payload: str) -> tuple[FlowDefinition, dict[str, JSON]] | None:
    """`c-3` opens the flow whose deep_link is "c" with its deep_link_slot set to "3"."""
    prefix, _, value = payload.partition("-")
    for flow in library.current_flows():
        triggers = flow.triggers
        if (
            triggers.deep_link
            and triggers.deep_link_slot
            and prefix.casefold() == triggers.deep_link
        ):
            return flow, {triggers.deep_link_slot: value} if value else {}
    return None
