"""Staff change a report's status; the news reaches the reporter and every follower in
each chat they use, through the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.notices import notify_citizen
from storage import reports
from storage.citizens import get_citizen
from storage.models.reports import Report
from storage.reports.status import change_status

STATUS_NAMES = {
    "de": {
        "received": "eingegangen",
        "in_progress": "in Bearbeitung",
        "done": "erledigt ✅",
        "not_responsible": "nicht zuständig",
        "duplicate": "schon gemeldet",
    },
    "en": {
        "received": "received",
        "in_progress": "in progress",
        "done": "done ✅",
        "not_responsible": "not our responsibility",
        "duplicate": "already reported",
    },
}
_TEXTS = {
    "de": (
        "Neuigkeiten zu Meldung {ref} ({category}, {place}):\nStand: {status}",
        "Diese Meldung wird als {original} weiter bearbeitet; Neuigkeiten bekommen Sie dazu.",
        (("Neues Problem melden", "/melden"), ("Hauptmenü", "/hilfe")),
    ),
    "en": (
        "News about report {ref} ({category}, {place}):\nStatus: {status}",
        "This report is handled as {original} from now on; you will get news about that one.",
        (("Report another problem", "/report"), ("Main menu", "/hilfe")),
    ),
}


async def _payload(
    session: AsyncSession, report: Report, status: str, note: str, language: str
) -> dict[str, object]:
    template, duplicate_text, options = _TEXTS[language]
    category = await reports.category_by_code(session, report.category_code)
    name = category.name_en if category and language == "en" else None
    name = name or (category.name_de if category else report.category_code)
    lines = [
        template.format(
            ref=report.ref,
            category=name,
            place=report.place or "–",
            status=STATUS_NAMES[language][status],
        )
    ]
    if note:
        lines.append(note)
    if status == reports.DUPLICATE and report.duplicate_of_id is not None:
        original = await reports.report_by_id(session, report.duplicate_of_id)
        if original is not None:
            lines.append(duplicate_text.format(original=original.ref))
    return {"text": "\n\n".join(lines), "options": [[label, value] for label, value in options]}


async def change_report_status(
    session: AsyncSession,
    ref: str,
    status: str,
    *,
    note_de: str,
    note_en: str,
    staff: str,
    now: datetime,
    duplicate_of: str | None = None,
) -> int:
    """Records the change and queues the news to the reporter and the followers; how many
    messages were queued. Raises LookupError for an unknown report (or original) and
    ValueError for an unknown status. Does not commit."""
    report = await reports.report_by_ref(session, ref)
    if report is None:
        raise LookupError(f"no report {ref}")
    original = None
    if status == reports.DUPLICATE:
        original = await reports.report_by_ref(session, duplicate_of or "")
        if original is None:
            raise LookupError(f"no report {duplicate_of}")
    # the people to tell are those of this report before a duplicate hands them on
    people = [report.citizen_id, *await reports.follower_ids(session, report.id)]
    change = await change_status(
        session,
        report,
        status,
        note_de=note_de,
        note_en=note_en,
        staff=staff,
        now=now,
        duplicate_of=original,
    )
    queued = 0
    for citizen_id in dict.fromkeys(person for person in people if person is not None):
        citizen = await get_citizen(session, citizen_id)
        if citizen is None:
            continue
        language = "en" if citizen.language == "en" else "de"
        note = (note_en or note_de) if language == "en" else (note_de or note_en)
        queued += await notify_citizen(
            session,
            citizen.id,
            await _payload(session, report, status, note.strip(), language),
            dedupe_key=f"report:{report.id}:{change.id}",
            cause="report_status",
        )
    return queued
