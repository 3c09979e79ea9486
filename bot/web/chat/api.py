"""The REST channel in Rasa's convention, plus the session route the widget uses.

POST /webhooks/rest/webhook {"sender", "message", "metadata"} answers with the bot's
messages [{"recipient_id", "text", "buttons": [{"title", "payload"}]}], or with `?stream=true`
one message per line (bot/web/chat/rasa_stream.py). A button's payload (`/choose{"value": …}`)
sent back presses it; Rasa's `/intent{json}` and `/restart` are read in
bot/web/chat/rasa_payloads.py; any other message is typed text. Every sender proves with
its token that the conversation is its own. The event stream's routes are in
bot/web/chat/stream_routes.py, the callback channel's in bot/web/chat/callback_route.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.messages import ConversationKey, InboundMessage
from bot.web.chat.cors import cors_headers, origin_allowed, preflight_headers
from bot.web.chat.limits import EMPTY, TOO_FAST, TOO_LONG
from bot.web.chat.message_body import BadRequest, read_chat_request
from bot.web.chat.rasa_format import rasa_message
from bot.web.chat.rasa_payloads import (
    START_COMMAND,
    Intent,
    Payload,
    Pressed,
    Restart,
    read_payload,
)
from bot.web.chat.rasa_stream import streamed_messages, streamed_replies
from bot.web.chat.runtime import chat_runtime
from bot.web.chat.tokens import authorised, new_sender, sign, verify
from flows.types import Reply

CHANNEL = "web"
LANGUAGES = ("de", "en")
NO_TOKEN = (
    "unknown session or wrong token: start a session with POST /webhooks/rest/session and "
    "send its token in metadata.token or as Authorization: Bearer"
)


async def status(request: Request) -> Response:
    """Rasa answers here too; tools use it to see the channel is there."""
    return JSONResponse({"status": "ok"}, headers=cors_headers(request))


async def preflight(request: Request) -> Response:
    runtime = chat_runtime(request)
    if not origin_allowed(request, runtime.origins):
        return forbidden_origin()
    return Response(status_code=204, headers=preflight_headers(request))


async def new_session(request: Request) -> Response:
    """A fresh session id and its token; the page keeps both (in memory, or with consent)."""
    runtime = chat_runtime(request)
    if not origin_allowed(request, runtime.origins):
        return forbidden_origin()
    headers = cors_headers(request)
    client = client_address(request)
    if not runtime.new_sessions.allow(client) or not runtime.per_address.allow(client):
        return JSONResponse({"error": "too many requests, please wait a moment"}, 429, headers)
    sender = new_sender()
    return JSONResponse({"sender": sender, "token": sign(runtime.key, sender)}, headers=headers)


async def webhook(request: Request) -> Response:
    """Rasa's `?stream=true` (only "true", as Rasa reads it) answers line by line."""
    stream = request.query_params.get("stream", "").lower() == "true"
    turn = await read_turn(request, CHANNEL)
    if isinstance(turn, Answered):
        return answer_with(turn.messages, turn.status, turn.headers, stream)
    runtime = chat_runtime(request)
    if stream:
        return streamed_replies(runtime.answer(turn.message), turn.sender, turn.headers)
    replies = await runtime.answer(turn.message)
    return JSONResponse(
        [rasa_message(turn.sender, reply) for reply in replies], headers=turn.headers
    )


@dataclass(frozen=True)
class Turn:
    sender: str
    message: InboundMessage
    headers: dict[str, str]


@dataclass(frozen=True)
class Answered:
    """Answered before the bot was asked: a refusal, or the bot's word on a limit."""

    messages: Any  # a list of Rasa messages, or {"error": …}
    status: int
    headers: dict[str, str]


async def read_turn(request: Request, channel: str) -> Turn | Answered:
    """A message request read and checked (origin, limits, token) for `channel`."""
    runtime = chat_runtime(request)
    if not origin_allowed(request, runtime.origins):
        return Answered(FORBIDDEN_ORIGIN, 403, {})
    headers = cors_headers(request)
    client = client_address(request)

    def bot_says(
        recipient: str, language: str, texts: dict[str, str], status_code: int, wait: float = 0
    ) -> Answered:
        text_out = texts[language].format(limit=runtime.max_chars)
        extra = {"Retry-After": str(max(1, math.ceil(wait)))} if wait else {}
        return Answered([rasa_message(recipient, Reply(text_out))], status_code, headers | extra)

    # before the body is even read: a flood of any kind costs nothing but this
    if not runtime.per_address.allow(client):
        wait = runtime.per_address.seconds_until_allowed(client)
        return bot_says(
            "", accepted_language(request, runtime.default_language), TOO_FAST, 429, wait
        )
    try:
        chat = await read_chat_request(request)
    except BadRequest as problem:
        return Answered({"error": problem.message}, problem.status, headers)
    sender = chat.sender
    if not authorised(runtime.key, runtime.frontend_secret, sender, chat.token) and not (
        chat.address_token is not None and verify(runtime.key, sender, chat.address_token)
    ):
        return Answered({"error": NO_TOKEN}, 401, headers)
    hint = chat.metadata.get("language")
    language = hint if isinstance(hint, str) and hint in LANGUAGES else None
    speak = language or runtime.default_language
    if not runtime.per_session.allow(sender):
        wait = runtime.per_session.seconds_until_allowed(sender)
        return bot_says(sender, speak, TOO_FAST, 429, wait)
    if len(chat.message) > runtime.max_chars:
        return bot_says(sender, speak, TOO_LONG, 413)
    payload = read_payload(chat.message)
    if payload is None and not chat.message.strip() and chat.location is None:
        return bot_says(sender, speak, EMPTY, 200)
    key = ConversationKey(channel, sender, sender)
    message = inbound(key, chat.message.strip(), payload, language)
    if chat.location is not None and payload is None:
        message = replace(message, location=chat.location)
    return Turn(sender, message, headers)


def inbound(
    key: ConversationKey, text: str, payload: Payload | None, language: str | None
) -> InboundMessage:
    if isinstance(payload, Pressed):
        return InboundMessage(key, payload.value, choice=payload.value, language_hint=language)
    if isinstance(payload, Restart):
        # the engine's own start: whatever ran is left, the welcome and the menu come back;
        # nothing the citizen gave is touched
        return InboundMessage(key, START_COMMAND, language_hint=language)
    if isinstance(payload, Intent):
        # the text a step reads where it waits for words: the intent's name, never a command
        text = payload.nlu.intent.replace("_", " ")
        return InboundMessage(key, text, language_hint=language, understood=payload.nlu)
    return InboundMessage(key, text, language_hint=language)


def answer_with(messages: Any, status: int, headers: dict[str, str], stream: bool) -> Response:
    if stream and isinstance(messages, list):
        return streamed_messages(messages, status, headers)
    return JSONResponse(messages, status, headers)


def accepted_language(request: Request, default: str) -> str:
    """The browser's first language where it is one of ours (for answers given before the
    message was read)."""
    first = request.headers.get("accept-language", "").split(",")[0].strip()[:2].lower()
    return first if first in LANGUAGES else default


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


FORBIDDEN_ORIGIN = {"error": "this site may not use the chat (origin not allowed)"}


def forbidden_origin() -> Response:
    return JSONResponse(FORBIDDEN_ORIGIN, 403)
