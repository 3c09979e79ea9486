"""Ideas: storing a proposal, showing one with its history, supporting and following it."""

from __future__ import annotations

from flows import formatting
from flows.actions.spec import ActionSpec
from flows.definition import StepDefinition
from flows.ports.ideas import IdeaView, SupportOutcome
from flows.run import Run

_LABELS = {
    "de": {
        "topic": "Thema",
        "status": "Status",
        "support": "Unterstützung",
        "place": "Ort",
        "history": "Verlauf",
    },
    "en": {
        "topic": "Topic",
        "status": "Status",
        "support": "Support",
        "place": "Place",
        "history": "History",
    },
}


def _details(run: Run, view: IdeaView) -> str:
    labels = _LABELS.get(run.language, _LABELS["en"])
    summary = view.summary
    zone = run.ctx.variables.get("timezone")
    lines = [f"💡 {summary.title} ({summary.ref})", "", formatting.shorten(view.description, 800)]
    lines.append("")
    if summary.topic is not None:
        lines.append(f"{labels['topic']}: {summary.topic.name}")
    if view.place:
        lines.append(f"{labels['place']}: {view.place}")
    lines.append(f"{labels['status']}: {formatting.idea_status(summary.status, run.language)}")
    lines.append(f"{labels['support']}: 👍 {summary.support_count}")
    if view.history:
        lines.append(f"{labels['history']}:")
        for change in view.history:
            when = formatting.date(change.at, run.language, zone)
            status = formatting.idea_status(change.status, run.language)
            note = f" – {change.note}" if change.note else ""
            lines.append(f"• {when}: {status}{note}")
    return "\n".join(lines)


async def create_idea(run: Run, step: StepDefinition) -> str:
    run.slots["idea_ref"] = await run.ports.ideas.create(
        run.ctx.citizen_id,
        run.slot_str("title") or "",
        run.slot_str("description") or "",
        run.slot_str("topic") or None,
        run.slot_str("place") or None,
        run.language,
    )
    return "ok"


async def load_idea(run: Run, step: StepDefinition) -> str:
    reference = (run.slot_str("idea") or "").strip()
    view = (
        await run.ports.ideas.find(reference, run.ctx.citizen_id, run.language)
        if reference
        else None
    )
    if view is None:
        return "missing"
    run.slots.update(
        idea_id=view.summary.id,
        idea_ref=view.summary.ref,
        idea_title=view.summary.title,
        idea_details=_details(run, view),
    )
    return "found"


async def support_idea(run: Run, step: StepDefinition) -> str:
    outcome = await run.ports.ideas.support(run.ctx.citizen_id, int(run.slots["idea_id"]))
    known = (SupportOutcome.ADDED, SupportOutcome.ALREADY, SupportOutcome.OWN_IDEA)
    return outcome if outcome in known else SupportOutcome.NOT_FOUND


async def subscribe_idea(run: Run, step: StepDefinition) -> str:
    added = await run.ports.subscriptions.add(
        run.ctx.citizen_id, "idea", str(run.slots["idea_ref"])
    )
    return "added" if added else "already"


ACTIONS = {
    "create_idea": ActionSpec(create_idea, sets=("idea_ref",)),
    "load_idea": ActionSpec(
        load_idea, ("found", "missing"), ("idea_id", "idea_ref", "idea_title", "idea_details")
    ),
    "support_idea": ActionSpec(support_idea, ("added", "already", "own_idea", "not_found")),
    "subscribe_idea": ActionSpec(subscribe_idea, ("added", "already")),
}
