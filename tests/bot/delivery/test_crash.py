"""kill -9 in the middle of a broadcast: after a restart no chat is skipped, and at most
the messages that were on the wire at the moment of the kill arrive twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import outbox
from storage.database import create_engine, session_factory
from storage.models import OutboxMessage
from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.delivery.crash_run import (
    add_recipients,
    announce,
    kill,
    sends,
    start_worker,
    stop,
    tally,
    unsettled,
    until,
)

PATIENCE = 90.0  # a guard against hanging; nothing is timed
PARALLEL = 16


@pytest.mark.slow
async def test_a_broadcast_survives_a_killed_worker(sqlite_url: str, tmp_path: Path) -> None:
    chats = 300
    double = BotApiDouble()
    await double.start()
    engine = create_engine(sqlite_url)
    sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
    try:
        await add_recipients(sessions, double, chats)
        await announce(sessions, "Wasserrohrbruch: die Hauptstraße ist bis Freitag gesperrt.")
        worker = await start_worker(sqlite_url, double, rate=150, parallel=PARALLEL)
        try:
            assert await until(lambda: sends(double) >= chats // 3, PATIENCE)
            kill(worker)
            await worker.wait()
        finally:
            await stop(worker)
        before_restart = sends(double)
        assert before_restart < chats, "the broadcast ended before the kill; nothing was tested"

        worker = await start_worker(sqlite_url, double, rate=150, parallel=PARALLEL)
        try:
            assert await until(lambda: _settled(sessions), PATIENCE)
        finally:
            await stop(worker)
    finally:
        await engine.dispose()
        await double.stop()

    result = tally(double, chats)
    assert result.lost == 0
    assert result.duplicates <= PARALLEL  # only what was on the wire when the worker died
    assert result.received == chats + result.duplicates


async def _settled(sessions: async_sessionmaker[AsyncSession]) -> bool:
    return await unsettled(sessions) == 0


@pytest.mark.slow
async def test_a_killed_replica_s_claimed_messages_are_sent_by_the_one_still_running(
    postgres_url: str,
) -> None:
    """Two processes deliver from one PostgreSQL database; one dies holding claimed
    messages. The other, never restarted, gives them back to the queue and sends them."""
    chats = 300
    double = BotApiDouble()
    await double.start()
    engine = create_engine(postgres_url)
    sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
    try:
        await add_recipients(sessions, double, chats)
        await announce(sessions, "Stromausfall im Lindenviertel: heute bis 18 Uhr.")
        doomed = await start_worker(postgres_url, double, rate=150, parallel=PARALLEL)
        survivor = None
        try:
            assert await until(lambda: sends(double) >= chats // 4, PATIENCE)
            # the platform stops answering: what the first process claimed stays on the wire
            double.answering.clear()
            assert await until(lambda: has_in_flight(sessions), PATIENCE)
            survivor = await start_worker(postgres_url, double, rate=150, parallel=PARALLEL)
            kill(doomed)
            await doomed.wait()
            taken = await in_flight(sessions)  # the dead one's claims among them
            double.answering.set()
            assert await until(lambda: _settled(sessions), PATIENCE)
            assert await states_of(sessions, taken) == {outbox.SENT}
        finally:
            double.answering.set()
            await stop(doomed)
            if survivor is not None:
                await stop(survivor)
    finally:
        await engine.dispose()
        await double.stop()

    result = tally(double, chats)
    assert result.lost == 0
    assert result.duplicates <= PARALLEL  # only what was on the wire when the worker died


async def has_in_flight(sessions: async_sessionmaker[AsyncSession]) -> bool:
    return bool(await in_flight(sessions))


async def in_flight(sessions: async_sessionmaker[AsyncSession]) -> set[int]:
    async with sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.state.in_(outbox.IN_FLIGHT))
        )
    return set(rows)


async def states_of(sessions: async_sessionmaker[AsyncSession], ids: set[int]) -> set[str]:
    async with sessions() as session:
        rows = await session.scalars(select(OutboxMessage.state).where(OutboxMessage.id.in_(ids)))
    return set(rows)
