"""The outbox: messages written in the transaction that caused them, sent later by a worker."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import JsonType, UtcDateTime, utcnow
from storage.chat_locks import Chat, ChatLocks, LocalChatLocks
from storage.models.core import ChannelIdentity, Citizen, OutboxMessage

# pending -> claimed (a worker took it) -> sending (handed to the platform) -> sent | failed,
# back to pending for a retry; cancelled when withdrawn before it was handed over
PENDING, CLAIMED, SENDING = "pending", "claimed", "sending"
SENT, FAILED, CANCELLED = "sent", "failed", "cancelled"
UNSETTLED = (PENDING, CLAIMED, SENDING)
IN_FLIGHT = (CLAIMED, SENDING)
# messages of one chat one worker takes at once; the rest wait for the next claim
PER_CHAT = 20


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    channel: str
    address: str
    citizen_id: int | None
    payload: dict[str, Any]
    attempts: int


async def enqueue(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    citizen_id: int | None,
    payload: dict[str, Any],
    priority: int = 0,
    dedupe_key: str | None = None,
    cause: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Queue one message; False when a message with the same dedupe key exists already."""
    return (
        await enqueue_returning_id(
            session,
            channel=channel,
            address=address,
            citizen_id=citizen_id,
            payload=payload,
            priority=priority,
            dedupe_key=dedupe_key,
            cause=cause,
            now=now,
        )
        is not None
    )


