"""Messages per second through the dispatcher on SQLite, and the memory of the process.

Run: .venv/bin/python benchmarks/dispatcher_throughput.py [--citizens 50] [--rounds 20]

Every simulated citizen holds a realistic conversation (greeting, browsing consultations,
proposing an idea, small talk) concurrently with the others; each message goes the whole
way: dedupe, lock, NLU, flow engine, store, outbox, delivery worker, recording channel.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.messages import ConversationKey, InboundMessage

SCRIPT = [
    "Hallo",
    "welche umfragen gibt es gerade?",
    "abbrechen",
    "Ich habe eine Idee",
    "Mehr Fahrradständer am Bahnhof",
    "Am Bahnhof fehlen seit Jahren sichere Abstellplätze für Fahrräder.",
    "abbrechen",
    "zeig mir die ideen",
    "danke",
    "tschüss",
]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def citizen(dispatcher: Dispatcher, name: str, rounds: int, latencies: list[float]) -> int:
    sent = 0
    for round_number in range(rounds):
        text = SCRIPT[round_number % len(SCRIPT)]
        started = time.perf_counter()
        await dispatcher.handle(
            InboundMessage(
                ConversationKey("bench", name, name), text, platform_id=f"{name}-{round_number}"
            )
        )
        latencies.append(time.perf_counter() - started)
        sent += 1
    return sent


async def main(citizens: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'bench.db'}", demo_data="true")
        channel = RecordingChannel("bench")
        app = await build_app(settings, {"bench": channel})
        await app.start(app.dispatcher.handle_and_forget)
        rss_before = rss_mb()
        latencies: list[float] = []
        cpu_started = time.process_time()
        started = time.perf_counter()
        counts = await asyncio.gather(
            *(citizen(app.dispatcher, f"citizen-{n}", rounds, latencies) for n in range(citizens))
        )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        await app.close()
        total = sum(counts)
        latencies.sort()
        print(f"citizens={citizens} messages={total} backend=SQLite")
        print(f"throughput: {total / elapsed:.0f} messages/s")
        print(f"CPU per message: {cpu / total * 1000:.2f} ms")

        def percentile(share: float) -> float:
            return latencies[min(len(latencies) - 1, int(len(latencies) * share))] * 1000

        print(
            f"dispatch latency: p50 {statistics.median(latencies) * 1000:.1f} ms, "
            f"p95 {percentile(0.95):.1f} ms, p99 {percentile(0.99):.1f} ms"
        )
        print(f"peak RSS: {rss_mb():.0f} MB (after start-up: {rss_before:.0f} MB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    asyncio.run(main(options.citizens, options.rounds))
