"""Announcements: staff write once, every citizen of the audience gets it in their chats.

An announcement is stored first (now or for later). Releasing it queues one outbox message
per reachable chat in a single statement per language; the delivery worker sends them at
the platforms' pace. Progress is counted from the outbox, so it is right in every process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import outbox
from storage.models import Broadcast, Citizen, Consultation, OutboxMessage, Participation
from storage.models.civic import Subscription
from storage.topics import topic_by_slug

# after replies (0) and notices to one citizen (1): an announcement never holds those up
BROADCAST_PRIORITY = 5
MAX_TEXT = 4000
# a time this far in the past is a typing mistake, not "send now"
PAST_TOLERANCE = timedelta(minutes=5)
# progress reports the rate of the last minute: a long broadcast's pace changes over time
RATE_WINDOW = timedelta(minutes=1)

SCHEDULED, SENDING, DONE, CANCELLED = "scheduled", "sending", "done", "cancelled"

_OPTIONS = {
    "de": {"menu": ("Hauptmenü", "/hilfe"), "subscriptions": ("Meine Abos", "/abo")},
    "en": {"menu": ("Main menu", "/hilfe"), "subscriptions": ("My subscriptions", "/abo")},
}


@dataclass(frozen=True)
class Audience:
    kind: str  # "all", "topic" or "consultation"
    target: str | None = None

    def __str__(self) -> str:
        return self.kind if self.target is None else f"{self.kind}:{self.target}"


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


@dataclass(frozen=True)
class AnnouncementSummary:
    id: int
    state: str
    audience: str
    text_de: str
    send_at: datetime
    created_by: str | None
    created_at: datetime
    total: int


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
        and await session.get(Consultation, int(audience.target or 0)) is None
    ):
        raise ValueError(f"there is no consultation {audience.target}")


def audience_citizens(audience: Audience) -> Select[int]:
    """The ids of the citizens an audience means; only those who agreed to the privacy notice."""
    consented = select(Citizen.id).where(Citizen.consent_at.is_not(None))
    if audience.kind == "topic":
        return consented.where(
            Citizen.id.in_(
                select(Subscription.citizen_id).where(
                    Subscription.kind == "topic",
                    Subscription.target == audience.target,
                    Subscription.paused_at.is_(None),
                )
            )
        )
    if audience.kind == "consultation":
        return consented.where(
            Citizen.id.in_(
                select(Participation.citizen_id).where(
                    Participation.consultation_id == int(audience.target or 0)
                )
            )
        )
    return consented


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
    broadcast = Broadcast(
        text_de=german,
        text_en=english,
        audience=str(parsed),
        state=SCHEDULED,
        send_at=max(send_at or now, now),
        created_by=created_by,
        created_at=now,
        total=0,
    )
    session.add(broadcast)
    await session.flush()
    if broadcast.send_at <= now:
        await _release(session, broadcast, now)
    return broadcast.id


async def _release(session: AsyncSession, broadcast: Broadcast, now: datetime) -> None:
    audience = parse_audience(broadcast.audience)
    payloads = {"de": announcement_payload(broadcast.text_de, "de", audience)}
    if broadcast.text_en:
        payloads["en"] = announcement_payload(broadcast.text_en, "en", audience)
    else:  # English speakers read the German text, with English buttons
        payloads["en"] = announcement_payload(broadcast.text_de, "en", audience)
    total = await outbox.enqueue_for_citizens(
        session,
        audience_citizens(audience),
        payloads,
        priority=BROADCAST_PRIORITY,
        dedupe_prefix=f"broadcast:{broadcast.id}",
        cause="announcement",
        broadcast_id=broadcast.id,
        now=now,
    )
    broadcast.total = total
    broadcast.released_at = now
    broadcast.state = SENDING if total else DONE
    if not total:
        broadcast.done_at = now


async def release_due_announcements(
    sessions: async_sessionmaker[AsyncSession], now: datetime
) -> int:
    """Queue every scheduled announcement whose time has come; returns how many.

    Each is released in its own transaction, holding its row, so two processes never
    release one twice (the dedupe keys would absorb it anyway). Also closes announcements
    whose last message was settled.
    """
    async with sessions() as session:
        due = list(
            await session.scalars(
                select(Broadcast.id)
                .where(Broadcast.state == SCHEDULED, Broadcast.send_at <= now)
                .order_by(Broadcast.send_at, Broadcast.id)
            )
        )
    released = 0
    for broadcast_id in due:
        async with sessions() as session, session.begin():
            broadcast = await session.scalar(
                select(Broadcast).where(Broadcast.id == broadcast_id).with_for_update()
            )
            if broadcast is not None and broadcast.state == SCHEDULED:
                await _release(session, broadcast, now)
                released += 1
    async with sessions() as session, session.begin():
        await _close_finished(session, now)
        await keep_final_counts(session, now)
    return released


async def _close_finished(session: AsyncSession, now: datetime) -> None:
    unsettled = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.broadcast_id == Broadcast.id,
            OutboxMessage.state.in_(outbox.UNSETTLED),
        )
        .exists()
    )
    await session.execute(
        update(Broadcast)
        .where(Broadcast.state == SENDING, ~unsettled)
        .values(state=DONE, done_at=now)
    )


async def announcement_progress(
    session: AsyncSession, announcement_id: int, now: datetime
) -> AnnouncementProgress:
    """Counts from the outbox, the pace of the last minute and the time that leaves.

    Raises LookupError for an unknown id.
    """
    broadcast = await session.get(Broadcast, announcement_id)
    if broadcast is None:
        raise LookupError(f"there is no announcement {announcement_id}")
    if broadcast.counted_at is not None:  # finished; its messages may be deleted by now
        counts = {
            outbox.SENT: broadcast.sent_count,
            outbox.FAILED: broadcast.failed_count,
            outbox.CANCELLED: broadcast.cancelled_count,
        }
    else:
        counts = await _counts(session, announcement_id)
    remaining = sum(counts.get(state, 0) for state in outbox.UNSETTLED)
    state = broadcast.state
    if state == SENDING and remaining == 0:
        state = DONE  # the scheduler writes it down at its next run
    rate = (
        broadcast.final_rate
        if broadcast.counted_at is not None
        else await _rate(session, broadcast, now, state)
    )
    seconds_left = None
    if remaining == 0 and state in (DONE, CANCELLED):
        seconds_left = 0.0
    elif rate:
        seconds_left = remaining / rate
    return AnnouncementProgress(
        id=broadcast.id,
        state=state,
        audience=broadcast.audience,
        send_at=broadcast.send_at,
        total=broadcast.total,
        sent=counts.get(outbox.SENT, 0),
        failed=counts.get(outbox.FAILED, 0),
        remaining=remaining,
        cancelled=counts.get(outbox.CANCELLED, 0),
        rate_per_second=rate,
        seconds_left=seconds_left,
    )


async def _counts(session: AsyncSession, announcement_id: int) -> dict[str, int]:
    rows = await session.execute(
        select(OutboxMessage.state, func.count())
        .where(OutboxMessage.broadcast_id == announcement_id)
        .group_by(OutboxMessage.state)
    )
    return {state: int(count) for state, count in rows.all()}


async def keep_final_counts(session: AsyncSession, now: datetime) -> int:
    """Write down the tally of every finished announcement that has none yet.

    Retention deletes delivered messages after a while; from then on the announcement's own
    row is the only record of how many were sent, failed or withdrawn.
    """
    finished = await session.scalars(
        select(Broadcast)
        .where(Broadcast.state.in_([DONE, CANCELLED]), Broadcast.counted_at.is_(None))
        .with_for_update()
    )
    counted = 0
    for broadcast in finished:
        counts = await _counts(session, broadcast.id)
        if any(counts.get(state, 0) for state in outbox.UNSETTLED):
            continue  # a message already on its way when it was cancelled; next run
        broadcast.final_rate = await _rate(session, broadcast, now, broadcast.state)
        broadcast.sent_count = counts.get(outbox.SENT, 0)
        broadcast.failed_count = counts.get(outbox.FAILED, 0)
        broadcast.cancelled_count = counts.get(outbox.CANCELLED, 0)
        broadcast.counted_at = now
        counted += 1
    return counted


async def _rate(
    session: AsyncSession, broadcast: Broadcast, now: datetime, state: str
) -> float | None:
    """Messages per second: over the last minute while sending, over the whole run after."""
    if broadcast.released_at is None:
        return None
    sent = (OutboxMessage.broadcast_id == broadcast.id, OutboxMessage.state == outbox.SENT)
    if state == SENDING:
        since = max(broadcast.released_at, now - RATE_WINDOW)
        recent = await session.scalar(
            select(func.count()).where(*sent, OutboxMessage.sent_at > since)
        )
        seconds = (now - since).total_seconds()
        return int(recent or 0) / seconds if seconds > 0 and recent else None
    count, last = (
        await session.execute(select(func.count(), func.max(OutboxMessage.sent_at)).where(*sent))
    ).one()
    if not count or last is None:
        return None
    seconds = (last - broadcast.released_at).total_seconds()
    return int(count) / seconds if seconds > 0 else None


async def cancel_announcement(session: AsyncSession, announcement_id: int, now: datetime) -> bool:
    """Stop a scheduled or running announcement; False when there is none to stop.

    Messages not yet handed to a platform are withdrawn in this transaction. A worker checks
    each message just before sending it, so after the commit nothing more goes out, except
    a message that was already on its way (see `in_flight`). Does not commit.
    """
    broadcast = await session.scalar(
        select(Broadcast).where(Broadcast.id == announcement_id).with_for_update()
    )
    if broadcast is None or broadcast.state not in (SCHEDULED, SENDING):
        return False
    broadcast.state = CANCELLED
    broadcast.cancelled_at = now
    await outbox.cancel_broadcast(session, announcement_id)
    return True


async def in_flight(session: AsyncSession, announcement_id: int) -> int:
    """Messages of this announcement a worker is handing to a platform right now."""
    count = await session.scalar(
        select(func.count()).where(
            OutboxMessage.broadcast_id == announcement_id, OutboxMessage.state == outbox.SENDING
        )
    )
    return int(count or 0)


async def list_announcements(session: AsyncSession, limit: int = 50) -> list[AnnouncementSummary]:
    """The newest announcements first."""
    rows = await session.scalars(
        select(Broadcast).order_by(Broadcast.created_at.desc(), Broadcast.id.desc()).limit(limit)
    )
    return [
        AnnouncementSummary(
            id=row.id,
            state=row.state,
            audience=row.audience,
            text_de=row.text_de,
            send_at=row.send_at,
            created_by=row.created_by,
            created_at=row.created_at,
            total=row.total,
        )
        for row in rows
    ]
