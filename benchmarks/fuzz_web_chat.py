"""Hostile requests against the web chat of a running `mitreden run`: none may break it.

Run: .venv/bin/python benchmarks/fuzz_web_chat.py [--requests 5000] [--parallel 16]
     [--seed 1] [--max-seconds 900]

Starts `mitreden run` on a temporary SQLite database (as web_chat_throughput.py does), and
sends the chat's routes, over plain sockets to 127.0.0.1 only: garbage bytes, 10 000
character texts, markup, deeply nested JSON, wrong types, invalid UTF-8, lone UTF-16
halves and NUL (also inside an idea that is then submitted), forged button presses, huge
headers, half-sent bodies given up after a short client timeout, wrong tokens, and many
event streams at once. Prints the answers per kind, the number of 5xx answers, of hangs (a
whole request without an answer in 15 seconds) and the server's memory growth, then holds
a normal conversation. Exits with 1 when any of these is off target (0 x 5xx, 0 hangs,
less than 20 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).parent))
from web_chat_throughput import (
    free_port,
    memory_mb,
    start_server,
    wait_until_up,
)

HOST = "127.0.0.1"
PATIENCE = 15.0  # seconds a whole request may wait for its answer before it counts as a hang
SESSIONS = 40
HOSTILE_TEXTS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "'; DROP TABLE citizens; --",
    "%s%s%n%x",
    "\u202egnp.exe",
    "🏳️‍🌈" * 300,
    "\u0000\u0001\u001b[31m",
    "a\u0300" * 500,
    "javascript:alert(1)",
    "/choose",
    '/choose{"value": 5}',
    '/choose{"value": "/loeschen"}',
    '/choose{"value": "' + "x" * 900 + '"}',
    "/choose{not json}",
    "\ud800",
    "Brunnen \udfff\ud800 am Markt",
    "",
    "   ",
]
IDEA = ["ich habe eine idee", "ja", "Bänke \ud800 am See\x00", "Mehr Bänke \udc00 bitte.", "2"]


@dataclass(frozen=True)
class Probe:
    kind: str
    raw: bytes
    half: bool = False  # the client gives up before sending all of it
    stream: bool = False  # an event stream: only its status line is read


def request(method: str, path: str, body: bytes = b"", *headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: close"]
    lines += [header for header in headers if header]
    if method == "POST":
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chat_body(sender: str, message: str, token: object) -> bytes:
    return json.dumps({"sender": sender, "message": message, "metadata": {"token": token}}).encode()


class Fuzzer:
    def __init__(self, sessions: list[tuple[str, str]], seed: int) -> None:
        self.sessions = sessions
        self.random = random.Random(seed)
        self.ideas: dict[str, int] = {}  # how far each session is in its idea
        self.kinds: list[Callable[[], Probe]] = [
            self.garbage,
            self.long_text,
            self.hostile_text,
            self.deep_json,
            self.wrong_types,
            self.invalid_utf8,
            self.idea_step,
            self.huge_headers,
            self.half_sent,
            self.wrong_token,
            self.odd_streams,
        ]

    def next(self) -> Probe:
        return self.random.choice(self.kinds)()

    def session(self) -> tuple[str, str]:
        return self.random.choice(self.sessions)

    def garbage(self) -> Probe:
        body = self.random.randbytes(self.random.randint(1, 4000))
        return Probe("garbage", request("POST", "/webhooks/rest/webhook", body))

    def long_text(self) -> Probe:
        sender, token = self.session()
        body = chat_body(sender, "Lorem ipsum " * 834, token)
        return Probe("10 000 characters", request("POST", "/webhooks/rest/webhook", body))

    def hostile_text(self) -> Probe:
        sender, token = self.session()
        body = chat_body(sender, self.random.choice(HOSTILE_TEXTS), token)
        return Probe(
            "markup, presses, UTF-16 halves", request("POST", "/webhooks/rest/webhook", body)
        )

    def deep_json(self) -> Probe:
        depth = self.random.choice([33, 100, 1000, 30_000])
        sender, token = self.session()
        nested = "[" * depth + "]" * depth
        body = self.random.choice(
            [
                b"[" * depth,
                b'{"a":' * depth + b"1" + b"}" * depth,
                f'{{"sender": "{sender}", "message": "Hi", "metadata": {nested}}}'.encode(),
                chat_body(sender, "Hi", token).replace(b'"Hi"', nested.encode()),
            ]
        )
        return Probe("deep JSON", request("POST", "/webhooks/rest/webhook", body[:65_000]))

    def wrong_types(self) -> Probe:
        sender, token = self.session()
        value = self.random.choice([None, 17, 1.5, True, [], {}, ["Hallo"], {"text": "Hallo"}])
        field = self.random.choice(["sender", "message", "metadata", "token"])
        data: dict[str, object] = {
            "sender": sender,
            "message": "Hallo",
            "metadata": {"token": token},
        }
        if field == "token":
            data["metadata"] = {"token": value, "language": value}
        else:
            data[field] = value
        body = json.dumps(data).encode()
        path = self.random.choice(["/webhooks/rest/webhook", "/webhooks/rest/events/ticket"])
        return Probe("wrong types", request("POST", path, body))

    def invalid_utf8(self) -> Probe:
        sender, token = self.session()
        body = (
            f'{{"sender": "{sender}", "metadata": {{"token": "{token}"}}, "message": "'.encode()
            + self.random.choice([b"\xff\xfe", b"\xc3(", b"\xed\xa0\x80", b"\xf0\x28\x8c\x28"])
            + b'"}'
        )
        return Probe("invalid UTF-8", request("POST", "/webhooks/rest/webhook", body))

    def idea_step(self) -> Probe:
        """The next message of a whole idea with broken characters: the store is involved."""
        sender, token = self.session()
        step = self.ideas.get(sender, 0)
        self.ideas[sender] = (step + 1) % (len(IDEA) + 3)
        message = (
            IDEA[step]
            if step < len(IDEA)
            else ["Marktplatz\ud800", "einreichen", "menü"][step - len(IDEA)]
        )
        body = chat_body(sender, message, token)
        return Probe("idea with broken characters", request("POST", "/webhooks/rest/webhook", body))

    def huge_headers(self) -> Probe:
        size = self.random.choice([70_000, 200_000, 1_000_000])
        raw = request("GET", "/webhooks/rest/", b"", "X-Big: " + "a" * size)
        return Probe("huge headers", raw)

    def half_sent(self) -> Probe:
        sender, token = self.session()
        whole = request("POST", "/webhooks/rest/webhook", chat_body(sender, "Hallo", token))
        return Probe("half-sent", whole[: self.random.randint(10, len(whole) - 1)], half=True)

    def wrong_token(self) -> Probe:
        sender, _ = self.session()
        header = self.random.choice(["Authorization: Bearer äöü", "Authorization: Bearer x", ""])
        token = self.random.choice([None, "", "x" * 43, self.session()[1]])
        raw = request("POST", "/webhooks/rest/webhook", chat_body(sender, "/daten", token), header)
        return Probe("wrong or foreign token", raw)

    def odd_streams(self) -> Probe:
        sender, token = self.session()
        query = self.random.choice(
            [
                f"sender={sender}&token={token}",
                f"sender={sender}&ticket=9999999999.x",
                f"sender={sender}&ticket=%FF%FE&after=%C2%B2",
                "sender=&ticket=",
                f"sender={'a' * 5000}",
            ]
        )
        raw = request("GET", f"/webhooks/rest/events?{query}", b"", "Last-Event-ID: ²")
        return Probe("odd event streams", raw, stream=True)


async def exchange(port: int, probe: Probe) -> str:
    """The answer's status, or "hang", "closed", "abandoned" (a half-sent request)."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), PATIENCE)
    except (OSError, TimeoutError):
        return "no connection"
    try:
        writer.write(probe.raw)
        await writer.drain()
        if probe.half:
            await asyncio.sleep(0.2)  # the client's own short timeout
            return "abandoned"
        line = await asyncio.wait_for(reader.readline(), PATIENCE)
        if not line:
            return "closed"
        status = line.split()[1].decode()
        if not probe.stream:
            await asyncio.wait_for(reader.read(), PATIENCE)
        return status
    except TimeoutError:
        return "hang"
    except (ConnectionError, IndexError):
        return "closed"
    finally:
        writer.close()


