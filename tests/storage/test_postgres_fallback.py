"""On a machine without a PostgreSQL server the tests start their own; this checks that path.

It starts a second, private cluster on a free port, so the shared server is left alone.
"""

from __future__ import annotations

import pytest

from storage.migrate import head_revisions, upgrade_async
from tests.storage.postgres_cluster import (
    binaries,
    blocking,
    create_database,
    server_answers,
    start_private_cluster,
)


@pytest.mark.skipif(binaries() is None, reason="Debian's postgresql package is not installed")
def test_a_private_cluster_starts_takes_migrations_and_goes_away() -> None:
    cluster = start_private_cluster()
    try:
        assert server_answers(cluster.url())
        blocking(lambda: create_database(cluster.url(), "mitreden"))
        blocking(lambda: upgrade_async(cluster.url("mitreden")))

        async def revisions() -> frozenset[str]:
            import asyncpg  # type: ignore[import-untyped]

            connection = await asyncpg.connect(cluster.url("mitreden"))
            try:
                rows = await connection.fetch("SELECT version_num FROM alembic_version")
                return frozenset(str(row[0]) for row in rows)
            finally:
                await connection.close()

        assert blocking(revisions) == head_revisions()
    finally:
        cluster.stop()
    assert not server_answers(cluster.url())
    assert not cluster.directory.exists()
