"""Answers streamed as Rasa's REST channel streams them (`POST …/webhook?stream=true`).

Rasa writes each bot message as one line of JSON, as soon as it is ready, under the
content type `text/event-stream` (though the lines are not Server-Sent Events: no `data:`).
Rasa's own shell reads them line by line. The messages are the same as in the list the
plain request answers with.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from starlette.responses import Response, StreamingResponse

from bot.web.chat.rasa_format import rasa_message
from flows.types import Reply

MEDIA_TYPE = "text/event-stream"  # what Rasa sends, so clients that check it are content
NO_BUFFERING = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def line(message: dict[str, Any]) -> str:
    """Byte for byte as Rasa writes it: `json.dumps` with its defaults, then a newline."""
    return json.dumps(message) + "\n"


def streamed_replies(
    replies: Awaitable[list[Reply]], recipient: str, headers: dict[str, str]
) -> Response:
    """The headers go out at once; each reply follows once the turn is committed."""

    async def lines() -> AsyncIterator[str]:
        for reply in await replies:
            yield line(rasa_message(recipient, reply))

    return StreamingResponse(lines(), media_type=MEDIA_TYPE, headers=headers | NO_BUFFERING)


def streamed_messages(
    messages: list[dict[str, Any]], status: int, headers: dict[str, str]
) -> Response:
    """Messages the route answers itself (a limit), in the same framing."""

    async def lines() -> AsyncIterator[str]:
        for message in messages:
            yield line(message)

    return StreamingResponse(lines(), status, media_type=MEDIA_TYPE, headers=headers | NO_BUFFERING)
