"""Telegram round trip and throughput against the local Bot API double.

    .venv/bin/python -m benchmarks.telegram_round_trip [--citizens 50] [--messages 10]

Prints the round-trip latency (a citizen sends → every reply has arrived at the Bot API)
for one citizen at a time, and the sustained messages per second while many citizens
write at once, each waiting for the answer before writing again, as people do. The time
spent inside the dispatcher is printed too: the rest is the channel (python-telegram-bot,
HTTP to the Bot API, the outbox and delivery worker).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.channels.telegram.bot_api_updates import Citizen
from tests.bot.channels.telegram.bot_under_test import RunningBot, bot_settings

MESSAGES = ("Welche Umfragen gibt es?", "/hilfe", "Ich habe eine Frage", "abbrechen")


async def _turn(double: BotApiDouble, bot: RunningBot, citizen: Citizen, text: str) -> float:
    started = time.perf_counter()
    double.say(citizen, text)
    await bot.turn_for(citizen.id)
    elapsed = time.perf_counter() - started
    double.take(citizen.id)
    return elapsed


async def _citizen(
    double: BotApiDouble, bot: RunningBot, citizen: Citizen, count: int
) -> list[float]:
    return [await _turn(double, bot, citizen, MESSAGES[n % len(MESSAGES)]) for n in range(count)]


def _describe(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{label}: median {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms (n={len(ordered)})"
    )


async def main(citizens: int, messages: int) -> None:
    double = BotApiDouble()
    await double.start()
    with tempfile.TemporaryDirectory() as directory:
        bot = RunningBot(bot_settings(double, Path(directory)))
        await bot.start()
        try:
            people = [Citizen(10_000 + n, f"Bürger {n}") for n in range(citizens)]
            # first contact (welcome, privacy notice) is not the steady state being measured
            await asyncio.gather(*(_turn(double, bot, person, "Hallo") for person in people))

            bot.handling_seconds.clear()
            alone = await _citizen(double, bot, people[0], messages * 4)
            print(_describe("round trip, one citizen", alone))
            print(
                _describe("  of which in the dispatcher (NLU, flows, store)", bot.handling_seconds)
            )
            bot.handling_seconds.clear()

            started = time.perf_counter()
            together = await asyncio.gather(
                *(_citizen(double, bot, person, messages) for person in people)
            )
            elapsed = time.perf_counter() - started
            turns = [seconds for person in together for seconds in person]
            print(_describe(f"round trip, {citizens} citizens at once", turns))
            print(_describe("  of which in the dispatcher", bot.handling_seconds))
            print(
                f"sustained: {len(turns) / elapsed:.1f} messages/s "
                f"({len(turns)} messages from {citizens} citizens in {elapsed:.1f} s)"
            )
        finally:
            await bot.stop()
            await double.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10, help="messages per citizen")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.citizens, arguments.messages))
