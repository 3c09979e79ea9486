"""Messages around a consultation's life: it opened, its deadline is near, it closed.

`run_consultation_lifecycle` is a scheduled job. Each message is queued in the same
transaction that records it as sent (storage/consultations/notices.py), so a repeated run, a
second process or a restart never sends one twice, and a run that failed sends it next time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.delivery.notices import NOTICE_PRIORITY
from flows.formatting import date
from storage.consultations import notices
from storage.models.civic import Consultation
from storage.outbox import enqueue_for_citizens

log = logging.getLogger(__name__)

# an opening or closing further back than this (the bot was stopped, or the consultation
# was imported afterwards) is recorded without messages: old news confuses more than it helps
TOO_LATE = timedelta(days=3)
# nobody is reminded while answering: the participation must have rested this long
REMINDER_IDLE = timedelta(hours=1)
# news about a new consultation goes to many people at once; replies and personal
# notices (priority 0 and 1) go first
OPENING_PRIORITY = 5


@dataclass(frozen=True)
class LifecycleReport:
    opened: int = 0
    reminded: int = 0
    closed: int = 0
    messages: int = 0


def results_url(settings: Settings, consultation_id: int) -> str:
    return f"{settings.public_url.rstrip('/')}/results/{consultation_id}"


def _german(settings: Settings, formal: str, informal: str) -> str:
    return formal if settings.formal else informal


def _menu(language: str) -> list[str]:
    return ["Menü", "/hilfe"] if language == "de" else ["Menu", "/help"]


def opening_payloads(settings: Settings, consultation: Consultation) -> dict[str, dict[str, Any]]:
    until_de = date(consultation.closes_at, "de")
    until_en = date(consultation.closes_at, "en")
    join = f"/start c-{consultation.id}"
    return {
        "de": {
            "text": _german(
                settings,
                f"📋 Neue Umfrage: „{consultation.title_de}“. Sie können bis {until_de} "
                "mitmachen. Tippen Sie auf „Mitmachen“, um zu starten.",
                f"📋 Neue Umfrage: „{consultation.title_de}“. Du kannst bis {until_de} "
                "mitmachen. Tipp auf „Mitmachen“, um zu starten.",
            ),
            "options": [["📝 Mitmachen", join], ["🔔 Abos", "/abo"], _menu("de")],
        },
        "en": {
            "text": f"📋 New consultation: “{consultation.title_en}”. You can take part until "
            f"{until_en}. Tap “Take part” to start.",
            "options": [
                ["📝 Take part", join],
                ["🔔 Subscriptions", "/subscriptions"],
                _menu("en"),
            ],
        },
    }


def reminder_payloads(settings: Settings, consultation: Consultation) -> dict[str, dict[str, Any]]:
    until_de = date(consultation.closes_at, "de")
    until_en = date(consultation.closes_at, "en")
    resume = f"/start c-{consultation.id}"
    return {
        "de": {
            "text": _german(
                settings,
                f"⏰ Die Umfrage „{consultation.title_de}“ endet am {until_de}. Ihre Antworten "
                "sind gespeichert. Machen Sie weiter und senden Sie sie ab, damit sie zählen.",
                f"⏰ Die Umfrage „{consultation.title_de}“ endet am {until_de}. Deine Antworten "
                "sind gespeichert. Mach weiter und schick sie ab, damit sie zählen.",
            ),
            "options": [["▶️ Weitermachen", resume], _menu("de")],
        },
        "en": {
            "text": f"⏰ The consultation “{consultation.title_en}” closes on {until_en}. Your "
            "answers are saved. Carry on and submit them so they count.",
            "options": [["▶️ Carry on", resume], _menu("en")],
        },
    }


def thanks_payloads(settings: Settings, consultation: Consultation) -> dict[str, dict[str, Any]]:
    url = results_url(settings, consultation.id)
    in_chat = f"/start r-{consultation.id}"
    return {
        "de": {
            "text": _german(
                settings,
                f"🙏 Danke, dass Sie bei „{consultation.title_de}“ mitgemacht haben! Die Umfrage "
                f"ist beendet. Die Ergebnisse finden Sie hier: {url} – oder ich zeige sie Ihnen "
                "gleich hier im Chat.",
                f"🙏 Danke, dass du bei „{consultation.title_de}“ mitgemacht hast! Die Umfrage "
                f"ist beendet. Die Ergebnisse findest du hier: {url} – oder ich zeige sie dir "
                "gleich hier im Chat.",
            ),
            "options": [["📊 Ergebnisse im Chat", in_chat], _menu("de")],
        },
        "en": {
            "text": f"🙏 Thank you for taking part in “{consultation.title_en}”! The consultation "
            f"has closed. See the results here: {url} – or I can show them to you right here "
            "in the chat.",
            "options": [["📊 Results in the chat", in_chat], _menu("en")],
        },
    }


async def _notice_once(
    session: AsyncSession,
    now: datetime,
    kind: notices.NoticeKind,
    event_time: Callable[[Consultation], datetime],
    payloads: Callable[[Consultation], dict[str, dict[str, Any]]],
    priority: int,
) -> tuple[int, int]:
    """Queue one notice (opened or closed) per due consultation, recorded so it goes once;
    an event older than TOO_LATE is recorded as skipped. Returns (consultations, messages)."""
    handled = queued = 0
    for consultation in await notices.due_for_notice(session, kind, now):
        if now - event_time(consultation) > TOO_LATE:
            await notices.record_notice(
                session, consultation.id, kind, now, recipients=0, skipped=True
            )
            continue
        sent = await enqueue_for_citizens(
            session,
            await notices.notice_audience(session, consultation, kind),
            payloads(consultation),
            priority=priority,
            dedupe_prefix=f"consultation-{consultation.id}-{kind}",
            cause=f"consultation-{kind}",
            now=now,
        )
        await notices.record_notice(session, consultation.id, kind, now, recipients=sent)
        handled += 1
        queued += sent
    return handled, queued


async def announce_openings(
    session: AsyncSession, settings: Settings, now: datetime
) -> tuple[int, int]:
    """Tell subscribers about consultations that opened; (consultations, messages)."""
    return await _notice_once(
        session,
        now,
        notices.OPENED,
        lambda consultation: consultation.opens_at,
        lambda consultation: opening_payloads(settings, consultation),
        OPENING_PRIORITY,
    )


async def remind_unfinished(
    session: AsyncSession, settings: Settings, now: datetime
) -> tuple[int, int]:
    """Remind those who started but did not submit; (participations, messages)."""
    before = timedelta(hours=settings.reminder_before_hours)
    if before <= timedelta(0):
        return 0, 0
    reminded = queued = 0
    for consultation in await notices.closing_soon(session, now, before):
        # recorded first, then messaged: both are exactly the participations recorded now
        due = await notices.record_reminders_due(session, consultation.id, now - REMINDER_IDLE, now)
        if not due:
            continue
        queued += await enqueue_for_citizens(
            session,
            notices.reminded_at(consultation.id, now),
            reminder_payloads(settings, consultation),
            priority=NOTICE_PRIORITY,
            dedupe_prefix=f"consultation-{consultation.id}-reminder",
            cause="consultation-reminder",
            now=now,
        )
        reminded += due
    return reminded, queued


async def thank_participants(
    session: AsyncSession, settings: Settings, now: datetime
) -> tuple[int, int]:
    """Thank those who submitted, with the way to the results; (consultations, messages)."""
    return await _notice_once(
        session,
        now,
        notices.CLOSED,
        lambda consultation: consultation.closes_at,
        lambda consultation: thanks_payloads(settings, consultation),
        NOTICE_PRIORITY,
    )


async def run_consultation_lifecycle(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, now: datetime
) -> LifecycleReport:
    """One pass: openings, reminders, closings, each in its own transaction."""
    async with sessions() as session, session.begin():
        opened, opening_messages = await announce_openings(session, settings, now)
    async with sessions() as session, session.begin():
        reminded, reminder_messages = await remind_unfinished(session, settings, now)
    async with sessions() as session, session.begin():
        closed, thanks_messages = await thank_participants(session, settings, now)
    report = LifecycleReport(
        opened=opened,
        reminded=reminded,
        closed=closed,
        messages=opening_messages + reminder_messages + thanks_messages,
    )
    if report.messages:
        log.info(
            "consultations: %d opened, %d reminders, %d closed; %d messages queued",
            report.opened,
            report.reminded,
            report.closed,
            report.messages,
        )
    return report
