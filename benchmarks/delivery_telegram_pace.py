"""A broadcast under Telegram's limit: how close the bot comes to it, and nothing twice.

    .venv/bin/python -m benchmarks.delivery_telegram_pace [--recipients 10000] [--rate 30]

One worker process sends an announcement through the real Telegram adapter to the local
Bot API double, with `telegram_rate` set. Prints the achieved rate as a share of the
limit (first to last send), and counts duplicates and chats that got nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from storage.database import create_engine, session_factory
from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.delivery.crash_run import (
    add_recipients,
    announce,
    start_worker,
    stop,
    tally,
    unsettled,
    until,
)
from tests.bot.delivery.databases import sent_span, sqlite_database


async def main(recipients: int, rate: float) -> None:
    double = BotApiDouble()
    await double.start()
    with tempfile.TemporaryDirectory() as directory:
        async with sqlite_database(Path(directory)) as url:
            engine = create_engine(url)
            sessions = session_factory(engine)
            try:
                await add_recipients(sessions, double, recipients)
                worker = await start_worker(url, double, rate=rate)
                try:
                    await announce(sessions, "Neue Öffnungszeiten im Bürgerbüro ab Januar.")
                    patience = recipients / rate * 3 + 60

                    async def done() -> bool:
                        return await unsettled(sessions) == 0

                    finished = await until(done, patience, step=0.2)
                finally:
                    await stop(worker)
                count, seconds = await sent_span(sessions)
            finally:
                await engine.dispose()
                await double.stop()
    result = tally(double, recipients)
    achieved = (count - 1) / seconds if seconds else 0.0
    print(f"limit {rate:g}/s, {recipients} recipients, finished: {finished}")
    print(
        f"sent {count} in {seconds:.1f} s = {achieved:.2f} per second"
        f" = {achieved / rate:.1%} of the limit"
    )
    print(f"duplicates {result.duplicates}, chats without the message {result.lost}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.recipients, arguments.rate))
