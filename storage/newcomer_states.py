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

from sqlalchemy import Insert, Table, bindparam, delete, select, update
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
    moved it on meanwhile, or made the sender a citizen (nothing was written then).

    A row is only created where none was read and only updated at the version read: a row
    gone since (the sender became a citizen) must not come back."""
    channel, chat, user_key = conversation
    if read_version:
        moved: dict[str, Any] = {"of_channel": channel, "of_chat": chat, "of_user_key": user_key}
        moved |= {"new_state": state, "new_updated_at": now, "read_version": read_version}
        written = await session.execute(_UPDATE, moved)
    else:
        first: dict[str, Any] = {
            "channel": channel,
            "chat": chat,
            "user_key": user_key,
            "state": state,
        }
        first |= {"updated_at": now, "row_version": 1}
        written = await session.execute(_insert(session.get_bind().dialect.name), first)
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


_TABLE = cast(Table, NewcomerState.__table__)

_UPDATE = (
    update(_TABLE)
    .where(
        _TABLE.c.channel == bindparam("of_channel"),
        _TABLE.c.chat == bindparam("of_chat"),
        _TABLE.c.user_key == bindparam("of_user_key"),
        _TABLE.c.row_version == bindparam("read_version"),
    )
    .values(
        state=bindparam("new_state"),
        updated_at=bindparam("new_updated_at"),
        row_version=bindparam("read_version") + 1,
    )
    .returning(_TABLE.c.row_version)
)


@cache
def _insert(dialect: str) -> Insert:
    """A first position; nothing is written where another process stored one meanwhile."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.row_version)
