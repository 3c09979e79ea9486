"""The web chat's queries: its signing key, and the messages that wait for a page to open.

Later messages to a web chat (a staff answer, a decision, an announcement) are ordinary
outbox rows with channel "web" and the session id as address. A page that (re)connects
receives the ones it has not seen; the outbox id is the event id it confirms them with.
A message no page fetched for too long is given up (`give_up_unfetched`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import OutboxMessage
from storage.models.web_chat import WebChatKey

CHANNEL = "web"
_WAITING = ("pending", "claimed", "sending")  # storage.outbox.UNSETTLED
NOT_REACHABLE = "not reachable: no page of this web chat was open to receive it"


@dataclass(frozen=True)
class WaitingMessage:
    id: int
    payload: dict[str, Any]


async def signing_key(session: AsyncSession, now: datetime) -> str:
    """The installation's key, created by whichever process asks first."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(WebChatKey)
        .values(name="session-tokens", secret=secrets.token_urlsafe(48), created_at=now)
        .on_conflict_do_nothing()
    )
    key = await session.scalar(select(WebChatKey.secret).where(WebChatKey.name == "session-tokens"))
    if key is None:
        raise RuntimeError("the web chat key could not be stored")
    return key


async def messages_for_page(
    session: AsyncSession, address: str, after: int | None, limit: int = 100
) -> list[WaitingMessage]:
    """What a page should receive on connecting, oldest first.

    With `after` (the last event id the page confirmed) everything newer comes again, sent
    or not, since a message pushed while the connection broke may never have arrived.
    Without it only what was never handed to a page.
    """
    query = select(OutboxMessage.id, OutboxMessage.payload).where(
        OutboxMessage.channel == CHANNEL, OutboxMessage.address == address
    )
    if after is None:
        query = query.where(OutboxMessage.state.in_(_WAITING))
    else:
        query = query.where(OutboxMessage.id > after, OutboxMessage.state.in_((*_WAITING, "sent")))
    rows = await session.execute(query.order_by(OutboxMessage.id).limit(limit))
    return [WaitingMessage(row.id, dict(row.payload)) for row in rows]


async def mark_handed_over(
    session: AsyncSession, address: str, ids: list[int], now: datetime
) -> None:
    """Record messages a page received, so the delivery worker stops offering them."""
    if not ids:
        return
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.channel == CHANNEL,
            OutboxMessage.address == address,
            OutboxMessage.state.in_(_WAITING),
        )
        .values(state="sent", sent_at=now, last_error=None)
    )


async def give_up_unfetched(session: AsyncSession, queued_before: datetime) -> int:
    """Mark failed ("not reachable") the waiting messages queued before `queued_before`:
    their page was closed all that time and may never open again (a session kept only in
    a page's memory). Settled, they count in an announcement's tally and retention removes
    them like every finished delivery. Returns how many."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == CHANNEL,
            OutboxMessage.state == "pending",  # one a worker holds right now waits for the next run
            OutboxMessage.created_at < queued_before,
        )
        .values(state="failed", last_error=NOT_REACHABLE)
    )
    return int(getattr(result, "rowcount", 0) or 0)
