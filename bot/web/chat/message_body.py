"""Reading a chat message request in Rasa's REST format: size and nesting are checked
before the body is parsed, then each field; every problem is a `BadRequest` in plain words.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from starlette.requests import ClientDisconnect, Request

from bot.messages import clean_text
from bot.web.chat.limits import MAX_BODY_BYTES, MAX_JSON_DEPTH
from bot.web.chat.tokens import MAX_SENDER_CHARS, sender_from_json, valid_sender
from flows.types import Location

EXPECTED = 'expected JSON like {"sender": "...", "message": "..."}'
SENDER_RULE = (
    f"sender must be a string of 1 to {MAX_SENDER_CHARS} characters without control "
    "characters, or a whole number"
)
LOCATION_RULE = (
    'location must be an object like {"latitude": 52.52, "longitude": 13.40}, latitude '
    "from -90 to 90 and longitude from -180 to 180"
)
_BRACKETS = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[{]}"))


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    message: str
    metadata: dict[str, Any]
    token: object  # checked by the caller: from the metadata, else the Authorization header
    # Rasa's own shell sends its token in the address (`?token=`); addresses end up in logs,
    # so there it counts only as the session's own token, never as the front end's secret
    address_token: str | None = None
    # the browser's position, sent where the bot asked for a place
    location: Location | None = None


async def read_chat_request(request: Request) -> ChatRequest:
    data = parse_json(await read_body(request))
    if not isinstance(data, dict):
        raise BadRequest(400, 'expected a JSON object like {"sender": "...", "message": "..."}')
    sender = sender_from_json(data.get("sender"))
    text, metadata = data.get("message"), data.get("metadata")
    if sender is None or not valid_sender(sender):
        raise BadRequest(400, SENDER_RULE)
    if not isinstance(text, str):
        raise BadRequest(400, "message must be a string")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise BadRequest(400, "metadata must be an object")
    token = metadata.get("token") or bearer(request)
    location = read_location(data["location"]) if "location" in data else None
    return ChatRequest(
        sender,
        clean_text(text),
        metadata,
        token,
        request.query_params.get("token"),
        location,
    )


def read_location(value: object) -> Location:
    """{"latitude": …, "longitude": …} with numbers on the globe; anything else is refused."""
    if not isinstance(value, dict):
        raise BadRequest(400, LOCATION_RULE)
    latitude, longitude = _coordinate(value.get("latitude")), _coordinate(value.get("longitude"))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise BadRequest(400, LOCATION_RULE)
    return Location(latitude, longitude)


def _coordinate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadRequest(400, LOCATION_RULE)  # true, "52.5", NaN (Python's JSON reads it)
    return float(value)


async def read_body(request: Request) -> bytes:
    """At most MAX_BODY_BYTES; a client that stops sending is cut off by the server's body
    timeout (bot/web/request_limits.py) and ends here as a disconnect."""
    length = request.headers.get("content-length", "")
    if length.isascii() and length.isdecimal() and int(length) > MAX_BODY_BYTES:
        raise BadRequest(413, "the request is too large")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                raise BadRequest(413, "the request is too large")
    except ClientDisconnect:
        raise BadRequest(400, "the request ended before its body was complete") from None
    return bytes(body)


def parse_json(body: bytes) -> Any:
    if too_deep(body, MAX_JSON_DEPTH):
        raise BadRequest(400, f"the JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels)")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadRequest(400, EXPECTED) from None


def too_deep(body: bytes, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit`, found without parsing: in C
    loops over the bytes, so a hostile body costs no more than a friendly one."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # nearly every message
    # brackets inside strings do not count: drop escaped characters, then the strings
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(unescaped.split(b'"')[::2])
    nesting = outside.translate(_BRACKETS, _NOT_BRACKETS)
    for _ in range(limit):  # each pass removes the innermost level
        nesting = nesting.replace(b"()", b"")
    return b"()" in nesting or nesting.count(b"(") > limit


def bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    return value[7:].strip() if value.lower().startswith("bearer ") else None
