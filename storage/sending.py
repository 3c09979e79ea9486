"""Sending what the outbox holds: a worker claims due chats, marks each message as it goes
(sending, sent, retry, failed) and gives back what it could not finish."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.chat_locks import Chat, ChatLocks, LocalChatLocks
from storage.models.core import OutboxMessage
from storage.outbox import (
    CLAIMED,
    FAILED,
    IN_FLIGHT,
    PENDING,
    PER_CHAT,
    SENDING,
    SENT,
    UNSETTLED,
)


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    channel: str
    address: str
    citizen_id: int | None
    payload: dict[str, Any]
    attempts: int


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
    """Back to pending, unless it settled meanwhile: a web chat page open in another
    process may have fetched it (storage/web_chat.py `mark_handed_over`)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state.in_(IN_FLIGHT))
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