async def stream_burst(
    client: aiohttp.ClientSession, url: str, port: int, sessions: list[tuple[str, str]]
) -> Counter[str]:
    """Many pages listening at once: five tabs for each session, all opened together."""
    tickets = []
    for sender, token in sessions:
        async with client.post(
            f"{url}/webhooks/rest/events/ticket", json={"sender": sender, "token": token}
        ) as response:
            tickets.append((sender, (await response.json())["ticket"]))
    connections = [await asyncio.open_connection(HOST, port) for _ in range(5 * len(tickets))]
    for (_, writer), (sender, ticket) in zip(connections, tickets * 5, strict=True):
        writer.write(request("GET", f"/webhooks/rest/events?sender={sender}&ticket={ticket}"))
    found: Counter[str] = Counter()
    for reader, writer in connections:
        try:
            line = await asyncio.wait_for(reader.readline(), PATIENCE)
            found[line.split()[1].decode() if line else "closed"] += 1
        except TimeoutError:
            found["hang"] += 1
        writer.close()
    return found


async def conversation_works(client: aiohttp.ClientSession, url: str) -> bool:
    async with client.post(f"{url}/webhooks/rest/session") as response:
        session = await response.json()
    said = ""
    for message in ("Hallo", "ich habe eine idee", "ja", "Trinkbrunnen am Markt"):
        body = {"sender": session["sender"], "message": message, "metadata": session}
        async with client.post(f"{url}/webhooks/rest/webhook", json=body) as response:
            if response.status != 200:
                return False
            said = " ".join(reply["text"] for reply in await response.json())
    return "Beschreiben Sie Ihre Idee" in said


