"""How fast the outbox drains when the platform sets no limit, per worker and with several.

    .venv/bin/python -m benchmarks.delivery_drain [--recipients 20000]

A channel double accepts every message at once, so the figures show the delivery engine
and the database alone: one worker inside this process on SQLite and on PostgreSQL, then
1, 2 and 4 worker processes sharing a PostgreSQL database. Each run counts duplicates
(a message handed to the channel twice) and losses (a message never handed over).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.worker import DeliveryWorker
from storage.database import create_engine, session_factory
from tests.bot.delivery.crash_run import REPO, announce, unsettled, until
from tests.bot.delivery.databases import (
    add_recipients,
    postgres_database,
    sent_span,
    sqlite_database,
)
from tests.bot.delivery.worker_process import NullChannel

PATIENCE = 1800.0


async def in_process(url: str, recipients: int) -> str:
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        await add_recipients(engine, recipients)
        await announce(sessions, "Der Wochenmarkt zieht auf den Kirchplatz um.")
        channel = NullChannel()
        worker = DeliveryWorker(sessions, {"telegram": channel}, idle_poll=0.1)
        running = asyncio.create_task(worker.run())
        await until(lambda: _none_left(sessions), PATIENCE, step=0.1)
        worker.stop()
        await running
        count, seconds = await sent_span(sessions)
    finally:
        await engine.dispose()
    duplicates = len(channel.sent) - len(set(channel.sent))
    return _line(count, seconds, duplicates, recipients - len(set(channel.sent)))


async def in_processes(url: str, recipients: int, workers: int, directory: Path) -> str:
    engine = create_engine(url)
    sessions = session_factory(engine)
    records = [directory / f"worker-{workers}-{n}.txt" for n in range(workers)]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MITREDEN_")}
    try:
        await add_recipients(engine, recipients)
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.bot.delivery.worker_process",
                url,
                "--null",
                str(record),
                cwd=REPO,
                env={**environment, "PYTHONPATH": str(REPO)},
                stdout=asyncio.subprocess.PIPE,
            )
            for record in records
        ]
        for process in processes:
            assert process.stdout is not None
            await process.stdout.readline()  # "ready"
        await announce(sessions, "Der Wochenmarkt zieht auf den Kirchplatz um.")
        await until(lambda: _none_left(sessions), PATIENCE, step=0.1)
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            await process.wait()
        count, seconds = await sent_span(sessions)
    finally:
        await engine.dispose()
    handed = [int(line) for record in records for line in record.read_text().split()]
    duplicates = len(handed) - len(set(handed))
    return _line(count, seconds, duplicates, recipients - len(set(handed)))


async def _none_left(sessions: async_sessionmaker[AsyncSession]) -> bool:
    return await unsettled(sessions) == 0


def _line(count: int, seconds: float, duplicates: int, lost: int) -> str:
    return (
        f"{count} sent in {seconds:.1f} s = {count / max(seconds, 1e-9):,.0f} per second;"
        f" duplicates {duplicates}, lost {lost}"
    )


async def main(recipients: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        async with sqlite_database(Path(directory)) as url:
            print(f"SQLite, 1 worker (in process):     {await in_process(url, recipients)}")
        async with postgres_database() as url:
            print(f"PostgreSQL, 1 worker (in process): {await in_process(url, recipients)}")
        for workers in (1, 2, 4):
            async with postgres_database() as url:
                line = await in_processes(url, recipients, workers, Path(directory))
            print(f"PostgreSQL, {workers} worker process(es):  {line}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().recipients))
