"""Rasa's callback channel: `POST /webhooks/callback/webhook` takes a message like the REST
channel, answers "success" once it is handled, and the replies are POSTed to the address
the operator configured (MITREDEN_CALLBACK_URL) by the delivery worker
(bot/delivery/callback.py), so they survive a restart and are retried like every delivery.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from bot.delivery.callback import CHANNEL
from bot.web.chat.api import Answered, answer_with, read_turn
from bot.web.chat.runtime import chat_runtime

NOT_CONFIGURED = "the callback channel is off: set MITREDEN_CALLBACK_URL to switch it on"


async def status(request: Request) -> Response:
    if chat_runtime(request).queue is None:
        return JSONResponse({"error": NOT_CONFIGURED}, 404)
    return JSONResponse({"status": "ok"})


async def webhook(request: Request) -> Response:
    queue = chat_runtime(request).queue
    if queue is None:
        return JSONResponse({"error": NOT_CONFIGURED}, 404)
    turn = await read_turn(request, CHANNEL)
    if isinstance(turn, Answered):
        return answer_with(turn.messages, turn.status, turn.headers, stream=False)
    await queue(turn.message)  # returns once the replies are safe in the outbox
    return PlainTextResponse("success", headers=turn.headers)
