"""Processes, a database and nginx for the replica tests (tests/replicas/cluster.py)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from nlu.factory import create_recognizer
from tests.replicas.cluster import Nginx, Replica, nginx_binary, start_replica, wait_until_up
from tests.storage.postgres_cluster import DatabasePool


@pytest.fixture(scope="session")
def nlu_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trained model every process loads instead of training it again."""
    folder = tmp_path_factory.mktemp("replica-nlu-cache")
    create_recognizer(cache_dir=folder)
    return folder


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[Nginx]:
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (scripts/install-test-services installs it)")
    folder = tmp_path / "nginx"
    folder.mkdir()
    proxy = Nginx(binary, folder)
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
def shared_database(postgres_admin_url: str, postgres_pool: DatabasePool) -> Iterator[str]:
    """A migrated, empty PostgreSQL database for several processes."""
    name = postgres_pool.take()
    try:
        yield make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        postgres_pool.release(name)


@contextmanager
def replicas(
    database_url: str, folder: Path, nlu_cache: Path, count: int
) -> Iterator[list[Replica]]:
    """`count` processes started side by side; every one is gone afterwards."""
    started = [start_replica(database_url, folder, nlu_cache) for _ in range(count)]
    try:
        with ThreadPoolExecutor(count) as pool:
            list(pool.map(wait_until_up, started))
        yield started
    finally:
        for replica in started:
            replica.kill()
