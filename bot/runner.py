"""`mitreden run`: the channels, the delivery worker and the scheduler, until stopped."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from bot.app import build_app
from bot.channels.base import ChannelAdapter
from bot.channels.matrix_setup import matrix_channels
from bot.channels.telegram_reachability import watch_reachability
from bot.channels.telegram_setup import telegram_channels
from bot.config import Settings
from bot.scheduler import create_scheduler

log = logging.getLogger(__name__)

NO_CHANNEL = (
    "mitreden: no channel is configured. Set MITREDEN_TELEGRAM_TOKEN or the MITREDEN_MATRIX_* "
    "settings (see docs/operating.md), or talk to the bot in the terminal with `mitreden chat`."
)


def configured_channels(settings: Settings) -> dict[str, ChannelAdapter]:
    """The adapters whose settings are present. Each channel module registers here."""
    return {**telegram_channels(settings), **matrix_channels(settings)}


async def run(settings: Settings) -> int:
    adapters = configured_channels(settings)
    if not adapters:
        print(NO_CHANNEL, file=sys.stderr)
        return 2
    app = await build_app(settings, adapters)
    watch_reachability(adapters, app.sessions)
    scheduler = create_scheduler(app.sessions, app.recognizer)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    await app.start(app.dispatcher.handle_and_forget)
    scheduler.start()
    log.info("mitreden is running with %s", ", ".join(adapters))
    await stopped.wait()
    log.info("stopping")
    scheduler.shutdown(wait=False)
    await app.close()
    return 0
