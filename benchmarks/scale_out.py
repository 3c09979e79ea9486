"""Throughput of 1, 2 and 3 `mitreden run` processes behind nginx on one PostgreSQL database.

Run: .venv/bin/python benchmarks/scale_out.py [--seconds 20] [--senders 30] [--processes 1,2,3]
     [--postgres postgresql://postgres@127.0.0.1:5432/test]

For each number of processes: a new database, the processes (started side by side), nginx in
front (tests/replicas/cluster.py), then the closed-loop load of web_chat_throughput.py (each
sender waits for its answer before the next message, walking the same conversation script)
for the given seconds. Prints messages per second, p50/p99 latency, the processes' CPU time
per message and the failed requests; with two or more processes the same again with one
process killed (SIGKILL) halfway. After each run without a kill it reads every process's
/metrics and compares the counted messages with what was sent.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_chat_throughput import SCRIPT, cpu_seconds

from tests.replicas.cluster import (
    FRONT_END,
    Nginx,
    Replica,
    nginx_binary,
    start_replica,
    wait_until_up,
)

METRICS_TOKEN = "scale-out-benchmark"


@dataclass
class Run:
    processes: int
    killed: bool
    messages: int
    errors: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float
    counted: int | None  # messages the processes' /metrics counted (None: one was killed)


async def sender(
    session: aiohttp.ClientSession, url: str, name: str, until: float, latencies: list[float]
) -> tuple[int, int]:
    """Messages and failed requests of one sender, until `until` (perf_counter)."""
    sent = errors = 0
    while time.perf_counter() < until:
        body = {"sender": name, "message": SCRIPT[sent % len(SCRIPT)]}
        started = time.perf_counter()
        try:
            async with session.post(f"{url}/webhooks/rest/webhook", json=body) as response:
                answer = await response.json(content_type=None)
                ok = response.status == 200 and bool(answer)
        except (aiohttp.ClientError, ValueError):
            ok = False
        latencies.append(time.perf_counter() - started)
        sent += 1
        errors += 0 if ok else 1
    return sent, errors


async def say_hello(session: aiohttp.ClientSession, url: str, name: str) -> None:
    body = {"sender": name, "message": "Hallo"}
    async with session.post(f"{url}/webhooks/rest/webhook", json=body) as response:
        await response.read()


def process_cpu(replicas: list[Replica]) -> float:
    total = 0.0
    for replica in replicas:
        # a killed process is gone: its CPU time until then is counted in `killed_cpu`
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            total += cpu_seconds(replica.process.pid)
    return total


async def counted_messages(session: aiohttp.ClientSession, replicas: list[Replica]) -> int:
    """Web messages all processes counted, from their /metrics."""
    total = 0
    for replica in replicas:
        headers = {"Authorization": f"Bearer {METRICS_TOKEN}"}
        async with session.get(f"{replica.url}/metrics", headers=headers) as response:
            text = await response.text()
        for line in text.splitlines():
            if line.startswith('mitreden_messages_received_total{channel="web"}'):
                total += int(float(line.split()[-1]))
    return total


async def load(url: str, replicas: list[Replica], senders: int, seconds: float, kill: bool) -> Run:
    run = uuid.uuid4().hex[:6]
    names = [f"scale-{run}-{number}" for number in range(senders)]
    connector = aiohttp.TCPConnector(limit=senders)
    headers = {"Authorization": f"Bearer {FRONT_END}"}
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        # the first contact creates the citizen: not measured
        await asyncio.gather(*(say_hello(session, url, name) for name in names))
        latencies: list[float] = []
        cpu_before = process_cpu(replicas)
        killed_cpu = 0.0
        started = time.perf_counter()
        until = started + seconds
        tasks = [
            asyncio.create_task(sender(session, url, name, until, latencies)) for name in names
        ]
        if kill:
            await asyncio.sleep(seconds / 2)
            victim = replicas[0]
            killed_cpu = cpu_seconds(victim.process.pid)
            victim.kill()
        results = await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
        cpu = process_cpu(replicas) + killed_cpu - cpu_before
        messages = sum(sent for sent, _ in results)
        counted = None if kill else await counted_messages(session, replicas)
    return Run(
        len(replicas),
        kill,
        messages,
        sum(errors for _, errors in results),
        elapsed,
        latencies,
        cpu,
        counted,
    )


async def one_setup(
    admin_url: str, nlu_cache: Path, count: int, senders: int, seconds: float, kill: bool
) -> Run:
    name = f"mitreden_scale_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    database_url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    binary = nginx_binary()
    if binary is None:
        raise SystemExit("nginx is not installed (scripts/install-test-services installs it)")
    try:
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "nginx").mkdir()
            proxy = Nginx(binary, Path(folder) / "nginx")
            replicas = [
                start_replica(
                    database_url,
                    Path(folder),
                    nlu_cache,
                    metrics_enabled="true",
                    metrics_token=METRICS_TOKEN,
                )
                for _ in range(count)
            ]
            try:
                with ThreadPoolExecutor(count) as pool:
                    list(pool.map(wait_until_up, replicas))
                proxy.route_to([replica.port for replica in replicas])
                return await load(proxy.url, replicas, senders, seconds, kill)
            finally:
                for replica in replicas:
                    replica.stop()
                proxy.stop()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def report(run: Run, first_contacts: int) -> None:
    latencies = sorted(run.latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    label = f"{run.processes} process{'es' if run.processes > 1 else ''}"
    if run.killed:
        label += ", one killed halfway"
    print(
        f"{label}: {run.messages / run.seconds:.0f} msgs/s, "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99:.0f} ms, "
        f"CPU {run.cpu_seconds / run.messages * 1000:.1f} ms/msg, errors {run.errors}"
    )
    if run.counted is not None:
        expected = run.messages + first_contacts
        verdict = "match" if run.counted == expected else "DO NOT match"
        print(f"  /metrics: {run.counted} web messages counted, {expected} sent: {verdict}")


async def main(options: argparse.Namespace) -> None:
    from nlu.factory import create_recognizer

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as cache:
        create_recognizer(cache_dir=Path(cache))  # trained once, loaded by every process
        for count in (int(number) for number in options.processes.split(",")):
            for kill in (False, True) if count > 1 else (False,):
                run = await one_setup(
                    options.postgres, Path(cache), count, options.senders, options.seconds, kill
                )
                report(run, options.senders)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--senders", type=int, default=30)
    parser.add_argument("--processes", default="1,2,3")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    asyncio.run(main(parser.parse_args()))
