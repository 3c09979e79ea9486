"""Conversation reads and writes for the web chat's hot path, as single Core statements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Table, and_, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import ChannelIdentity, Citizen, Conversation


@dataclass(frozen=True)
class KnownConversation:
    citizen_id: int
    language: str
    last_seen_at: datetime
    state: dict[str, Any] | None  # None: the citizen has no conversation here yet


async def find_known(
    session: AsyncSession, channel: str, chat: str, user_key: str
) -> KnownConversation | None:
    """Citizen and conversation of an identity whose address is this chat, in one query.

    None for anything the full path must look at: a new identity, a moved or blocked one.
    """
    found = await session.execute(
        _FIND_KNOWN, {"channel": channel, "chat": chat, "user_key": user_key}
    )
    row = found.first()
    if row is None:
        return None
    return KnownConversation(row.citizen_id, row.language, row.last_seen_at, row.state)


# built once: on the busiest path building a statement costs more than running it
_FIND_KNOWN = (
    select(
        ChannelIdentity.citizen_id,
        Citizen.language,
        Citizen.last_seen_at,
        Conversation.state,
    )
    .join(Citizen, Citizen.id == ChannelIdentity.citizen_id)
    .outerjoin(
        Conversation,
        and_(
            Conversation.channel == ChannelIdentity.channel,
            Conversation.user_key == ChannelIdentity.user_key,
            Conversation.chat == bindparam("chat"),
        ),
    )
    .where(
        ChannelIdentity.channel == bindparam("channel"),
        ChannelIdentity.user_key == bindparam("user_key"),
        ChannelIdentity.address == bindparam("chat"),
        ChannelIdentity.blocked_at.is_(None),
    )
)


def state_row(
    *, channel: str, chat: str, user_key: str, citizen_id: int, state: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "channel": channel,
        "chat": chat,
        "user_key": user_key,
        "citizen_id": citizen_id,
        "state": state,
        "flow_id": state.get("flow_id"),
        "flow_version": state.get("flow_version"),
        "updated_at": now,
        "row_version": 1,
    }


async def upsert_states(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Write many conversations' states in one statement; the row version still counts up,
    so the ORM's check in the dispatcher notices a concurrent change."""
    if rows:
        statement = _upsert(session.get_bind().dialect.name)
        await session.execute(statement, list(rows))


@cache
def _upsert(dialect: str) -> Insert:
    """Built once: building the ON CONFLICT clause costs more than running it.

    On the table, not the mapped class: an insert of the class with a list of rows takes
    the ORM's bulk path, which builds a statement and its cache key anew for every call
    (a tenth of the web chat's CPU time); a table insert is a plain executemany."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, Conversation.__table__)
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.channel, table.c.chat, table.c.user_key],
        set_={
            "citizen_id": statement.excluded.citizen_id,
            "state": statement.excluded.state,
            "flow_id": statement.excluded.flow_id,
            "flow_version": statement.excluded.flow_version,
            "updated_at": statement.excluded.updated_at,
            "row_version": table.c.row_version + 1,
        },
    )
