from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.database import create_engine, session_factory
from tests.storage.postgres_cluster import DatabasePool


@pytest.fixture
def postgres_url(postgres_admin_url: str, postgres_pool: DatabasePool) -> Iterator[str]:
    """A fresh migrated PostgreSQL database: several workers share one only there."""
    name = postgres_pool.take()
    try:
        url = make_url(postgres_admin_url).set(database=name, drivername="postgresql+asyncpg")
        yield url.render_as_string(hide_password=False)
    finally:
        postgres_pool.release(name)


@pytest.fixture
async def postgres_sessions(postgres_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(postgres_url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
