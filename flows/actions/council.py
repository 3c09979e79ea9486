"""Council papers: what the synced council data says about one, and following it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flows import formatting
from flows.actions.spec import ActionSpec
from flows.definition import StepDefinition
from flows.ports.council import CouncilPaperView
from flows.run import Run

# words citizens put before the number: "Vorlage Nr. 2026/123", "council paper no. 12/2026"
_LEAD = re.compile(
    r"^(?:(?:die|the|der|zur|zu|für|for|about|ratsvorlage|beschlussvorlage|vorlage|"
    r"drucksache|ds|council|paper|motion|nr\.?|nummer|no\.?|number|#)\s*)+",
    re.IGNORECASE,
)
MAX_REFERENCE = 40

_LABELS = {
    "de": {
        "paper": "Vorlage",
        "type": "Art",
        "date": "Datum",
        "status": "Stand",
        "none": "In den Ratsdaten steht noch kein Ergebnis.",
        "more": "Mehr",
    },
    "en": {
        "paper": "Council paper",
        "type": "Type",
        "date": "Date",
        "status": "Status",
        "none": "The council data shows no result yet.",
        "more": "More",
    },
}


def paper_reference(text: str) -> str | None:
    """The reference in what the citizen typed, or None when it has no digit."""
    reference = _LEAD.sub("", text.strip()).strip(" .,:;!?\"'„“”")
    if not reference or not any(char.isdigit() for char in reference):
        return None
    return reference[:MAX_REFERENCE]


def _day(value: str, language: str) -> str:
    try:
        day = datetime.fromisoformat(value).replace(hour=12, tzinfo=UTC)
    except ValueError:
        return value
    return formatting.date(day, language)


def paper_details(view: CouncilPaperView, language: str, zone: str | None) -> str:
    """Only what the council data holds; a field it lacks is left out, never guessed."""
    labels = _LABELS.get(language, _LABELS["en"])
    lines = [f"📄 {labels['paper']} {view.reference}: {view.title or '–'}"]
    facts = []
    if view.paper_type:
        facts.append(f"{labels['type']}: {view.paper_type}")
    if view.date:
        facts.append(f"{labels['date']}: {_day(view.date, language)}")
    if facts:
        lines.append(" · ".join(facts))
    if view.result:
        where = ", ".join(
            part
            for part in (
                view.meeting,
                formatting.date(view.meeting_start, language, zone) if view.meeting_start else "",
            )
            if part
        )
        lines.append(f"{labels['status']}: {view.result}" + (f" ({where})" if where else ""))
    else:
        lines.append(labels["none"])
    if view.link:
        lines.append(f"{labels['more']}: {view.link}")
    return "\n".join(lines)


async def load_paper(run: Run, step: StepDefinition) -> str:
    typed = run.slot_str("paper") or ""
    if not typed.strip():
        return "none"
    reference = paper_reference(typed)
    if reference is None:
        return "invalid"
    view = await run.ports.council.paper(reference)
    if view is None:
        run.slots.update(paper_reference=reference, paper_title="", paper_details="")
        return "unknown"
    run.slots.update(
        paper_reference=view.reference,
        paper_title=view.title,
        paper_details=paper_details(view, run.language, run.ctx.variables.get("timezone")),
    )
    return "found"


async def follow_paper(run: Run, step: StepDefinition) -> str:
    reference = run.slot_str("paper_reference") or ""
    added = await run.ports.subscriptions.add(run.ctx.citizen_id, "paper", reference)
    return "added" if added else "already"


ACTIONS = {
    "load_paper": ActionSpec(
        load_paper,
        ("found", "unknown", "invalid", "none"),
        ("paper_reference", "paper_title", "paper_details"),
    ),
    "follow_paper": ActionSpec(follow_paper, ("added", "already")),
}
