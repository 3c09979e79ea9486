"""Reading Bot API requests as Telegram does (form, multipart or JSON) and its error replies."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.bot.channels.telegram.telegram_html import HtmlError, parse, utf16_length

JSON_FIELDS = {
    "reply_markup",
    "allowed_updates",
    "commands",
    "scope",
    "link_preview_options",
    "entities",
    "reply_parameters",
}
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "message_thread_id"}
MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
MAX_BUTTONS = 100  # Telegram's limits for an inline keyboard
MAX_MARKUP_BYTES = 10_240


class ApiError(Exception):
    def __init__(
        self,
        code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id


async def read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
        return params
    if request.method == "POST":
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                params[name] = (value.filename, value.file.read())
            elif name in JSON_FIELDS:
                params[name] = json.loads(str(value))
            elif name in INT_FIELDS:
                params[name] = int(str(value))
            else:
                params[name] = str(value)
    return params


def render(params: dict[str, Any], key: str = "text") -> tuple[str, str, list[Any]]:
    source = str(params.get(key, ""))
    if params.get("parse_mode") == "HTML":
        try:
            text, entities = parse(source)
        except HtmlError as error:
            raise ApiError(400, str(error)) from None
    else:
        text, entities = source, []
    if key == "text" and not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_length(text) > (MAX_TEXT if key == "text" else 1024):
        raise ApiError(400, "Bad Request: message is too long")
    return source, text, entities


def check_keyboard(params: dict[str, Any]) -> list[list[dict[str, Any]]] | None:
    markup = params.get("reply_markup")
    if not markup:
        return None
    rows: list[list[dict[str, Any]]] = markup["inline_keyboard"]
    buttons = sum(len(row) for row in rows)
    size = len(json.dumps(markup, ensure_ascii=False).encode())
    if buttons > MAX_BUTTONS or size > MAX_MARKUP_BYTES:
        raise ApiError(400, "Bad Request: reply markup is too long")
    for row in rows:
        for button in row:
            data = button.get("callback_data")
            if not button.get("text") or data is None:
                raise ApiError(400, "Bad Request: can't parse inline keyboard button")
            if not 1 <= len(str(data).encode()) <= MAX_CALLBACK_BYTES:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return rows


def error_response(error: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    if error.migrate_to_chat_id is not None:
        body["parameters"] = {"migrate_to_chat_id": error.migrate_to_chat_id}
    return web.json_response(body, status=error.code)
