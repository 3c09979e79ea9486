"""End-to-end throughput of `mitreden run` through the web chat's REST channel.

Run: .venv/bin/python benchmarks/web_chat_throughput.py [--senders 50] [--messages 20]
     [--rounds 5] [--backend sqlite|postgresql|both]
     [--postgres postgresql://postgres@127.0.0.1:5432/test]

Starts `mitreden run` as a real process (demo town, embedded NLU), lets every sender hold a
realistic conversation over HTTP at the same time (greetings, browsing, a whole idea flow,
small talk), each sender waiting for its answer before the next message, and prints
messages per second, latency percentiles, the server's CPU time per message and its memory.
A round is one such load (50 senders x 20 messages by default); every round brings new
senders to the same server, and the figures are given per round and as their median, since
one round lasts about a second and a busy machine moves it a lot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg  # type: ignore[import-untyped]

SCRIPT = [
    "Hallo",
    "welche umfragen gibt es gerade?",
    "abbrechen",
    "/idee",
    "yes",
    "Trinkbrunnen am Markt",
    "Im Sommer wäre ein Trinkbrunnen am Marktplatz super, für alle die dort einkaufen.",
    "Umwelt & Klima",
    "Marktplatz",
    "einreichen",
    "zeig mir die ideen",
    "danke",
    "Hi",
    "was kann ich hier machen?",
    "welche themen gibt es?",
    "abbrechen",
    "meine beiträge",
    "danke schön",
    "Hallo",
    "tschüss",
]


@dataclass
class Round:
    messages: int
    errors: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float

    @property
    def rate(self) -> float:
        return self.messages / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds / self.messages * 1000


FRONT_END = "benchmark-front-end"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def memory_mb(pid: int) -> tuple[float, float]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


async def wait_until_up(
    session: aiohttp.ClientSession, url: str, process: subprocess.Popen[bytes]
) -> None:
    for _ in range(1200):
        if process.poll() is not None:
            raise RuntimeError("mitreden run stopped during start-up")
        try:
            async with session.get(f"{url}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("mitreden run did not come up")


async def sender(
    session: aiohttp.ClientSession, url: str, name: str, count: int, latencies: list[float]
) -> int:
    errors = 0
    for number in range(count):
        body = {"sender": name, "message": SCRIPT[number % len(SCRIPT)]}
        started = time.perf_counter()
        async with session.post(f"{url}/webhooks/rest/webhook", json=body) as response:
            answer = await response.json()
        latencies.append(time.perf_counter() - started)
        if response.status != 200 or not answer:
            errors += 1
    return errors


async def measure_round(
    session: aiohttp.ClientSession, url: str, pid: int, senders: int, count: int
) -> Round:
    # one warm-up message per sender, not measured: the first contact creates the citizen
    warm: list[float] = []
    run = uuid.uuid4().hex[:6]
    names = [f"bench-{run}-{n}" for n in range(senders)]
    await asyncio.gather(*(sender(session, url, name, 1, warm) for name in names))
    latencies: list[float] = []
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    errors = await asyncio.gather(*(sender(session, url, name, count, latencies) for name in names))
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu_before
    return Round(senders * count, sum(errors), elapsed, latencies, cpu)


async def measure(url: str, pid: int, senders: int, count: int, rounds: int) -> list[Round]:
    connector = aiohttp.TCPConnector(limit=senders)
    front_end = {"Authorization": f"Bearer {FRONT_END}"}
    async with aiohttp.ClientSession(connector=connector, headers=front_end) as session:
        return [await measure_round(session, url, pid, senders, count) for _ in range(rounds)]


def start_server(database_url: str, folder: Path, port: int) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "MITREDEN_DATABASE_URL": database_url,
        "MITREDEN_DEMO_DATA": "true",
        "MITREDEN_WEB_PORT": str(port),
        "MITREDEN_NLU_CACHE_DIR": str(folder / "nlu-cache"),
        "MITREDEN_LOG_LEVEL": "WARNING",
        # the load comes from one address and hammers each session: lift the abuse limits
        "MITREDEN_WEB_CHAT_RATE_PER_SESSION": "1000000",
        "MITREDEN_WEB_CHAT_RATE_PER_ADDRESS": "1000000",
        # the benchmark speaks for its senders as a trusted front end would (docs/web-chat.md)
        "MITREDEN_WEB_CHAT_FRONTEND_SECRET": FRONT_END,
        "MITREDEN_CONFIG": str(folder / "none.toml"),
    }
    mitreden = Path(sys.executable).with_name("mitreden")
    return subprocess.Popen([str(mitreden), "run"], cwd=folder, env=environment)


async def bench(backend: str, database_url: str, senders: int, count: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = start_server(database_url, Path(folder), port)
        try:
            async with aiohttp.ClientSession() as session:
                await wait_until_up(session, url, process)
            _, start_rss = memory_mb(process.pid)
            results = await measure(url, process.pid, senders, count, rounds)
            rss, peak = memory_mb(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    report(backend, senders, count, results)
    print(f"  server RSS: {rss:.0f} MB now, {peak:.0f} MB peak ({start_rss:.0f} MB after start-up)")


def report(backend: str, senders: int, count: int, results: list[Round]) -> None:
    latencies = sorted(latency for result in results for latency in result.latencies)

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * share))] * 1000

    errors = sum(result.errors for result in results)
    rates = [result.rate for result in results]
    print(
        f"backend={backend} senders={senders} messages={count} each, "
        f"{len(results)} rounds, errors={errors}"
    )
    print(f"  machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print("  rounds (messages/s): " + ", ".join(f"{rate:.0f}" for rate in rates))
    print(
        f"  throughput: median {statistics.median(rates):.0f} messages/s "
        f"(lowest {min(rates):.0f}, highest {max(rates):.0f})"
    )
    print(
        f"  latency: p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {percentile(0.95):.1f} ms, p99 {percentile(0.99):.1f} ms"
    )
    cpu = statistics.median(result.cpu_ms for result in results)
    print(f"  server CPU per message: median {cpu:.2f} ms")


async def with_postgres_database(admin_url: str, senders: int, count: int, rounds: int) -> None:
    name = f"mitreden_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        database_url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        await bench("PostgreSQL", database_url, senders, count, rounds)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main(options: argparse.Namespace) -> None:
    if options.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
            await bench("SQLite", database_url, options.senders, options.messages, options.rounds)
    if options.backend in ("postgresql", "both"):
        await with_postgres_database(
            options.postgres, options.senders, options.messages, options.rounds
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    asyncio.run(main(parser.parse_args()))
