"""Newcomers' conversation positions in the store, for processes sharing one database.

One process owning a SQLite file keeps a newcomer's position (greeted, the menu offered) in
memory. Processes sharing PostgreSQL keep it here instead, so the next message finds it
whichever process it reaches. Every write checks the row version it read, like a
conversation's, and rows are dropped minutes after their last use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Table, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.newcomers import NewcomerState


@dataclass(frozen=True)
class Found:
    state: dict[str, Any] | None  # None: nothing stored, or unused for too long to count
    version: int  # the row version to write with (0: no row)


async def find(
    session: AsyncSession, channel: str, chat: str, user_key: str, since: datetime
) -> Found:
    """The position stored for this sender, if it was used after `since`."""
    found = await session.execute(_FIND, {"channel": channel, "chat": chat, "user_key": user_key})
    row = found.first()
    if row is None:
        return Found(None, 0)
    return Found(dict(row.state) if row.updated_at >= since else None, row.row_version)


async def save(
    session: AsyncSession,
    conversation: tuple[str, str, str],
    state: dict[str, Any],
    read_version: int,
    now: datetime,
) -> bool:
    """Store the position read at `read_version` (0: none); False when another process
    moved it on meanwhile (nothing was written)."""
    channel, chat, user_key = conversation
    written = await session.execute(
        _upsert(session.get_bind().dialect.name),
        {
            "channel": channel,
            "chat": chat,
            "user_key": user_key,
            "state": state,
            "updated_at": now,
            "row_version": read_version + 1,
        },
    )
    return written.first() is not None


async def forget(session: AsyncSession, channel: str, chat: str, user_key: str) -> None:
    """Drop one sender's position: they became a citizen, whose conversation holds it now
    (a position left behind would greet them as known after an erasure)."""
    await session.execute(
        delete(NewcomerState).where(
            NewcomerState.channel == channel,
            NewcomerState.chat == chat,
            NewcomerState.user_key == user_key,
        )
    )


async def forget_before(session: AsyncSession, before: datetime) -> int:
    """Drop positions unused since `before`; returns how many."""
    result = await session.execute(delete(NewcomerState).where(NewcomerState.updated_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


_FIND = select(NewcomerState.state, NewcomerState.row_version, NewcomerState.updated_at).where(
    NewcomerState.channel == bindparam("channel"),
    NewcomerState.chat == bindparam("chat"),
    NewcomerState.user_key == bindparam("user_key"),
)


@cache
def _upsert(dialect: str) -> Insert:
    """Written only where the stored version is the one read (RETURNING tells)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, NewcomerState.__table__)
    statement = insert(table)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.channel, table.c.chat, table.c.user_key],
        set_={
            "state": excluded.state,
            "updated_at": excluded.updated_at,
            "row_version": excluded.row_version,
        },
        where=table.c.row_version == excluded.row_version - 1,
    ).returning(table.c.row_version)
