"""Small helpers the staff pages share for reading forms and telling the user what happened."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request

from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden


def form_text(form: FormData, name: str) -> str:
    """A text field as typed, with the browser's CRLF line ends made plain newlines."""
    value = form.get(name)
    return value.replace("\r\n", "\n") if isinstance(value, str) else ""


async def flash(request: Request, kind: str, key: str, **values: Any) -> None:
    """A message for the next page, in the user's language."""
    app = mitreden(request)
    text = translate(request_language(request), key, **values)
    async with app.sessions() as session, session.begin():
        await add_flash(session, staff_user(request), kind, text)
