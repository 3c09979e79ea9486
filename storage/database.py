"""Opening the database: one async engine per process, SQLite tuned for a bot's write pattern."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.fair_pool import FairAsyncPool
from storage.session_writes import WriteTrackingSession
from storage.sqlite_driver import DRIVER as SQLITE_DRIVER

SQLITE_BUSY_TIMEOUT_MS = 10_000
_EMPTY_WAL_ON_RELEASE = "mitreden_empty_wal_on_release"

log = logging.getLogger(__name__)


def normalise_url(url: str) -> str:
    """Accept the usual sync URLs and choose the async driver for them."""
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"):
        parsed = parsed.set(drivername=f"sqlite+{SQLITE_DRIVER}")
    elif driver in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; for SQLite the file's folder is created and WAL is switched on."""
    url = normalise_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # SQLite has one writer at a time. One connection per process turns lock contention
        # between our own tasks into an orderly queue at the pool, and BEGIN IMMEDIATE makes
        # a transaction take the write lock up front, so two processes never deadlock on
        # upgrading a read lock (which SQLite reports as "database is locked" at once).
        if kwargs.setdefault("poolclass", FairAsyncPool) is FairAsyncPool:
            kwargs["pool_size"] = 1  # whatever was asked: the pool size setting is PostgreSQL's
            kwargs.setdefault("max_overflow", 0)
            kwargs.setdefault("pool_timeout", 120)
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = create_async_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if "poolclass" not in kwargs:
        kwargs["poolclass"] = FairAsyncPool
        # a fixed set of connections: under load, tasks wait a moment for one instead of
        # opening and closing connections beyond the pool (each costs more than a message)
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 0)
    return create_async_engine(url, **kwargs)


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # deleted rows are overwritten with zeros, not only marked free: an erased citizen
        # must not stay readable in the file (many SQLite builds have this off by default)
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        if record.info.pop(_EMPTY_WAL_ON_RELEASE, False) and dbapi_connection is not None:
            _empty_wal(dbapi_connection)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # straight to sqlite3: the statement needs none of SQLAlchemy's execution machinery
        connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")


def _empty_wal(dbapi_connection: Any) -> None:
    busy, _, _ = dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        log.warning(
            "the SQLite WAL file could not be emptied after an erasure: another process was "
            "reading; it is emptied at the next erasure or when the bot stops"
        )


async def empty_wal_after_commit(session: AsyncSession) -> None:
    """On SQLite: once this session's transaction is over and its connection released, every
    page is copied from the WAL file into the database file and the WAL file is emptied, so
    data this transaction deleted leaves no older copy in the WAL. Nothing on PostgreSQL."""
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        # kept with the DBAPI connection, so it holds however the transaction ends
        connection.info[_EMPTY_WAL_ON_RELEASE] = True


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that tell whether they wrote (storage/session_writes.py)."""
    return async_sessionmaker(
        engine, expire_on_commit=False, sync_session_class=WriteTrackingSession
    )


async def ping(db: AsyncSession | AsyncConnection) -> None:
    """A trivial statement: raises when the database does not answer."""
    await db.execute(select(1))
