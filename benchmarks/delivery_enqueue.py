"""Queuing one announcement to 100 000 recipients, on SQLite and on PostgreSQL.

    .venv/bin/python -m benchmarks.delivery_enqueue [--recipients 100000]

Prints the seconds `create_announcement` takes (one INSERT ... SELECT per language into
the outbox, in one transaction), and the rows per second.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.civic.announcements import create_announcement
from storage.database import create_engine, session_factory
from storage.models import OutboxMessage
from tests.bot.delivery.databases import add_recipients, postgres_database, sqlite_database


async def measure(url: str, recipients: int) -> tuple[float, int]:
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        await add_recipients(engine, recipients)
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            await create_announcement(
                session,
                text_de="Die Stadt lädt zur Bürgerversammlung am Donnerstag ein.",
                text_en="The town invites you to a residents' meeting on Thursday.",
                audience="all",
                send_at=None,
                created_by="benchmark",
                now=datetime.now(UTC),
            )
        seconds = time.perf_counter() - started
        async with sessions() as session:
            queued = int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
    finally:
        await engine.dispose()
    return seconds, queued


async def main(recipients: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        async with sqlite_database(Path(directory)) as url:
            report("SQLite", *await measure(url, recipients))
    async with postgres_database() as url:
        report("PostgreSQL", *await measure(url, recipients))


def report(database: str, seconds: float, queued: int) -> None:
    print(f"{database + ':':12}{queued} deliveries queued in {seconds:.2f} s", end="")
    print(f" ({queued / seconds:,.0f} per second)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().recipients))
