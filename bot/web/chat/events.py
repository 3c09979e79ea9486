"""Server-Sent Events to an open chat page: what waited while it was closed, then what comes.

Every event carries the outbox id as its id. The page reports the last id it has (the
browser does so by itself on reconnecting), so nothing is lost when a connection breaks
and nothing is shown twice: ids at or below the last one are skipped on both sides.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.web import Wake, WebChannel
from bot.delivery.payloads import payload_to_reply
from bot.web.chat.rasa_format import rasa_message
from flows.types import Reply
from storage.web_chat import mark_handed_over, messages_for_page

# also how often the store is asked, in case a signal from another process was lost
KEEPALIVE_SECONDS = 15.0
RECONNECT_MS = 3000


def _event(event_id: int, recipient: str, reply: Reply) -> str:
    data = json.dumps(rasa_message(recipient, reply), ensure_ascii=False)
    return f"id: {event_id}\ndata: {data}\n\n"


async def event_stream(
    channel: WebChannel,
    sessions: async_sessionmaker[AsyncSession],
    address: str,
    after: int | None,
) -> AsyncIterator[str]:
    with channel.open_stream(address) as pushed:
        yield f"retry: {RECONNECT_MS}\n\n"
        last = after or 0
        waiting = await _from_store(sessions, address, after)
        while True:
            for event_id, reply in waiting:
                if event_id > last:
                    yield _event(event_id, address, reply)
                    last = event_id
            try:
                outbound = await asyncio.wait_for(pushed.get(), timeout=KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": still here\n\n"
                waiting = await _from_store(sessions, address, last)
                continue
            if outbound is None:
                return  # the server is stopping; the page reconnects to the next one
            if isinstance(outbound, Wake):  # another process queued it: it is in the store
                waiting = await _from_store(sessions, address, last)
                continue
            waiting = [(outbound.outbox_id, outbound.reply)]


async def _from_store(
    sessions: async_sessionmaker[AsyncSession], address: str, after: int | None
) -> list[tuple[int, Reply]]:
    async with sessions() as session, session.begin():
        found = await messages_for_page(session, address, after)
        await mark_handed_over(session, address, [message.id for message in found], _now())
    return [(message.id, payload_to_reply(message.payload)) for message in found]


def _now() -> datetime:
    return datetime.now(UTC)
