"""What the Matrix channel asks of the store, on SQLite and PostgreSQL: forgetting a deleted
message's text, and telling an erased citizen's room."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.matrix.store_link import MessageDeleted
from bot.delivery.reachability import matrix_store_link
from storage.citizens import erase_citizen
from storage.identities import resolve_citizen
from storage.models.core import Conversation

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
ROOM, ANNA = "!room:localhost", "@anna:localhost"
QUESTION = "Wann wird die Brücke wieder geöffnet?"
Sessions = async_sessionmaker[AsyncSession]


async def _waiting_for_consent(sessions: Sessions) -> int:
    """Anna wrote her question; the consent sub-flow holds it on the caller's stack."""
    async with sessions() as session, session.begin():
        citizen_id, _ = await resolve_citizen(session, "matrix", ANNA, ROOM, "de", NOW)
        state = {
            "language": "en",
            "flow_id": "consent",
            "step_id": "notice",
            "slots": {"_stack": [{"flow_id": "ask_question", "slots": {"question": QUESTION}}]},
            "options": [["Ja", "yes"], ["Nein", "no"]],
            "greeted": True,
        }
        session.add(
            Conversation(
                channel="matrix", chat=ROOM, user_key=ANNA, citizen_id=citizen_id, state=state
            )
        )
    return citizen_id


async def _state(sessions: Sessions) -> tuple[dict[str, object], int]:
    async with sessions() as session:
        row = (await session.execute(select(Conversation.state, Conversation.row_version))).one()
        return dict(row.state), int(row.row_version)


async def test_a_deleted_message_is_forgotten_and_the_conversation_starts_afresh(
    db_sessions: Sessions,
) -> None:
    await _waiting_for_consent(db_sessions)
    _, version = await _state(db_sessions)
    link = matrix_store_link(db_sessions)
    other = MessageDeleted("matrix", ROOM, ANNA, "Hallo")
    assert not await link.forget_message(other)  # not kept anywhere: nothing to tell
    assert await link.forget_message(MessageDeleted("matrix", ROOM, ANNA, f" {QUESTION}\n"))
    state, new_version = await _state(db_sessions)
    assert QUESTION not in repr(state)
    assert state == {"language": "en", "greeted": True}
    assert new_version == version + 1  # a turn that read the old state runs again


async def test_a_room_is_in_use_until_its_citizen_is_erased(db_sessions: Sessions) -> None:
    citizen_id = await _waiting_for_consent(db_sessions)
    link = matrix_store_link(db_sessions)
    assert await link.room_in_use(ROOM)
    assert not await link.room_in_use("!other:localhost")
    async with db_sessions() as session, session.begin():
        await erase_citizen(session, citizen_id)
    assert not await link.room_in_use(ROOM)
