"""Matrix round trip and throughput against a local Synapse, in end-to-end encrypted chats.

    .venv/bin/python -m benchmarks.matrix_round_trip [--citizens 50] [--messages 10]

Starts a private Synapse on 127.0.0.1, the bot as `mitreden run` wires it, and citizens
written with matrix-nio, each in its own encrypted direct chat. Prints the round trip (a
citizen sends → every reply has arrived at the citizen's app, decrypted) for one citizen at
a time, and the sustained messages per second while many citizens write at once, each
waiting for the answer before writing again, as people do.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.channels.base import SendResult
from bot.messages import Outbound
from tests.bot.channels.matrix.bot_under_test import Chat, RunningBot, bot_settings
from tests.bot.channels.matrix.citizen import Citizen
from tests.bot.channels.matrix.synapse_server import running_synapse

MESSAGES = ("Welche Umfragen gibt es?", "/hilfe", "Ich habe eine Frage", "abbrechen")


async def _turn(chat: Chat, text: str) -> float:
    started = time.perf_counter()
    await chat.say(text)
    return time.perf_counter() - started


async def _citizen(chat: Chat, count: int) -> list[float]:
    return [await _turn(chat, MESSAGES[n % len(MESSAGES)]) for n in range(count)]


def _time_sends(bot: RunningBot) -> list[float]:
    """Record how long each send through the Matrix channel takes."""
    channel = bot.channel
    send = channel.send
    seconds: list[float] = []

    async def timed(message: Outbound) -> SendResult:
        started = time.perf_counter()
        try:
            return await send(message)
        finally:
            seconds.append(time.perf_counter() - started)

    channel.send = timed  # type: ignore[method-assign]
    return seconds


def _describe(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{label}: median {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms (n={len(ordered)})"
    )


async def main(citizens: int, messages: int) -> None:
    with tempfile.TemporaryDirectory() as directory, running_synapse(Path(directory)) as synapse:
        base = Path(directory)
        bot_account = synapse.account("bot")
        bot = RunningBot(bot_settings(synapse, bot_account, base / "bot"))
        await bot.start()
        people: list[Citizen] = []
        try:
            for number in range(citizens):
                account = synapse.account("citizen")
                people.append(Citizen(synapse.url, account, base / f"citizen-{number}"))
            await asyncio.gather(*(person.login() for person in people))
            await asyncio.gather(*(p.open_direct_chat(bot_account.user_id) for p in people))
            chats = [Chat(person, bot) for person in people]
            # first contact (welcome, privacy notice) is not the steady state being measured
            await asyncio.gather(*(chat.say("Hallo") for chat in chats))

            sending = _time_sends(bot)
            bot.handling_seconds.clear()
            alone = await _citizen(chats[0], messages * 4)
            print(_describe("round trip, one citizen", alone))
            print(
                _describe("  of which in the dispatcher (NLU, flows, store)", bot.handling_seconds)
            )
            print(_describe("  sending one reply to Synapse (encrypt, HTTP)", sending))
            bot.handling_seconds.clear()
            sending.clear()

            started = time.perf_counter()
            together = await asyncio.gather(*(_citizen(chat, messages) for chat in chats))
            elapsed = time.perf_counter() - started
            turns = [seconds for person in together for seconds in person]
            print(_describe(f"round trip, {citizens} citizens at once", turns))
            print(_describe("  of which in the dispatcher", bot.handling_seconds))
            print(_describe("  sending one reply to Synapse", sending))
            print(
                f"sustained: {len(turns) / elapsed:.1f} messages/s "
                f"({len(turns)} messages from {citizens} citizens in {elapsed:.1f} s)"
            )
        finally:
            await bot.stop()
            for person in people:
                await person.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10, help="messages per citizen")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.citizens, arguments.messages))
