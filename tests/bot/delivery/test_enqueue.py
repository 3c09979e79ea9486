"""Queuing one message to many citizens with one statement per language."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import outbox
from storage.models import Citizen, OutboxMessage
from tests.bot.delivery.people import START, add_citizen

PAYLOADS = {
    "de": {"text": "Die Stadtbibliothek ist am Montag geschlossen.", "options": []},
    "en": {"text": "The town library is closed on Monday.", "options": []},
}


async def queued(sessions: async_sessionmaker[AsyncSession]) -> dict[str, tuple[str, str]]:
    """address -> (text, dedupe key) of every queued message."""
    async with sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.address, OutboxMessage.payload, OutboxMessage.dedupe_key)
        )
        return {address: (payload["text"], key) for address, payload, key in rows.all()}


async def test_each_chat_gets_the_text_in_its_citizens_language(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        await add_citizen(session, "anna", language="de")
        await add_citizen(session, "ben", language="en", channels=("telegram", "matrix"))
        await add_citizen(session, "chiara", language="it")  # no Italian text: German
        await add_citizen(session, "dora", language="en", blocked=True)
        count = await outbox.enqueue_for_citizens(
            session,
            select(Citizen.id),
            PAYLOADS,
            priority=5,
            dedupe_prefix="broadcast:1",
            cause="announcement",
            broadcast_id=1,
            now=START,
        )

    assert count == 4
    messages = await queued(db_sessions)
    assert {address: text for address, (text, _) in messages.items()} == {
        "telegram:anna": PAYLOADS["de"]["text"],
        "telegram:ben": PAYLOADS["en"]["text"],
        "matrix:ben": PAYLOADS["en"]["text"],
        "telegram:chiara": PAYLOADS["de"]["text"],
    }
    assert all(key.startswith("broadcast:1:") for _, key in messages.values())
    async with db_sessions() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert {(row.state, row.priority, row.cause, row.broadcast_id) for row in rows} == {
        ("pending", 5, "announcement", 1)
    }
    assert all(row.next_attempt_at == START for row in rows)


async def test_queuing_the_same_cause_twice_reaches_each_chat_once(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        first = await add_citizen(session, "anna")
        await add_citizen(session, "ben")
        only_anna = select(Citizen.id).where(Citizen.id == first)
        assert (
            await outbox.enqueue_for_citizens(
                session,
                only_anna,
                PAYLOADS,
                priority=5,
                dedupe_prefix="decision:7",
                cause="decision",
            )
            == 1
        )
    async with db_sessions() as session, session.begin():
        everyone = select(Citizen.id)
        assert (
            await outbox.enqueue_for_citizens(
                session,
                everyone,
                PAYLOADS,
                priority=5,
                dedupe_prefix="decision:7",
                cause="decision",
            )
            == 1
        )  # only ben is new
        assert (
            await outbox.enqueue_for_citizens(
                session,
                everyone,
                PAYLOADS,
                priority=5,
                dedupe_prefix="decision:8",
                cause="decision",
            )
            == 2
        )  # another cause reaches both again

    async with db_sessions() as session:
        keys = await session.scalars(select(OutboxMessage.dedupe_key))
        assert sorted(key.split(":")[1] for key in keys if key) == ["7", "7", "8", "8"]


async def test_only_a_german_payload_serves_everyone_and_nothing_selected_queues_nothing(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        await add_citizen(session, "ben", language="en")
        nobody = select(Citizen.id).where(Citizen.id < 0)
        assert (
            await outbox.enqueue_for_citizens(
                session, nobody, PAYLOADS, priority=5, dedupe_prefix="x", cause="x"
            )
            == 0
        )
        german = {"de": PAYLOADS["de"]}
        assert (
            await outbox.enqueue_for_citizens(
                session, select(Citizen.id), german, priority=5, dedupe_prefix="y", cause="y"
            )
            == 1
        )
    assert (await queued(db_sessions))["telegram:ben"][0] == PAYLOADS["de"]["text"]


async def test_a_payload_without_german_is_refused(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session:
        with pytest.raises(ValueError, match="German"):
            await outbox.enqueue_for_citizens(
                session,
                select(Citizen.id),
                {"en": PAYLOADS["en"]},
                priority=5,
                dedupe_prefix="z",
                cause="z",
            )
