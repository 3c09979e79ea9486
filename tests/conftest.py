"""Database fixtures shared by every test package.

`db_url` is a fresh database per test that already has the migrated schema, once on SQLite
and once on PostgreSQL. The schema is migrated once per run into a template (a SQLite file
that is copied, a PostgreSQL template database), so a fresh database costs milliseconds.
PostgreSQL is the server at 127.0.0.1:5432 when it answers (MITREDEN_TEST_POSTGRES_URL
overrides), otherwise a private cluster started for this run.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from nlu.factory import create_recognizer
from nlu.types import TeachableRecognizer
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_async
from tests.storage.postgres_cluster import (
    DatabasePool,
    blocking,
    create_database,
    drop_database,
    server_answers,
    start_private_cluster,
)

# read at import: fixtures elsewhere clear MITREDEN_* variables for the code under test
POSTGRES_URL = os.environ.get(
    "MITREDEN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A URL with the right to create databases."""
    if server_answers(POSTGRES_URL):
        yield POSTGRES_URL
        return
    cluster = start_private_cluster()
    try:
        yield cluster.url()
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str) -> Iterator[str]:
    """Name of a database holding the migrated schema, for CREATE DATABASE ... TEMPLATE."""
    name = f"mitreden_template_{uuid.uuid4().hex[:12]}"
    blocking(lambda: create_database(postgres_admin_url, name))
    try:
        blocking(lambda: upgrade_async(_with_database(postgres_admin_url, name)))
        yield name
    finally:
        blocking(lambda: drop_database(postgres_admin_url, name))


@pytest.fixture(scope="session")
def postgres_pool(postgres_admin_url: str, postgres_template: str) -> Iterator[DatabasePool]:
    pool = DatabasePool(postgres_admin_url, postgres_template)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "mitreden.db"
    blocking(lambda: upgrade_async(f"sqlite:///{path}"))
    return path


def _sqlite_copy(template: Path, directory: Path) -> str:
    path = directory / "mitreden.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh migrated SQLite database file."""
    return _sqlite_copy(sqlite_template, tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database (async URL), once per backend."""
    if request.param == "sqlite":
        yield _sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path)
        return
    yield request.getfixturevalue("postgres_url")


@pytest.fixture
def postgres_url(postgres_admin_url: str, postgres_pool: DatabasePool) -> Iterator[str]:
    """A fresh migrated PostgreSQL database (async URL), for what only a shared store shows."""
    name = postgres_pool.take()
    try:
        yield _with_database(postgres_admin_url, name).replace(
            "postgresql://", "postgresql+asyncpg://", 1
        )
    finally:
        postgres_pool.release(name)


@pytest.fixture
async def db_engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def db_sessions(db_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(db_engine)


@pytest.fixture(scope="session")
def nlu_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of trained intent models for the whole run, shared by every test worker
    (their temporary folders sit side by side) and by the bot processes tests start:
    the model is trained once per data set and loaded everywhere else. Writes are atomic."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "nlu-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def recognizer(nlu_cache: Path) -> TeachableRecognizer:
    """One trained intent model for the whole run; training is what takes time. The first
    worker trains it, the others wait for it and load it (all training at once at the start
    of a run cost a worker's training each)."""
    with (nlu_cache / ".training.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return create_recognizer(cache_dir=nlu_cache)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def own_nlu_cache(recognizer: TeachableRecognizer, nlu_cache: Path, tmp_path: Path) -> Path:
    """A model folder of the test's own, for tests that train or switch models: it starts
    as a copy of the shared one (the shipped model is there, trained once for the run),
    and what the test trains stays in it."""
    folder = tmp_path / "nlu-cache"
    shutil.copytree(nlu_cache, folder, ignore=shutil.ignore_patterns("*.tmp*", ".*"))
    return folder


@pytest.fixture(autouse=True)
def _no_operator_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own MITREDEN_* settings must not leak into tests."""
    for name in list(os.environ):
        if name.startswith("MITREDEN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MITREDEN_CONFIG", "/nonexistent/mitreden.toml")


# Files whose tests take long (bot processes, a homeserver, training, a browser) run first:
# a long test left for the end keeps one worker busy after the others have finished.
_LONG_FIRST = (
    "tests/replicas/",
    "tests/test_compose_command.py",
    "tests/bot/content/test_intent_data.py",
    "tests/bot/web/test_intent_data_browser.py",
    "tests/bot/web/test_nlu_editor.py",
    "tests/bot/web/test_not_understood_browser.py",
    "tests/bot/channels/matrix/",
    "tests/bot/channels/telegram/",
    "tests/bot/content/test_flows.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: 0 if item.nodeid.startswith(_LONG_FIRST) else 1)  # stable