async def enqueue_returning_id(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    citizen_id: int | None,
    payload: dict[str, Any],
    priority: int = 0,
    dedupe_key: str | None = None,
    cause: str | None = None,
    now: datetime | None = None,
) -> int | None:
    """Queue one message and return its id; None when its dedupe key was queued before."""
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(OutboxMessage)
        .values(
            channel=channel,
            address=address,
            citizen_id=citizen_id,
            payload=payload,
            priority=priority,
            dedupe_key=dedupe_key,
            cause=cause,
            state=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(OutboxMessage.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def enqueue_for_citizens(
    session: AsyncSession,
    citizens: Select[int],
    payloads: Mapping[str, dict[str, Any]],
    *,
    priority: int,
    dedupe_prefix: str,
    cause: str,
    broadcast_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Queue one message to every reachable chat of the selected citizens; returns how many.

    `citizens` selects citizen ids. Each chat gets the payload in its citizen's language
    ("de" stands in for a language without a payload). The dedupe key
    f"{dedupe_prefix}:{identity id}" lets a cause reach each chat once, however often this
    runs. One INSERT ... SELECT per language, so 100 000 recipients take seconds.
    """
    if "de" not in payloads:
        raise ValueError("a German payload is needed: it stands in for missing languages")
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    queued = 0
    for language, payload in payloads.items():
        speaks: ColumnElement[bool] = Citizen.language == language
        if language == "de":
            others = [other for other in payloads if other != "de"]
            speaks = or_(speaks, Citizen.language.not_in(others)) if others else literal(True)
        recipients = (
            select(
                ChannelIdentity.channel,
                ChannelIdentity.address,
                ChannelIdentity.citizen_id,
                literal(payload, JsonType),
                literal(f"{dedupe_prefix}:") + cast(ChannelIdentity.id, String),
                literal(priority),
                literal(PENDING),
                literal(0),
                literal(now, UtcDateTime),
                literal(now, UtcDateTime),
                literal(cause, String),
                literal(broadcast_id, OutboxMessage.broadcast_id.type),
            )
            .join(Citizen, Citizen.id == ChannelIdentity.citizen_id)
            .where(
                ChannelIdentity.citizen_id.in_(citizens),
                ChannelIdentity.blocked_at.is_(None),
                speaks,
            )
        )
        statement = (
            insert(OutboxMessage)
            .from_select(
                [
                    "channel",
                    "address",
                    "citizen_id",
                    "payload",
                    "dedupe_key",
                    "priority",
                    "state",
                    "attempts",
                    "next_attempt_at",
                    "created_at",
                    "cause",
                    "broadcast_id",
                ],
                recipients,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
        )
        result = await session.execute(statement)
        queued += int(getattr(result, "rowcount", 0) or 0)
    return queued


async def claim_due(
    session: AsyncSession,
    channels: Sequence[str],
    now: datetime,
    limit: int,
    locks: ChatLocks | None = None,
) -> list[ClaimedMessage]:
    """Claim due messages of up to `limit` chats no one else serves; most urgent first.

    A chat's messages are taken in order (priority, then id) up to the first one that is
    not due yet, so a message waiting out a flood wait is never overtaken. The chats come
    back held in `locks`; the caller unlocks them once their outcomes are stored.
    Without `locks` (tests, a one-off drain) a private set stands in.
    """
    locks = locks or LocalChatLocks()
    chats = await _due_chats(session, channels, now, limit, locks.held())
    mine = await locks.try_lock(chats)
    if not mine:
        return []
    # a fresh statement, after the locks: it sees what the chats' previous worker stored
    rows = (
        await session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.channel,
                OutboxMessage.address,
                OutboxMessage.state,
                OutboxMessage.next_attempt_at,
            )
            .where(
                OutboxMessage.channel.in_({channel for channel, _ in mine}),
                OutboxMessage.address.in_({address for _, address in mine}),
                OutboxMessage.state.in_(UNSETTLED),
            )
            .order_by(OutboxMessage.priority, OutboxMessage.id)
        )
    ).all()
    queues: dict[Chat, list[int]] = {chat: [] for chat in mine}
    stopped: set[Chat] = set()
    for row in rows:
        chat = (row.channel, row.address)
        if chat not in queues or chat in stopped:
            continue
        if row.state != PENDING or row.next_attempt_at > now or len(queues[chat]) >= PER_CHAT:
            stopped.add(chat)
            continue
        queues[chat].append(row.id)
    wanted = [message_id for queue in queues.values() for message_id in queue]
    # only what is still pending: a message withdrawn a moment ago (an announcement
    # cancelled, a chat blocked) stays withdrawn
    taken = (
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(wanted), OutboxMessage.state == PENDING)
            .values(state=CLAIMED, attempts=OutboxMessage.attempts + 1, next_attempt_at=now)
            .returning(
                OutboxMessage.id,
                OutboxMessage.citizen_id,
                OutboxMessage.payload,
                OutboxMessage.attempts,
            )
        )
        if wanted
        else None
    )
    details = {row.id: row for row in taken.all()} if taken is not None else {}
    claimed: list[ClaimedMessage] = []
    for chat in chats:  # most urgent chat first, each in its order
        for message_id in queues.get(chat, []):
            found = details.get(message_id)
            if found is not None:
                claimed.append(
                    ClaimedMessage(
                        found.id,
                        chat[0],
                        chat[1],
                        found.citizen_id,
                        dict(found.payload),
                        found.attempts,
                    )
                )
    served = {(message.channel, message.address) for message in claimed}
    await locks.unlock(chat for chat in mine if chat not in served)
    return claimed


async def _due_chats(
    session: AsyncSession,
    channels: Sequence[str],
    now: datetime,
    limit: int,
    held: Collection[Chat],
) -> list[Chat]:
    """Chats with a due message, most urgent first, leaving out those this worker serves.

    A plain walk along the due index: chats another worker serves are turned away by
    their locks, and a chat with an earlier message in flight by the walk in `claim_due`.
    (Filtering them here with NOT EXISTS made PostgreSQL plan a quadratic join while its
    statistics still described the outbox before a big broadcast.)
    """
    query = (
        select(OutboxMessage.channel, OutboxMessage.address)
        .where(
            OutboxMessage.state == PENDING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.channel.in_(list(channels)),
        )
        .order_by(OutboxMessage.priority, OutboxMessage.next_attempt_at, OutboxMessage.id)
        # a chat with many messages shows up more than once; look a little further
        .limit(limit * 4 + len(held))
        .with_for_update(skip_locked=True)
    )
    chats: list[Chat] = []
    for channel, address in (await session.execute(query)).all():
        chat = (channel, address)
        if chat not in held and chat not in chats:
            chats.append(chat)
            if len(chats) == limit:
                break
    return chats


async def start_sending_many(
    session: AsyncSession, message_ids: Sequence[int], now: datetime
) -> set[int]:
    """The last check before messages go to the platform: returns those still to send.

    A message withdrawn meanwhile (an announcement cancelled, the citizen's data erased)
    is left out.
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(message_ids)), OutboxMessage.state == CLAIMED)
        .values(state=SENDING, next_attempt_at=now)
        .returning(OutboxMessage.id)
    )
    return set(result.scalars().all())


async def mark_sent_many(session: AsyncSession, message_ids: Sequence[int], now: datetime) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(message_ids)))
        .values(state=SENT, sent_at=now, last_error=None)
    )


