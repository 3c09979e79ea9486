"""kill -9 delivery workers during a broadcast, restart them, count duplicates and losses.

    .venv/bin/python -m benchmarks.delivery_crash [--recipients 5000] [--rate 200]

Workers are processes sending through the real Telegram adapter to the local Bot API
double. On SQLite one worker is killed halfway and started again. On PostgreSQL two
workers share the broadcast; each is killed once (at a third and at two thirds) and
started again while the other goes on. A duplicate is a chat that got the message twice,
which can only be a message that was on its way when its worker died.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from storage.database import create_engine, session_factory
from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.delivery.crash_run import (
    Tally,
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
from tests.bot.delivery.databases import postgres_database, sqlite_database

PATIENCE = 1800.0


async def crash_run(
    database: Callable[[], AbstractAsyncContextManager[str]],
    recipients: int,
    rate: float,
    workers: int,
) -> tuple[Tally, int]:
    """Returns the tally and how many kills happened mid-broadcast."""
    double = BotApiDouble()
    await double.start()
    kills = 0
    try:
        async with database() as url:
            engine = create_engine(url)
            sessions = session_factory(engine)
            try:
                await add_recipients(sessions, double, recipients)
                running = [await start_worker(url, double, rate) for _ in range(workers)]
                await announce(sessions, "Stromausfall im Ortsteil Süd, die Stadtwerke sind dran.")
                for number in range(workers):
                    mark = recipients * (number + 1) // (workers + 1)

                    def reached(mark: int = mark) -> bool:
                        return sends(double) >= mark

                    await until(reached, PATIENCE)
                    if sends(double) < recipients:
                        kills += 1
                    kill(running[number])
                    await running[number].wait()
                    running[number] = await start_worker(url, double, rate)

                async def done() -> bool:
                    return await unsettled(sessions) == 0

                await until(done, PATIENCE, step=0.1)
                for process in running:
                    await stop(process)
            finally:
                await engine.dispose()
    finally:
        await double.stop()
    return tally(double, recipients), kills


async def main(recipients: int, rate: float) -> None:
    # a killed worker's open request ends in "connection lost" at the double: expected here
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as directory:

        def sqlite() -> AbstractAsyncContextManager[str]:
            return sqlite_database(Path(directory))

        for label, database, workers in [
            ("SQLite, 1 worker", sqlite, 1),
            ("PostgreSQL, 2 workers", postgres_database, 2),
        ]:
            result, kills = await crash_run(database, recipients, rate, workers)
            print(
                f"{label}: {kills} kill(s) mid-broadcast; {result.chats} chats, "
                f"{result.received} messages received, duplicates {result.duplicates}, "
                f"lost {result.lost}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=200.0, help="telegram_rate of the workers")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.recipients, arguments.rate))
