"""The routes of a session's event stream (Server-Sent Events, bot/web/chat/events.py).

Browsers' EventSource cannot send headers, and a token in a URL ends up in proxy logs. So a
page first trades its token for a ticket (POST, token in the body or a header), valid for a
minute, and opens the stream with that; a page reconnecting later fetches a new one.
Tools may instead send the token as Authorization: Bearer with the GET itself.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from bot.web.chat.api import client_address, forbidden_origin
from bot.web.chat.cors import cors_headers, origin_allowed
from bot.web.chat.events import event_stream
from bot.web.chat.message_body import BadRequest, bearer, parse_json, read_body
from bot.web.chat.runtime import chat_runtime
from bot.web.chat.tokens import (
    TICKET_SECONDS,
    authorised,
    stream_ticket,
    ticket_valid,
    valid_sender,
)

UNKNOWN = "unknown session, wrong token or an expired ticket"


async def ticket(request: Request) -> Response:
    """{"sender", "token"} (or the token as Authorization: Bearer) → {"ticket", "expires_in"}."""
    runtime = chat_runtime(request)
    if not origin_allowed(request, runtime.origins):
        return forbidden_origin()
    headers = cors_headers(request)
    if not runtime.per_address.allow(client_address(request)):
        return JSONResponse({"error": "too many requests, please wait a moment"}, 429, headers)
    try:
        data = parse_json(await read_body(request))
    except BadRequest as problem:
        return JSONResponse({"error": problem.message}, problem.status, headers)
    sender = data.get("sender") if isinstance(data, dict) else None
    token = (data.get("token") if isinstance(data, dict) else None) or bearer(request)
    if not isinstance(sender, str) or not valid_sender(sender):
        return JSONResponse(
            {"error": 'expected JSON like {"sender": "...", "token": "..."}'}, 400, headers
        )
    if not authorised(runtime.key, runtime.frontend_secret, sender, token):
        return JSONResponse({"error": UNKNOWN}, 401, headers)
    issued = stream_ticket(runtime.key, sender, time.time())
    return JSONResponse({"ticket": issued, "expires_in": TICKET_SECONDS}, headers=headers)


async def events(request: Request) -> Response:
    runtime = chat_runtime(request)
    if not origin_allowed(request, runtime.origins):
        return forbidden_origin()
    headers = cors_headers(request)
    query = request.query_params
    if "token" in query:
        refusal = "the token does not belong in the URL: get a ticket from POST .../events/ticket"
        return JSONResponse({"error": refusal}, 400, headers)
    sender = query.get("sender", "")
    given = query.get("ticket")
    if not valid_sender(sender) or not (
        ticket_valid(runtime.key, sender, given, time.time())
        if given is not None
        else authorised(runtime.key, runtime.frontend_secret, sender, bearer(request))
    ):
        return JSONResponse({"error": UNKNOWN}, 401, headers)
    if runtime.channel is None:
        return JSONResponse({"error": "the web chat is not running here"}, 503, headers)
    client = client_address(request)
    if not runtime.streams.take(sender, client):
        return JSONResponse({"error": "too many open chat pages, please close some"}, 429, headers)
    return _EventStream(
        event_stream(runtime.channel, runtime.sessions, sender, _last_seen(request)),
        lambda: runtime.streams.give_back(sender, client),
        {**headers, "Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


class _EventStream(StreamingResponse):
    """Gives its stream slot back however the response ends, even one whose client left
    before the first event."""

    def __init__(
        self, content: AsyncIterator[str], release: Callable[[], None], headers: dict[str, str]
    ) -> None:
        super().__init__(content, media_type="text/event-stream", headers=headers)
        self._release = release

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._release()


def _last_seen(request: Request) -> int | None:
    """The newest event the page has: EventSource resends it as Last-Event-ID on reconnect."""
    seen = [
        int(value)
        for value in (request.headers.get("last-event-id"), request.query_params.get("after"))
        if value is not None and value.isascii() and value.isdecimal() and len(value) < 19
    ]
    return max(seen) if seen else None
