"""`mitreden run`: the channels, the delivery worker and the scheduler, until stopped."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys

from bot.app import build_app, web_server
from bot.channels.base import ChannelAdapter
from bot.channels.matrix.setup import matrix_channels
from bot.channels.telegram.setup import telegram_channels
from bot.channels.web import end_web_streams, web_channels
from bot.config import Settings
from bot.delivery.callback import callback_channels
from bot.delivery.page_signals import signal_pages
from bot.delivery.reachability import watch_reachability
from bot.runtime import metrics
from bot.runtime.leader import Leadership
from bot.runtime.scheduler import create_scheduler, local_jobs, shared_jobs

log = logging.getLogger(__name__)


def configured_channels(settings: Settings) -> dict[str, ChannelAdapter]:
    """The adapters whose settings are present. Each channel module registers here."""
    return {**telegram_channels(settings), **matrix_channels(settings)}


async def run(settings: Settings) -> int:
    messengers = configured_channels(settings)
    adapters = {**messengers, **web_channels(), **callback_channels(settings)}
    app = await build_app(settings, adapters)
    web = web_server(app)
    signals = await signal_pages(settings.database_url, adapters)
    watch_reachability(adapters, app.sessions)
    leadership = Leadership(settings.database_url)
    metrics.watch_leader(lambda: leadership.leading)
    scheduler = create_scheduler(
        shared_jobs(settings, app.sessions), local_jobs(app.sessions, app.recognizer), leadership
    )
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    try:
        await web.start()
    except OSError as error:
        print(
            f"mitreden: cannot listen on {settings.web_host}:{settings.web_port}: {error}",
            file=sys.stderr,
        )
        await leadership.release()
        if signals is not None:
            await signals.close()
        await app.close()
        return 1
    await app.start(app.dispatcher.handle_and_forget)
    scheduler.start()
    # what start-up built (the NLU model, flows, modules) lives as long as the process:
    # the garbage collector need not walk it again on every collection
    gc.freeze()
    log.info(
        "mitreden is running; the web chat is at http://%s:%d/chat, the staff app at "
        "http://%s:%d/; messengers: %s",
        settings.web_host,
        web.port,
        settings.web_host,
        web.port,
        ", ".join(messengers) or "none configured",
    )
    await stopped.wait()
    log.info("stopping")
    web.mark_stopping()  # /readyz: 503 at once
    # new connections are refused from here on (a proxy retries them on another process)
    await web.stop_listening(settings.web_stop_delay)
    end_web_streams(adapters)  # open pages reconnect to another process
    scheduler.shutdown(wait=False)
    await leadership.release()  # another process takes the scheduled jobs over at once
    await web.stop()  # requests under way are answered first
    if signals is not None:
        await signals.close()
    await app.close()
    return 0
