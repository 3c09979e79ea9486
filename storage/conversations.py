"""Conversation state between messages, one row per (channel, chat, user).

Every write checks the row version it was read at: two processes (or a process and its
own out-of-date memory) saving the same conversation make the later write fail instead of
silently losing the earlier one's answer.
"""

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

ConversationId = tuple[str, str, str]  # channel, chat, user key


class StaleConversation(Exception):
    """The conversation changed in the store since it was read; the turn must run again."""


@dataclass(frozen=True)
class KnownConversation:
    citizen_id: int
    language: str
    last_seen_at: datetime
    state: dict[str, Any] | None  # None: the citizen has no conversation here yet
    version: int  # the row version read; 0 when there is no row


@dataclass(frozen=True)
class StoredState:
    state: dict[str, Any]
    version: int


async def find_known(
    session: AsyncSession, channel: str, chat: str, user_key: str
) -> KnownConversation | None:
    """Citizen and conversation of an identity whose address is this chat, in one query.

    None for anything the full way must look at: a new identity, a moved or blocked one,
    a group chat (the identity's address is the citizen's own chat).
    """
    found = await session.execute(
        _FIND_KNOWN, {"channel": channel, "chat": chat, "user_key": user_key}
    )
    row = found.first()
    if row is None:
        return None
    return KnownConversation(
        row.citizen_id, row.language, row.last_seen_at, row.state, row.row_version or 0
    )


async def find_state(
    session: AsyncSession, channel: str, chat: str, user_key: str
) -> StoredState | None:
    found = await session.execute(
        _FIND_STATE, {"channel": channel, "chat": chat, "user_key": user_key}
    )
    row = found.first()
    return None if row is None else StoredState(dict(row.state), row.row_version)


# built once: on the busiest path building a statement costs more than running it
_FIND_KNOWN = (
    select(
        ChannelIdentity.citizen_id,
        Citizen.language,
        Citizen.last_seen_at,
        Conversation.state,
        Conversation.row_version,
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

_FIND_STATE = select(Conversation.state, Conversation.row_version).where(
    Conversation.channel == bindparam("channel"),
    Conversation.chat == bindparam("chat"),
    Conversation.user_key == bindparam("user_key"),
)


def state_row(
    conversation: ConversationId,
    *,
    citizen_id: int,
    state: dict[str, Any],
    now: datetime,
    read_version: int,
) -> dict[str, Any]:
    """The row to write for a conversation read at `read_version` (0: not stored yet)."""
    channel, chat, user_key = conversation
    return {
        "channel": channel,
        "chat": chat,
        "user_key": user_key,
        "citizen_id": citizen_id,
        "state": state,
        "flow_id": state.get("flow_id"),
        "flow_version": state.get("flow_version"),
        "updated_at": now,
        "row_version": read_version + 1,
    }


async def save_states(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> set[ConversationId]:
    """Write many conversations' states in one statement; returns the conversations whose
    row had moved on since it was read (nothing was written for those)."""
    if not rows:
        return set()
    statement = _upsert(session.get_bind().dialect.name)
    if len(rows) == 1:
        written = await session.execute(statement, rows[0])
    else:
        written = await session.execute(statement, list(rows))
    done = {(row.channel, row.chat, row.user_key) for row in written}
    return {(r["channel"], r["chat"], r["user_key"]) for r in rows} - done


@cache
def _upsert(dialect: str) -> Insert:
    """Built once: building the ON CONFLICT clause costs more than running it.

    On the table, not the mapped class: an insert of the class with a list of rows takes
    the ORM's bulk path, which builds a statement and its cache key anew for every call;
    a table insert is a plain statement. The update happens only where the stored version
    is the one the turn read (the new version minus one); RETURNING tells which did."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, Conversation.__table__)
    statement = insert(table)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.channel, table.c.chat, table.c.user_key],
        set_={
            "citizen_id": excluded.citizen_id,
            "state": excluded.state,
            "flow_id": excluded.flow_id,
            "flow_version": excluded.flow_version,
            "updated_at": excluded.updated_at,
            "row_version": excluded.row_version,
        },
        where=table.c.row_version == excluded.row_version - 1,
    ).returning(table.c.channel, table.c.chat, table.c.user_key)
