"""A group's move to a new id, written to the store: conversations and waiting messages follow."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram.updates import ChatMoved
from bot.delivery.reachability import reachability_recorder
from storage import outbox
from storage.identities import resolve_citizen
from storage.models.core import ChannelIdentity, Conversation, OutboxMessage

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
OLD, NEW = "-4711", "-1004711"
Sessions = async_sessionmaker[AsyncSession]


async def _member(session: AsyncSession, user: str, *chats: str) -> int:
    citizen_id, _ = await resolve_citizen(session, "telegram", user, user, "de", NOW)
    for chat in chats:
        state = {"flow_id": "ask_question", "step_id": "question", "slots": {"chat": chat}}
        session.add(
            Conversation(
                channel="telegram", chat=chat, user_key=user, citizen_id=citizen_id, state=state
            )
        )
    return citizen_id


async def test_a_moved_group_keeps_its_conversations_and_waiting_messages(
    db_sessions: Sessions,
) -> None:
    async with db_sessions() as session, session.begin():
        anna = await _member(session, "1001", OLD)
        await _member(session, "1002", OLD, NEW)  # Ben wrote in the supergroup already
        for state, text in (("sent", "Willkommen"), ("pending", "Ihre Antwort")):
            await outbox.enqueue(
                session,
                channel="telegram",
                address=OLD,
                citizen_id=anna,
                payload={"text": text, "options": []},
                now=NOW,
            )
            await session.flush()
            row = await session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
            assert row is not None
            row.state = state

    record = reachability_recorder(db_sessions)
    await record(ChatMoved("telegram", OLD, NEW))
    await record(ChatMoved("telegram", OLD, NEW))  # told twice: by the update and by a send

    async with db_sessions() as session:
        conversations = await session.execute(
            select(Conversation.chat, Conversation.user_key, Conversation.state).order_by(
                Conversation.user_key
            )
        )
        assert [(chat, user, state["slots"]["chat"]) for chat, user, state in conversations] == [
            (NEW, "1001", OLD),  # Anna goes on where she was
            (NEW, "1002", NEW),  # Ben goes on with what he started in the supergroup
        ]
        messages = await session.execute(
            select(OutboxMessage.state, OutboxMessage.address).order_by(OutboxMessage.id)
        )
        assert [tuple(row) for row in messages] == [("sent", OLD), ("pending", NEW)]


async def test_a_move_touches_nothing_of_other_chats_or_channels(db_sessions: Sessions) -> None:
    async with db_sessions() as session, session.begin():
        await _member(session, "1001", "-999")
        await resolve_citizen(session, "matrix", "@anna:x", OLD, "de", NOW)
    await reachability_recorder(db_sessions)(ChatMoved("telegram", OLD, NEW))
    async with db_sessions() as session:
        chats = (await session.scalars(select(Conversation.chat))).all()
        assert list(chats) == ["-999"]
        addresses = await session.scalars(
            select(ChannelIdentity.address).where(ChannelIdentity.channel == "matrix")
        )
        assert list(addresses) == [OLD]
