"""The web chat's message route, reached straight from the server's entry.

Every message a busy site sends comes here. Starlette's layers in front of the routes
(the error page handler, the staff gate, which lets the chat through anyway, exception
handlers, matching the path against every route) cost a message about a tenth of its CPU
time, and the route needs none of them: it checks its own origin, token and limits and
answers every bad input itself (bot/web/chat/api.py).
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from bot.web.chat import api

log = logging.getLogger(__name__)

MESSAGE_PATH = "/webhooks/rest/webhook"


def is_chat_message(scope: Scope) -> bool:
    return bool(
        scope["type"] == "http" and scope["path"] == MESSAGE_PATH and scope["method"] == "POST"
    )


async def answer_chat_message(scope: Scope, receive: Receive, send: Send) -> None:
    """`scope["app"]` must be the server (the route finds the running bot there)."""
    try:
        response = await api.webhook(Request(scope, receive))
    except Exception:  # what the error page handler would do, in the chat's plain words
        log.exception("the web chat's message route failed")
        response = _failed()
    await response(scope, receive, send)


def _failed() -> Response:
    return PlainTextResponse("Something went wrong. Please try again.", status_code=500)
