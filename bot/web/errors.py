"""Error pages in the staff app's layout, in the reader's language."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.staff.sessions import StaffUser
from bot.web.i18n import request_language, translate
from bot.web.templating import render

log = logging.getLogger(__name__)

_STATUS_OF_REASON = {"forbidden": 403, "csrf": 403, "too_large": 413}
_KEYS = {403: "forbidden", 404: "not_found", 405: "not_allowed", 413: "too_large", 500: "server"}


async def error_page(request: Request, status: int, reason: str | None = None) -> Response:
    key = reason or _KEYS.get(status, "server")
    language = request_language(request)
    return await render(
        request,
        "error.html",
        {
            "heading": translate(language, f"error.{key}.heading"),
            "message": translate(language, f"error.{key}.message"),
        },
        status_code=status,
    )


async def refuse(request: Request, user: StaffUser | None, reason: str) -> Response:
    """What the gate answers when it refuses a request (see bot.web.auth)."""
    request.state.staff = user
    return await error_page(request, _STATUS_OF_REASON[reason], reason)


async def http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if request.url.path.startswith(("/webhooks/", "/static/")) or status not in _KEYS:
        detail = exc.detail if isinstance(exc, HTTPException) else "error"
        return PlainTextResponse(str(detail), status_code=status)
    return await error_page(request, status)


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("the page %s failed", request.url.path, exc_info=exc)
    try:
        return await error_page(request, 500)
    except Exception:  # the error page itself needs the database; say it plainly then
        return PlainTextResponse("Something went wrong. Please try again.", status_code=500)


def exception_handlers() -> dict[int | type[Exception], object]:
    return {HTTPException: http_error, Exception: server_error}
