"""Listing consultations, checking one before joining, submitting and subscribing."""

from __future__ import annotations

from flows import formatting
from flows.actions.spec import ActionSpec
from flows.definition import StepDefinition
from flows.ports.consultations import ConsultationClosed, ConsultationView
from flows.run import Run

_UNTIL = {"de": "Mitmachen bis {date}", "en": "Open until {date}"}


def _deadline(run: Run, view: ConsultationView) -> str:
    return formatting.date(view.closes_at, run.language, run.ctx.variables.get("timezone"))


async def list_consultations(run: Run, step: StepDefinition) -> str:
    views = await run.ports.consultations.listed(run.language, run.ctx.now, "open")
    run.slots["consultation_count"] = len(views)
    if not views:
        run.slots["consultations_text"] = ""
        return "none"
    until = _UNTIL.get(run.language, _UNTIL["en"])
    run.slots["consultations_text"] = "\n\n".join(
        f"{number}. {view.title}\n{formatting.shorten(view.description)}\n"
        f"⏳ {until.format(date=_deadline(run, view))}"
        for number, view in enumerate(views, start=1)
    )
    return "some"


async def load_consultation(run: Run, step: StepDefinition) -> str:
    reference = (run.slot_str("consultation") or "").strip()
    if not reference:
        return "none"
    view = await run.ports.consultations.find(reference, run.language, run.ctx.now)
    if view is None:
        run.slots["consultation"] = None
        return "unknown"
    zone = run.ctx.variables.get("timezone")
    run.slots.update(
        consultation_id=view.id,
        consultation_title=view.title,
        consultation_description=view.description,
        consultation_deadline=_deadline(run, view),
        consultation_opens=formatting.date(view.opens_at, run.language, zone),
        question_count=len(view.questions),
        answered_count=0,
    )
    if view.status != "open":
        return view.status
    participation = await run.ports.consultations.participation(run.ctx.citizen_id, view.id)
    if participation is not None and participation.submitted_at is not None:
        run.slots["receipt"] = participation.receipt
        return "submitted"
    if participation is not None and participation.answers:
        keys = {question.key for question in view.questions}
        run.slots["answered_count"] = len(keys & participation.answers.keys())
        return "resume"
    return "open"


async def submit_participation(run: Run, step: StepDefinition) -> str:
    consultation_id = int(run.slots["consultation_id"])
    try:
        receipt = await run.ports.consultations.submit(
            run.ctx.citizen_id, consultation_id, run.ctx.now
        )
    except ConsultationClosed:
        return "closed"
    run.slots["receipt"] = receipt
    return "ok"


async def subscribe_consultation(run: Run, step: StepDefinition) -> str:
    target = str(run.slots["consultation_id"])
    added = await run.ports.subscriptions.add(run.ctx.citizen_id, "consultation", target)
    return "added" if added else "already"


_LOADED = (
    "consultation_id",
    "consultation_title",
    "consultation_description",
    "consultation_deadline",
    "consultation_opens",
    "question_count",
    "answered_count",
    "receipt",
)

ACTIONS = {
    "list_consultations": ActionSpec(
        list_consultations, ("some", "none"), ("consultations_text", "consultation_count")
    ),
    "load_consultation": ActionSpec(
        load_consultation,
        ("open", "resume", "submitted", "upcoming", "closed", "unknown", "none"),
        _LOADED,
    ),
    "submit_participation": ActionSpec(submit_participation, ("ok", "closed"), ("receipt",)),
    "subscribe_consultation": ActionSpec(subscribe_consultation, ("added", "already")),
}