async def fuzz(options: argparse.Namespace) -> bool:
    # the load comes from one address: lift the limits that would otherwise answer most of it
    os.environ["MITREDEN_WEB_CHAT_SESSIONS_PER_ADDRESS"] = "1000000"
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        url = f"http://{HOST}:{port}"
        process = start_server(f"sqlite:///{Path(folder) / 'fuzz.db'}", Path(folder), port)
        try:
            async with aiohttp.ClientSession() as client:
                await wait_until_up(client, url, process)
                sessions = []
                for _ in range(SESSIONS):
                    async with client.post(f"{url}/webhooks/rest/session") as response:
                        body = await response.json()
                        sessions.append((body["sender"], body["token"]))
                fuzzer = Fuzzer(sessions, options.seed)
                await run(port, fuzzer, 300, options.parallel, Counter())  # warm-up, not counted
                start_rss, _ = memory_mb(process.pid)
                tally: Counter[tuple[str, str]] = Counter()
                started = time.monotonic()
                await asyncio.wait_for(
                    run(port, fuzzer, options.requests, options.parallel, tally),
                    options.max_seconds,
                )
                burst = await stream_burst(client, url, port, sessions)
                seconds = time.monotonic() - started
                end_rss, peak = memory_mb(process.pid)
                works = await conversation_works(client, url)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    return report(tally, burst, seconds, end_rss - start_rss, peak, works)


async def run(
    port: int, fuzzer: Fuzzer, count: int, parallel: int, tally: Counter[tuple[str, str]]
) -> None:
    probes = [fuzzer.next() for _ in range(count)]
    limit = asyncio.Semaphore(parallel)

    async def one(probe: Probe) -> None:
        async with limit:
            tally[(probe.kind, await exchange(port, probe))] += 1

    await asyncio.gather(*(one(probe) for probe in probes))


def report(
    tally: Counter[tuple[str, str]],
    burst: Counter[str],
    seconds: float,
    growth: float,
    peak: float,
    works: bool,
) -> bool:
    print(
        f"{sum(tally.values())} hostile requests in {seconds:.0f} s, load {os.getloadavg()[0]:.1f}"
    )
    for kind in sorted({kind for kind, _ in tally}):
        answers = ", ".join(
            f"{status} x{count}" for (each, status), count in sorted(tally.items()) if each == kind
        )
        print(f"  {kind}: {answers}")
    print(
        "  200 event streams opened at once (40 sessions x 5): "
        + ", ".join(f"{status} x{count}" for status, count in sorted(burst.items()))
    )
    errors = sum(count for (_, status), count in tally.items() if status.startswith("5"))
    hangs = tally_of(tally, "hang") + burst["hang"]
    print(f"5xx answers: {errors}")
    print(f"hangs: {hangs}")
    print(f"server memory (RSS) growth: {growth:.1f} MB (peak {peak:.0f} MB)")
    print(f"a normal conversation afterwards: {'works' if works else 'FAILS'}")
    return errors == 0 and hangs == 0 and growth < 20 and works


def tally_of(tally: Counter[tuple[str, str]], status: str) -> int:
    return sum(count for (_, each), count in tally.items() if each == status)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--parallel", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=900)
    sys.exit(0 if asyncio.run(fuzz(parser.parse_args())) else 1)
