"""The REST channel in Rasa's convention, plus the session and event routes the widget uses.

POST /webhooks/rest/webhook {"sender", "message", "metadata"} answers with the bot's
messages [{"recipient_id", "text", "buttons": [{"title", "payload"}]}]; a button's payload
sent back as the message presses it. GET /webhooks/rest/events streams later messages
(Server-Sent Events) to a page that proves with its token that the session is its own.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from bot.messages import ConversationKey, InboundMessage
from bot.web.chat.cors import cors_headers, origin_allowed, preflight_headers
from bot.web.chat.events import event_stream
from bot.web.chat.limits import EMPTY, MAX_BODY_BYTES, MAX_STREAMS_PER_SESSION, TOO_FAST, TOO_LONG
from bot.web.chat.rasa_format import rasa_message
from bot.web.chat.runtime import ChatRuntime, chat_runtime
from bot.web.chat.tokens import is_issued, new_sender, sign, valid_sender, verify
from flows.types import Reply

CHANNEL = "web"
LANGUAGES = ("de", "en")


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def status(request: Request) -> Response:
    """Rasa answers here too; tools use it to see the channel is there."""
    return JSONResponse({"status": "ok"}, headers=cors_headers(request))


async def preflight(request: Request) -> Response:
    runtime = chat_runtime(request)
    if not origin_allowed(request, runtime.origins):
        return _forbidden_origin()
    return Response(status_code=204, headers=preflight_headers(request))


async def new_session(request: Request) -> Response:
    """A fresh session id and its token; the page keeps both (in memory, or with consent)."""
    runtime = chat_runtime(request)
    if not origin_allowed(request, runtime.origins):
        return _forbidden_origin()
    headers = cors_headers(request)
    if not runtime.per_address.allow(_client(request)):
        return JSONResponse({"error": "too many requests, please wait a moment"}, 429, headers)
    sender = new_sender()
    return JSONResponse({"sender": sender, "token": sign(runtime.key, sender)}, headers=headers)


async def webhook(request: Request) -> Response:
    runtime = chat_runtime(request)
    if not origin_allowed(request, runtime.origins):
        return _forbidden_origin()
    headers = cors_headers(request)
    try:
        sender, text, metadata = await _read_message(request, runtime)
    except BadRequest as problem:
        return JSONResponse({"error": problem.message}, problem.status, headers)
    language = metadata.get("language") if metadata.get("language") in LANGUAGES else None
    speak = language or runtime.default_language

    def bot_says(texts: dict[str, str], status_code: int, **extra: str) -> Response:
        text_out = texts[speak].format(limit=runtime.max_chars)
        return JSONResponse(
            [rasa_message(sender, Reply(text_out))], status_code, {**headers, **extra}
        )

    client = _client(request)
    if not runtime.per_address.allow(client) or not runtime.per_session.allow(sender):
        wait = max(
            runtime.per_address.seconds_until_allowed(client),
            runtime.per_session.seconds_until_allowed(sender),
        )
        return bot_says(TOO_FAST, 429, **{"Retry-After": str(max(1, math.ceil(wait)))})
    if len(text) > runtime.max_chars:
        return bot_says(TOO_LONG, 413)
    if not text.strip():
        return bot_says(EMPTY, 200)
    replies = await runtime.answer(
        InboundMessage(
            ConversationKey(CHANNEL, sender, sender),
            text.strip(),
            language_hint=language,
            payload_choices=True,
        )
    )
    return JSONResponse([rasa_message(sender, reply) for reply in replies], headers=headers)


async def events(request: Request) -> Response:
    runtime = chat_runtime(request)
    if not origin_allowed(request, runtime.origins):
        return _forbidden_origin()
    headers = cors_headers(request)
    sender = request.query_params.get("sender", "")
    token = request.query_params.get("token", "")
    if not valid_sender(sender) or not verify(runtime.key, sender, token):
        return JSONResponse({"error": "unknown session or wrong token"}, 401, headers)
    if runtime.channel is None:
        return JSONResponse({"error": "the web chat is not running here"}, 503, headers)
    if runtime.channel.open_count(sender) >= MAX_STREAMS_PER_SESSION:
        return JSONResponse({"error": "too many open pages for this session"}, 429, headers)
    after = _last_seen(request)
    return StreamingResponse(
        event_stream(runtime.channel, runtime.sessions, sender, after),
        media_type="text/event-stream",
        headers={**headers, "Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _read_message(request: Request, runtime: ChatRuntime) -> tuple[str, str, dict[str, Any]]:
    body = await _read_body(request)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(400, 'expected JSON like {"sender": "...", "message": "..."}') from None
    if not isinstance(data, dict):
        raise BadRequest(400, 'expected a JSON object like {"sender": "...", "message": "..."}')
    sender, text, metadata = data.get("sender"), data.get("message"), data.get("metadata")
    if not isinstance(sender, str) or not valid_sender(sender):
        raise BadRequest(400, "sender must be 1 to 128 letters, digits or _.:@-")
    if not isinstance(text, str):
        raise BadRequest(400, "message must be a string")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise BadRequest(400, "metadata must be an object")
    token = metadata.get("token") or _bearer(request)
    # ids we issued are always checked; others (Rasa tools choose their own) when a token
    # is given, so nobody can write into, or read the replies of, a widget's session
    if (is_issued(sender) or token is not None) and not (
        isinstance(token, str) and verify(runtime.key, sender, token)
    ):
        raise BadRequest(401, "unknown session or wrong token")
    return sender, text, metadata


async def _read_body(request: Request) -> bytes:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise BadRequest(413, "the request is too large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise BadRequest(413, "the request is too large")
    return bytes(body)


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    return value[7:].strip() if value.lower().startswith("bearer ") else None


def _last_seen(request: Request) -> int | None:
    """The newest event the page has: EventSource resends it as Last-Event-ID on reconnect."""
    seen = [
        int(value)
        for value in (request.headers.get("last-event-id"), request.query_params.get("after"))
        if value is not None and value.isdigit() and len(value) < 19
    ]
    return max(seen) if seen else None


def _client(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _forbidden_origin() -> Response:
    return JSONResponse({"error": "this site may not use the chat (origin not allowed)"}, 403)
