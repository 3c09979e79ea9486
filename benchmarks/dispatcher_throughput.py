"""Messages per second through the dispatcher, on SQLite and PostgreSQL, and the memory used.

Run: .venv/bin/python benchmarks/dispatcher_throughput.py [--citizens 50] [--messages 20]
     [--rounds 5] [--backend sqlite|postgresql|both]
     [--postgres postgresql://postgres@127.0.0.1:5432/test]

Every simulated citizen holds a realistic conversation (greeting, browsing consultations,
proposing an idea, small talk) concurrently with the others; each message goes the whole
way a Telegram or Matrix message goes: dedupe, lock, NLU, flow engine, store, outbox,
delivery worker, recording channel. A round brings new citizens to the same bot; the
figures are given per round and as their median, since a busy machine moves one round a lot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]

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


async def citizen(dispatcher: Dispatcher, name: str, messages: int, latencies: list[float]) -> int:
    for number in range(messages):
        text = SCRIPT[number % len(SCRIPT)]
        started = time.perf_counter()
        await dispatcher.handle(
            InboundMessage(
                ConversationKey("bench", name, name), text, platform_id=f"{name}-{number}"
            )
        )
        latencies.append(time.perf_counter() - started)
    return messages


async def bench(backend: str, database_url: str, options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=database_url,
            demo_data="true",
            nlu_cache_dir=Path(folder) / "nlu-cache",
        )
        channel = RecordingChannel("bench")
        app = await build_app(settings, {"bench": channel})
        await app.start(app.dispatcher.handle_and_forget)
        rss_start = rss_mb()
        rates: list[float] = []
        cpu_ms: list[float] = []
        latencies: list[float] = []
        try:
            for number in range(options.rounds):
                cpu_started = time.process_time()
                started = time.perf_counter()
                counts = await asyncio.gather(
                    *(
                        citizen(app.dispatcher, f"r{number}-c{n}", options.messages, latencies)
                        for n in range(options.citizens)
                    )
                )
                elapsed = time.perf_counter() - started
                total = sum(counts)
                rates.append(total / elapsed)
                cpu_ms.append((time.process_time() - cpu_started) / total * 1000)
        finally:
            await app.close()
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * share))] * 1000

    print(
        f"backend={backend} citizens={options.citizens} messages={options.messages} each, "
        f"{options.rounds} rounds"
    )
    print(f"  machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print("  rounds (messages/s): " + ", ".join(f"{rate:.0f}" for rate in rates))
    print(
        f"  throughput: median {statistics.median(rates):.0f} messages/s "
        f"(lowest {min(rates):.0f}, highest {max(rates):.0f})"
    )
    print(f"  CPU per message: median {statistics.median(cpu_ms):.2f} ms (bot and worker)")
    print(
        f"  dispatch latency: p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {percentile(0.95):.1f} ms, p99 {percentile(0.99):.1f} ms"
    )
    print(f"  peak RSS: {rss_mb():.0f} MB (after start-up: {rss_start:.0f} MB)")


async def with_postgres_database(options: argparse.Namespace) -> None:
    name = f"mitreden_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(options.postgres)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = options.postgres.rsplit("/", 1)[0] + f"/{name}"
        await bench("PostgreSQL", url, options)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main(options: argparse.Namespace) -> None:
    if options.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            await bench("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", options)
    if options.backend in ("postgresql", "both"):
        await with_postgres_database(options)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    asyncio.run(main(parser.parse_args()))
