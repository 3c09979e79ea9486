"""POST /webhooks/rest/upload: a photo from the web chat, as multipart/form-data with the
fields `sender`, `token` (or Authorization: Bearer), optionally `message` (a caption) and
`language`, and the file in `photo`. It answers like the webhook: the bot's messages.

The body is read up to the photo limit (and a little for the fields) before anything is
parsed; a larger upload is refused with the bot's word and nothing is stored. Whether the
bytes are a picture is the report's photo step's call (bot/civic/photos.py).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from bot.messages import ConversationKey, InboundMessage, clean_text
from bot.web.chat.api import CHANNEL, LANGUAGES, NO_TOKEN, client_address, forbidden_origin
from bot.web.chat.cors import cors_headers, origin_allowed
from bot.web.chat.limits import TOO_FAST
from bot.web.chat.rasa_format import rasa_message
from bot.web.chat.runtime import ChatRuntime, chat_runtime
from bot.web.chat.tokens import authorised, valid_sender
from flows.types import Photo, Reply

FIELDS_ROOM = 64 * 1024  # sender, token, caption and the multipart boundaries
TOO_BIG = {
    "de": "Dieses Foto ist zu groß (höchstens {limit} MB). Bitte schicken Sie ein "
    "kleineres Foto oder tippen Sie auf „Überspringen“.",
    "en": "This photo is too large (at most {limit} MB). Please send a smaller one or tap “Skip”.",
}
NO_PHOTO = "expected multipart/form-data with sender, token and the file in the field photo"


class _TooLarge(Exception):
    pass


async def _limited_body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length", "")
    if length.isascii() and length.isdecimal() and int(length) > limit:
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)


async def _form(request: Request, body: bytes) -> Any:
    """The multipart form of a body already read (and measured)."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return await Request(request.scope, replay).form(max_files=1, max_fields=8)


async def upload(request: Request) -> Response:
    runtime = chat_runtime(request)
    if not origin_allowed(request, runtime.origins):
        return forbidden_origin()
    headers = cors_headers(request)
    client = client_address(request)
    language = _language(request, runtime.default_language)
    if not runtime.per_address.allow(client):
        return _bot_says("", TOO_FAST, language, 429, headers, 0)
    limit_mb = max(1, runtime.max_photo_bytes // 10**6)
    try:
        body = await _limited_body(request, runtime.max_photo_bytes + FIELDS_ROOM)
        form = await _form(request, body)
    except _TooLarge:
        return _bot_says("", TOO_BIG, language, 413, headers, limit_mb)
    except ClientDisconnect:
        return JSONResponse({"error": "the upload ended before it was complete"}, 400, headers)
    except Exception:  # starlette's MultiPartException and friends: a malformed form
        return JSONResponse({"error": NO_PHOTO}, 400, headers)
    try:
        message = await _message(runtime, form, request, language)
    finally:
        await form.close()
    if isinstance(message, Response):
        return message
    replies = await runtime.answer(message)
    sender = message.key.user
    return JSONResponse([rasa_message(sender, reply) for reply in replies], headers=headers)


async def _message(
    runtime: ChatRuntime, form: Any, request: Request, language: str
) -> InboundMessage | Response:
    """The photo as the citizen's message, or the refusal of a form that is not one."""
    headers = cors_headers(request)
    sender, photo = form.get("sender"), form.get("photo")
    if not isinstance(sender, str) or not valid_sender(sender):
        return JSONResponse({"error": NO_PHOTO}, 400, headers)
    token = form.get("token") or _bearer(request)
    if not authorised(runtime.key, runtime.frontend_secret, sender, token):
        return JSONResponse({"error": NO_TOKEN}, 401, headers)
    if not isinstance(photo, UploadFile):
        return JSONResponse({"error": NO_PHOTO}, 400, headers)
    if not runtime.per_session.allow(sender):
        return _bot_says(sender, TOO_FAST, language, 429, headers, 0)
    content = await photo.read()
    caption = form.get("message")
    hint = form.get("language")
    return InboundMessage(
        ConversationKey(CHANNEL, sender, sender),
        clean_text(caption.strip()[: runtime.max_chars]) if isinstance(caption, str) else "",
        language_hint=hint if hint in LANGUAGES else None,
        photo=Photo(content, photo.content_type or "", photo.filename or ""),
    )


def _language(request: Request, default: str) -> str:
    first = request.headers.get("accept-language", "").split(",")[0].strip()[:2].lower()
    return first if first in LANGUAGES else default


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    return value[7:].strip() if value.lower().startswith("bearer ") else None


def _bot_says(
    sender: str,
    texts: dict[str, str],
    language: str,
    status: int,
    headers: dict[str, str],
    limit: int,
) -> Response:
    text = texts.get(language, texts["en"]).format(limit=limit)
    extra = {"Retry-After": "1"} if status == 429 else {}
    return JSONResponse([rasa_message(sender, Reply(text))], status, headers | extra)
