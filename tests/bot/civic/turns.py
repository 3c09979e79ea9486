"""One turn's StoreServices in its own transaction, and the citizens and counts the port
tests need, on the demo town's data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.services import StoreServices
from storage.identities import resolve_citizen

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@asynccontextmanager
async def services(
    sessions: Sessions, clock: Clock, *, publish_ideas: bool = False
) -> AsyncIterator[StoreServices]:
    """One transaction, as the dispatcher runs one per message."""
    async with sessions() as session, session.begin():
        yield StoreServices(session, "terminal", clock=clock, publish_ideas=publish_ideas)


async def new_citizen(sessions: Sessions, user: str, language: str = "de") -> int:
    async with sessions() as session, session.begin():
        citizen_id, created = await resolve_citizen(session, "terminal", user, user, language, NOW)
    assert created
    return citizen_id


async def count(sessions: Sessions, model: type, **where: object) -> int:
    async with sessions() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(await session.scalar(query) or 0)


async def playground_id(sessions: Sessions, clock: Clock) -> int:
    async with services(sessions, clock) as store:
        found = await store.consultations.find("spielplatz-lindenpark", "de", NOW)
    assert found is not None
    return found.id
