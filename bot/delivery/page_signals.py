"""Web chat pages open in another process: the delivery worker's signal reaches them.

Where several `mitreden run` processes share PostgreSQL, a page's event stream lives in
the process its browser reached, and the delivery worker of any process may claim a
message for it. The web channel of a process without the page signals through the store
(storage/page_signals.py); the process with the page reads the message from the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import asyncpg  # type: ignore[import-untyped]

from bot.channels.base import ChannelAdapter
from bot.channels.web import CHANNEL, WebChannel
from storage.database import is_sqlite, normalise_url
from storage.page_signals import PageSignals

log = logging.getLogger(__name__)


async def signal_pages(
    database_url: str, adapters: Mapping[str, ChannelAdapter]
) -> PageSignals | None:
    """Connect the web channel to the other processes; None where there are none (SQLite)
    or the signals cannot start (the streams then look into the outbox now and then)."""
    channel = adapters.get(CHANNEL)
    if not isinstance(channel, WebChannel) or is_sqlite(database_url):
        return None
    signals = PageSignals(normalise_url(database_url), channel.wake)
    try:
        await signals.start()
    except (OSError, asyncpg.PostgresError) as error:
        log.warning("web chat pages in other processes get messages a little later: %s", error)
        return None
    channel.elsewhere = signals.notify
    return signals
