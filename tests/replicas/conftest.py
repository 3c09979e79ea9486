"""Processes, a database and nginx for the replica tests (tests/replicas/cluster.py).

Starting a process costs seconds, so the processes and nginx of a test module are shared by
its tests (module scope); a test that stops or kills a process starts it again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from nlu.factory import create_recognizer
from tests.replicas.cluster import Nginx, Replica, nginx_binary, start_replica, wait_until_up
from tests.storage.postgres_cluster import DatabasePool, blocking, create_database, drop_database


@pytest.fixture(scope="session")
def nlu_cache(nlu_cache: Path) -> Path:
    """The run's model folder with the model trained before any process starts: every
    process loads it instead of training it again."""
    create_recognizer(cache_dir=nlu_cache)
    return nlu_cache


def _url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def shared_database(postgres_admin_url: str, postgres_pool: DatabasePool) -> Iterator[str]:
    """A migrated, empty PostgreSQL database for several processes."""
    name = postgres_pool.take()
    try:
        yield _url(postgres_admin_url, name)
    finally:
        postgres_pool.release(name)


@pytest.fixture
def empty_database(postgres_admin_url: str) -> Iterator[str]:
    """A PostgreSQL database without any table: the processes migrate it themselves."""
    name = f"mitreden_empty_{uuid.uuid4().hex[:12]}"
    blocking(lambda: create_database(postgres_admin_url, name))
    try:
        yield _url(postgres_admin_url, name)
    finally:
        blocking(lambda: drop_database(postgres_admin_url, name))


@contextmanager
def replicas(
    database_url: str, folder: Path, nlu_cache: Path, count: int
) -> Iterator[list[Replica]]:
    """`count` processes started side by side; every one is gone afterwards (also those
    a test started in their place: the list is the test's to change)."""
    started = [start_replica(database_url, folder, nlu_cache) for _ in range(count)]
    try:
        with ThreadPoolExecutor(count) as pool:
            list(pool.map(wait_until_up, started))
        yield started
    finally:
        for replica in started:
            replica.kill()


@dataclass
class Cluster:
    """Processes on one database behind nginx."""

    database_url: str
    nlu_cache: Path
    processes: list[Replica]
    proxy: Nginx


@pytest.fixture(scope="module")
def cluster(
    shared_database: str, tmp_path_factory: pytest.TempPathFactory, nlu_cache: Path
) -> Iterator[Cluster]:
    """Two processes behind nginx, shared by the tests of a module."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (scripts/install-test-services installs it)")
    folder = tmp_path_factory.mktemp("replicas")
    (folder / "nginx").mkdir()
    proxy = Nginx(binary, folder / "nginx")
    try:
        with replicas(shared_database, folder, nlu_cache, 2) as started:
            proxy.route_to([replica.port for replica in started])
            yield Cluster(shared_database, nlu_cache, started, proxy)
    finally:
        proxy.stop()
