"""The outbox: messages written in the transaction that caused them, sent later by a worker."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from storage.models.core import ChannelIdentity, Citizen, OutboxMessage

# pending -> claimed (a worker took it) -> sending (handed to the platform) -> sent | failed,
# back to pending for a retry; cancelled when withdrawn before it was handed over
PENDING, CLAIMED, SENDING = "pending", "claimed", "sending"
SENT, FAILED, CANCELLED = "sent", "failed", "cancelled"
UNSETTLED = (PENDING, CLAIMED, SENDING)
IN_FLIGHT = (CLAIMED, SENDING)
# messages of one chat one worker takes at once; the rest wait for the next claim
PER_CHAT = 20


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
