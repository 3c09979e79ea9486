"""Announcements: staff write once, every citizen of the audience gets it in their chats.

An announcement is stored first (now or for later). Releasing it queues one outbox message
per reachable chat in a single statement per language; the delivery worker sends them at
the platforms' pace. Progress is counted from the outbox, so it is right in every process.
The queries are in storage/announcements.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import announcements as store
from storage import outbox
from storage.announcements import (
    CANCELLED,
    DONE,
    SCHEDULED,
    SENDING,
    AnnouncementSummary,
    Audience,
    in_flight,
    list_announcements,
)
from storage.consultations import consultation_by_id
from storage.models.delivery import Announcement
from storage.topics import topic_by_slug

# after replies (0) and notices to one citizen (1): an announcement never holds those up
BROADCAST_PRIORITY = 5
MAX_TEXT = 4000
# a time this far in the past is a typing mistake, not "send now"
PAST_TOLERANCE = timedelta(minutes=5)
# progress reports the rate of the last minute: a long broadcast's pace changes over time
RATE_WINDOW = timedelta(minutes=1)

_OPTIONS = {
    "de": {"menu": ("Hauptmenü", "/hilfe"), "subscriptions": ("Meine Abos", "/abo")},
    "en": {"menu": ("Main menu", "/hilfe"), "subscriptions": ("My subscriptions", "/abo")},
}


@dataclass(frozen=True)
class AnnouncementProgress:
    id: int
    state: str
    audience: str
    send_at: datetime
    total: int
    sent: int
    failed: int
    remaining: int
    cancelled: int
    rate_per_second: float | None  # None until something was sent
    seconds_left: float | None  # None while there is no rate to estimate from


def parse_audience(text: str) -> Audience:
    """ "all", "topic:SLUG" or "consultation:ID"; ValueError with a plain message otherwise."""
    text = text.strip()
    if text == "all":
        return Audience("all")
    kind, _, target = text.partition(":")
    target = target.strip()
    if kind == "topic" and target:
        return Audience("topic", target)
    if kind == "consultation" and target.isdigit():
        return Audience("consultation", target)
    raise ValueError(
        f"unknown audience {text!r}: use all, topic:SLUG (e.g. topic:verkehr) or consultation:ID"
    )


async def _check_target(session: AsyncSession, audience: Audience) -> None:
    if audience.kind == "topic" and await topic_by_slug(session, audience.target or "") is None:
        raise ValueError(f"there is no topic {audience.target!r}")
    if (
        audience.kind == "consultation"
        and await consultation_by_id(session, int(audience.target or 0)) is None
    ):
        raise ValueError(f"there is no consultation {audience.target}")


def announcement_payload(text: str, language: str, audience: Audience) -> dict[str, Any]:
    """What a citizen gets: the text and buttons to go on (their subscriptions, the menu)."""
    options = _OPTIONS[language]
    chosen = [options["subscriptions"]] if audience.kind == "topic" else []
    return {"text": text, "options": [list(option) for option in [*chosen, options["menu"]]]}


def _checked_text(text: str | None, language: str) -> str | None:
    if text is None or not text.strip():
        if language == "de":
            raise ValueError("the German text is empty")
        return None
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ValueError(
            f"the {'German' if language == 'de' else 'English'} text has {len(text)} characters;"
            f" at most {MAX_TEXT} fit"
        )
    return text


async def create_announcement(
    session: AsyncSession,
    *,
    text_de: str,
    text_en: str | None,
    audience: str,
    send_at: datetime | None,
    created_by: str | None,
    now: datetime,
) -> int:
    """Store an announcement; without `send_at` (or at a time reached) it is queued at once.

    Raises ValueError with a plain message for an empty or too long text, an unknown
    audience, or a time in the past. Does not commit.
    """
    german = _checked_text(text_de, "de") or ""
    english = _checked_text(text_en, "en")
    parsed = parse_audience(audience)
    await _check_target(session, parsed)
    if send_at is not None and send_at.tzinfo is None:
        raise ValueError("the sending time needs a time zone, e.g. 2026-12-24T09:00+01:00")
    if send_at is not None and send_at < now - PAST_TOLERANCE:
        raise ValueError(f"the sending time {send_at.isoformat()} lies in the past")
    announcement = await store.add_announcement(
        session,
        text_de=german,
        text_en=english,
        audience=parsed,
        send_at=max(send_at or now, now),
        created_by=created_by,
        now=now,
    )
    if announcement.send_at <= now:
        await _release(session, announcement, now)
    return announcement.id


async def _release(session: AsyncSession, announcement: Announcement, now: datetime) -> None:
    audience = parse_audience(announcement.audience)
    payloads = {"de": announcement_payload(announcement.text_de, "de", audience)}
    if announcement.text_en:
        payloads["en"] = announcement_payload(announcement.text_en, "en", audience)
    else:  # English speakers read the German text, with English buttons
        payloads["en"] = announcement_payload(announcement.text_de, "en", audience)
    total = await outbox.enqueue_for_citizens(
        session,
        store.audience_citizens(audience),
        payloads,
        priority=BROADCAST_PRIORITY,
        dedupe_prefix=f"broadcast:{announcement.id}",
        cause="announcement",
        broadcast_id=announcement.id,
        now=now,
    )
    store.mark_released(announcement, total, now)


async def release_due_announcements(
    sessions: async_sessionmaker[AsyncSession], now: datetime
) -> int:
    """Queue every scheduled announcement whose time has come; returns how many.

    Each is released in its own transaction, holding its row, so two processes never
    release one twice (the dedupe keys would absorb it anyway). Also closes announcements
    whose last message was settled.
    """
    async with sessions() as session:
        due = await store.due_announcement_ids(session, now)
    released = 0
    for announcement_id in due:
        async with sessions() as session, session.begin():
            announcement = await store.lock_announcement(session, announcement_id)
            if announcement is not None and announcement.state == SCHEDULED:
                await _release(session, announcement, now)
                released += 1
    async with sessions() as session, session.begin():
        await store.close_finished(session, now)
        await store.keep_final_counts(session, now)
    return released


async def announcement_progress(
    session: AsyncSession, announcement_id: int, now: datetime
) -> AnnouncementProgress:
    """Counts from the outbox, the pace of the last minute and the time that leaves.

    Raises LookupError for an unknown id.
    """
    announcement = await store.announcement_by_id(session, announcement_id)
    if announcement is None:
        raise LookupError(f"there is no announcement {announcement_id}")
    if announcement.counted_at is not None:  # finished; its messages may be deleted by now
        counts = {
            outbox.SENT: announcement.sent_count,
            outbox.FAILED: announcement.failed_count,
            outbox.CANCELLED: announcement.cancelled_count,
        }
    else:
        counts = await store.message_counts(session, announcement_id)
    remaining = sum(counts.get(state, 0) for state in outbox.UNSETTLED)
    state = announcement.state
    if state == SENDING and remaining == 0:
        state = DONE  # the scheduler writes it down at its next run
    rate = (
        announcement.final_rate
        if announcement.counted_at is not None
        else await _rate(session, announcement, now, state)
    )
    seconds_left = None
    if remaining == 0 and state in (DONE, CANCELLED):
        seconds_left = 0.0
    elif rate:
        seconds_left = remaining / rate
    return AnnouncementProgress(
        id=announcement.id,
        state=state,
        audience=announcement.audience,
        send_at=announcement.send_at,
        total=announcement.total,
        sent=counts.get(outbox.SENT, 0),
        failed=counts.get(outbox.FAILED, 0),
        remaining=remaining,
        cancelled=counts.get(outbox.CANCELLED, 0),
        rate_per_second=rate,
        seconds_left=seconds_left,
    )


async def _rate(
    session: AsyncSession, announcement: Announcement, now: datetime, state: str
) -> float | None:
    """Messages per second: over the last minute while sending, over the whole run after."""
    if state != SENDING:
        return await store.overall_rate(session, announcement)
    if announcement.released_at is None:
        return None
    since = max(announcement.released_at, now - RATE_WINDOW)
    recent = await store.sent_since(session, announcement.id, since)
    seconds = (now - since).total_seconds()
    return recent / seconds if seconds > 0 and recent else None


async def cancel_announcement(session: AsyncSession, announcement_id: int, now: datetime) -> bool:
    """Stop a scheduled or running announcement; False when there is none to stop.

    Messages not yet handed to a platform are withdrawn in this transaction. A worker checks
    each message just before sending it, so after the commit nothing more goes out, except
    a message that was already on its way (see `in_flight`). Does not commit.
    """
    announcement = await store.lock_announcement(session, announcement_id)
    if announcement is None or announcement.state not in (SCHEDULED, SENDING):
        return False
    await store.mark_cancelled(session, announcement, now)
    return True


# what pages and the scheduler import from here, the storage names among them
__all__ = [
    "CANCELLED",
    "DONE",
    "SCHEDULED",
    "SENDING",
    "AnnouncementProgress",
    "AnnouncementSummary",
    "Audience",
    "announcement_payload",
    "announcement_progress",
    "cancel_announcement",
    "create_announcement",
    "in_flight",
    "list_announcements",
    "parse_audience",
    "release_due_announcements",
]
