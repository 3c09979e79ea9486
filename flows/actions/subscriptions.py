"""Listing, adding and removing a citizen's subscriptions."""

from __future__ import annotations

from flows.actions.spec import ActionSpec
from flows.definition import StepDefinition
from flows.ports.subscriptions import SubscriptionKind
from flows.run import Run

_KIND = {
    "de": {"topic": "Thema", "consultation": "Umfrage", "idea": "Idee", "paper": "Ratsvorlage"},
    "en": {
        "topic": "Topic",
        "consultation": "Consultation",
        "idea": "Idea",
        "paper": "Council paper",
    },
}
KINDS: tuple[SubscriptionKind, ...] = ("topic", "consultation", "idea", "paper")


def subscription_label(kind: str, label: str, language: str) -> str:
    return f"{label} ({_KIND.get(language, _KIND['en']).get(kind, kind)})"


async def list_subscriptions(run: Run, step: StepDefinition) -> str:
    found = await run.ports.subscriptions.listed(run.ctx.citizen_id, run.language)
    run.slots["subscription_count"] = len(found)
    run.slots["subscriptions_text"] = "\n".join(
        f"• {subscription_label(item.kind, item.label, run.language)}" for item in found
    )
    return "some" if found else "none"


async def subscribe_topic(run: Run, step: StepDefinition) -> str:
    added = await run.ports.subscriptions.add(
        run.ctx.citizen_id, "topic", run.slot_str("topic") or ""
    )
    return "added" if added else "already"


async def unsubscribe(run: Run, step: StepDefinition) -> str:
    kind, _, target = (run.slot_str("subscription") or "").partition(":")
    for known in KINDS:
        if kind == known and target:
            removed = await run.ports.subscriptions.remove(run.ctx.citizen_id, known, target)
            return "ok" if removed else "missing"
    return "missing"


ACTIONS = {
    "list_subscriptions": ActionSpec(
        list_subscriptions, ("some", "none"), ("subscriptions_text", "subscription_count")
    ),
    "subscribe_topic": ActionSpec(subscribe_topic, ("added", "already")),
    "unsubscribe": ActionSpec(unsubscribe, ("ok", "missing")),
}