async def mark_sent(session: AsyncSession, message_id: int, now: datetime) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(state=SENT, sent_at=now, last_error=None)
    )


async def retry_later(session: AsyncSession, message_id: int, at: datetime, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(state=PENDING, next_attempt_at=at, last_error=error[:2000])
    )


async def unclaim(session: AsyncSession, message_ids: Sequence[int], at: datetime) -> None:
    """Put claimed messages back unsent (an earlier one of their chat has to wait first)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(message_ids)), OutboxMessage.state == CLAIMED)
        .values(state=PENDING, next_attempt_at=at, attempts=OutboxMessage.attempts - 1)
    )


async def mark_failed(session: AsyncSession, message_id: int, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(state=FAILED, last_error=error[:2000])
    )


async def cancel_broadcast(session: AsyncSession, broadcast_id: int) -> int:
    """Withdraw an announcement's messages that were not handed to a platform yet."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.broadcast_id == broadcast_id,
            OutboxMessage.state.in_([PENDING, CLAIMED]),
        )
        .values(state=CANCELLED, last_error="the announcement was cancelled")
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def abandoned_chats(session: AsyncSession, channels: Sequence[str]) -> list[Chat]:
    """Chats with messages claimed or on their way: a live worker's or a dead one's."""
    rows = await session.execute(
        select(OutboxMessage.channel, OutboxMessage.address)
        .where(OutboxMessage.state.in_(IN_FLIGHT), OutboxMessage.channel.in_(list(channels)))
        .distinct()
    )
    return [(channel, address) for channel, address in rows.all()]


async def release_claims(session: AsyncSession, chats: Collection[Chat]) -> int:
    """Return the chats' claimed messages to the queue; the caller holds the chats, so
    whoever claimed them is gone.

    A message that was on the wire when its worker died may go out twice; that is the one
    duplicate the design accepts (and the Matrix transaction id absorbs).
    """
    if not chats:
        return 0
    rows = await session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.state.in_(IN_FLIGHT),
            OutboxMessage.channel.in_({channel for channel, _ in chats}),
            OutboxMessage.address.in_({address for _, address in chats}),
        )
        .with_for_update()
    )
    released = 0
    for row in rows:
        if (row.channel, row.address) in chats:
            row.state = PENDING
            released += 1
    await session.flush()
    return released


async def pending_for(session: AsyncSession, channel: str, address: str) -> int:
    """How many messages to this address still wait (used by the terminal chat)."""
    count = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.address == address,
            OutboxMessage.state.in_(UNSETTLED),
        )
    )
    return int(count or 0)


async def undelivered(session: AsyncSession, ids: Sequence[int]) -> int:
    """How many of these messages are neither sent nor finally failed."""
    if not ids:
        return 0
    count = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            and_(
                OutboxMessage.id.in_(list(ids)),
                OutboxMessage.state.in_(UNSETTLED),
            )
        )
    )
    return int(count or 0)
