"""A delivery worker in a process of its own, for crash tests and benchmarks.

    python -m tests.bot.delivery.worker_process DATABASE_URL --telegram API_URL TOKEN [--rate 30]
    python -m tests.bot.delivery.worker_process DATABASE_URL --null RECORD_FILE

With --telegram it sends through the real Telegram adapter to a Bot API server (the test
double); with --null every send succeeds at once and the outbox ids are written to
RECORD_FILE when the process is stopped with SIGTERM. Prints "ready" when it works.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from pathlib import Path

from bot.channels.base import Capabilities, ChannelAdapter, InboundSink, SendResult
from bot.channels.telegram.channel import TelegramChannel
from bot.delivery.rate_limits import Pace, RateLimits
from bot.delivery.worker import DeliveryWorker
from bot.messages import InboundMessage, Outbound
from storage.database import create_engine, session_factory


class NullChannel:
    """Every send succeeds at once; remembers the outbox ids it was handed."""

    name = "telegram"
    capabilities = Capabilities(buttons=True, max_length=4096, files=False)

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def start(self, sink: InboundSink) -> None:
        """Nothing comes in."""

    async def stop(self) -> None:
        """Nothing to release."""

    async def send(self, message: Outbound) -> SendResult:
        self.sent.append(message.outbox_id)
        return SendResult.sent()


async def _ignore(message: InboundMessage) -> None:
    """Citizens do not write during these runs."""


async def main(arguments: argparse.Namespace) -> list[int]:
    """Deliver until SIGTERM; returns the outbox ids the null channel was handed."""
    engine = create_engine(arguments.database_url)
    sessions = session_factory(engine)
    adapter: ChannelAdapter
    null = NullChannel()
    if arguments.telegram:
        api_url, token = arguments.telegram
        adapter = TelegramChannel(token, api_url=api_url)
    else:
        adapter = null
    await adapter.start(_ignore)
    rate = arguments.rate if arguments.rate > 0 else None
    worker = DeliveryWorker(
        sessions,
        {"telegram": adapter},
        batch=arguments.parallel,
        parallel=arguments.parallel,
        limits=RateLimits({"telegram": Pace(rate=rate, burst=3)}),
        idle_poll=0.2,
    )
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, worker.stop)
    print("ready", flush=True)
    await worker.run()
    await adapter.stop()
    await engine.dispose()
    return null.sent


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--telegram", nargs=2, metavar=("API_URL", "TOKEN"))
    target.add_argument("--null", metavar="RECORD_FILE")
    parser.add_argument("--rate", type=float, default=0.0, help="Telegram pace; 0: none")
    parser.add_argument("--parallel", type=int, default=32)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse(sys.argv[1:])
    with contextlib.suppress(KeyboardInterrupt):
        sent = asyncio.run(main(arguments))
        if arguments.null:
            Path(arguments.null).write_text("".join(f"{outbox_id}\n" for outbox_id in sent))
