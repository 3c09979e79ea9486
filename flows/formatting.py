"""How dates, statuses and short lists look in the citizen's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flows.ports.consultations import AnswerValue, ConsultationQuestionView
from flows.ports.ideas import IdeaStatus

DEFAULT_ZONE = "Europe/Berlin"

IDEA_STATUS: dict[str, dict[str, str]] = {
    "submitted": {"de": "eingereicht", "en": "submitted"},
    "in_review": {"de": "wird geprüft", "en": "under review"},
    "accepted": {"de": "angenommen", "en": "accepted"},
    "rejected": {"de": "abgelehnt", "en": "not accepted"},
    "implemented": {"de": "umgesetzt", "en": "implemented"},
}
QUESTION_STATUS = {
    "open": {"de": "offen", "en": "open"},
    "answered": {"de": "beantwortet", "en": "answered"},
}
REPORT_STATUS = {
    "received": {"de": "eingegangen", "en": "received"},
    "in_progress": {"de": "in Bearbeitung", "en": "in progress"},
    "done": {"de": "erledigt ✅", "en": "done ✅"},
    "not_responsible": {"de": "nicht zuständig", "en": "not our responsibility"},
    "duplicate": {"de": "schon gemeldet", "en": "already reported"},
}
_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def local(moment: datetime, zone: str | None) -> datetime:
    try:
        return moment.astimezone(ZoneInfo(zone or DEFAULT_ZONE))
    except (ZoneInfoNotFoundError, ValueError):
        return moment


def date(moment: datetime, language: str, zone: str | None = None) -> str:
    """15.12.2026 in German, 15 Dec 2026 in English."""
    day = local(moment, zone)
    if language == "de":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def idea_status(status: IdeaStatus | str, language: str) -> str:
    return IDEA_STATUS.get(status, {}).get(language, status)


def report_status(status: str, language: str) -> str:
    return REPORT_STATUS.get(status, {}).get(language, status)


def shorten(text: str, limit: int = 160) -> str:
    """The first `limit` characters of a text, cut at a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def answer(question: ConsultationQuestionView, value: AnswerValue | None, language: str) -> str:
    """A stored consultation answer as the citizen would read it."""
    empty = {"de": "(keine Antwort)", "en": "(no answer)"}[language]
    if value is None or value == "" or value == []:
        return empty
    labels = {choice.key: choice.label for choice in question.options}
    if question.kind == "yesno" or isinstance(value, bool):
        yes = value is True or str(value).lower() in ("true", "yes", "ja")
        return {"de": "Ja" if yes else "Nein", "en": "Yes" if yes else "No"}[language]
    if isinstance(value, list):
        return ", ".join(labels.get(str(item), str(item)) for item in value)
    if question.kind == "scale":
        return f"{value} / 5"
    return labels.get(str(value), shorten(str(value), 120))
