"""The citizen's own contributions, the data export and erasure."""

from __future__ import annotations

from flows import formatting
from flows.actions.spec import ActionSpec
from flows.definition import StepDefinition
from flows.ports.reports import ReportView
from flows.run import Run
from flows.types import Attachment

_HEAD = {
    "de": {
        "ideas": "Ihre Ideen",
        "questions": "Ihre Fragen",
        "consultations": "Ihre Umfragen",
        "reports": "Ihre Meldungen",
        "followed": "Meldungen, über die Sie Neuigkeiten bekommen",
        "submitted": "abgeschickt",
        "progress": "{answered} von {total} Fragen beantwortet",
    },
    "de_du": {
        "ideas": "Deine Ideen",
        "questions": "Deine Fragen",
        "consultations": "Deine Umfragen",
        "reports": "Deine Meldungen",
        "followed": "Meldungen, über die du Neuigkeiten bekommst",
    },
    "en": {
        "ideas": "Your ideas",
        "questions": "Your questions",
        "consultations": "Your consultations",
        "reports": "Your problem reports",
        "followed": "Reports you get news about",
        "submitted": "submitted",
        "progress": "{answered} of {total} questions answered",
    },
}


def _head(run: Run, key: str) -> str:
    if run.language == "de" and not run.ctx.formal and key in _HEAD["de_du"]:
        return _HEAD["de_du"][key]
    return _HEAD.get(run.language, _HEAD["en"])[key]


async def load_contributions(run: Run, step: StepDefinition) -> str:
    view = await run.ports.personal_data.contributions(run.ctx.citizen_id, run.language)
    language = run.language
    sections: list[str] = []
    if view.ideas:
        lines = [
            f"• {idea.ref} {idea.title} – {formatting.idea_status(idea.status, language)}, "
            f"👍 {idea.support_count}"
            for idea in view.ideas
        ]
        sections.append("\n".join([_head(run, "ideas") + ":", *lines]))
    if view.questions:
        lines = []
        for question in view.questions:
            status = formatting.QUESTION_STATUS[question.status].get(language, question.status)
            line = f"• {question.ref} {formatting.shorten(question.text, 80)} – {status}"
            if question.answer:
                line += f"\n  → {formatting.shorten(question.answer, 200)}"
            lines.append(line)
        sections.append("\n".join([_head(run, "questions") + ":", *lines]))
    if view.participations:
        lines = []
        for item in view.participations:
            progress = _head(run, "progress").format(answered=item.answered, total=item.total)
            state = _head(run, "submitted") if item.submitted else progress
            lines.append(f"• {item.title} – {state}")
        sections.append("\n".join([_head(run, "consultations") + ":", *lines]))
    for key, listed in (("reports", view.reports), ("followed", view.followed_reports)):
        if listed:
            lines = [_report_line(report, language) for report in listed]
            sections.append("\n".join([_head(run, key) + ":", *lines]))
    run.slots["contributions_text"] = "\n\n".join(sections)
    return "some" if sections else "none"


def _report_line(report: ReportView, language: str) -> str:
    """ "• M-17 Straßenbeleuchtung: Lampe dunkel – eingegangen"; a report whose details went
    at retention shows its category alone."""
    what = report.category
    if report.description:
        what += f": {formatting.shorten(report.description, 60)}"
    return f"• {report.ref} {what} – {formatting.report_status(report.status, language)}"


async def export_data(run: Run, step: StepDefinition) -> str:
    document = await run.ports.personal_data.export(run.ctx.citizen_id)
    run.pending_attachment = Attachment("mitreden-data.json", document, "application/json")
    return "ok"


async def erase_citizen(run: Run, step: StepDefinition) -> str:
    await run.ports.personal_data.erase(run.ctx.citizen_id)
    run.erased = True
    return "ok"


ACTIONS = {
    "load_contributions": ActionSpec(load_contributions, ("some", "none"), ("contributions_text",)),
    "export_data": ActionSpec(export_data),
    "erase_citizen": ActionSpec(erase_citizen),
}
