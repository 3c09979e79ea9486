"""The gate in front of the staff app: no page without a login, /admin only for admins,
and no state-changing request without the session's CSRF token.

It is one ASGI middleware around the whole web server, so a page an area adds is
protected without doing anything. Public are only the login page, the health and readiness
checks, the metrics (which check their own bearer token) and the citizens' routes (web
chat, widget, its webhook, public results, static files) and the Open311 interface for apps.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.staff.sessions import COOKIE, StaffUser, load_user
from bot.web.csrf import FIELD, HEADER, SAFE_METHODS, tokens_match
from bot.web.parts import Running

log = logging.getLogger(__name__)

# Rasa's channels answer their health check without the final "/" too
_RASA_HEALTH = ("/webhooks/rest", "/webhooks/callback")
PUBLIC_PATHS = frozenset(
    {"/login", "/healthz", "/readyz", "/metrics", "/chat", "/widget.js", "/favicon.ico"}
    | set(_RASA_HEALTH)
)
PUBLIC_PREFIXES = (
    "/static/",
    "/chat/",
    "/webhooks/rest/",
    "/webhooks/callback/",
    "/results/",
    "/open311/",  # apps; writing needs the Open311 API key instead of a login
    "/report-photos/",  # photos staff released; the route checks that (public_photos.py)
)
ADMIN_PREFIX = "/admin"
# large enough for a flow's YAML or the intent data; a bigger body is refused
MAX_BODY_BYTES = 8 * 1024 * 1024

Refusal = Callable[[Request, StaffUser | None, str], Awaitable[Response]]


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _is_admin_path(path: str) -> bool:
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


class _BodyTooLarge(Exception):
    pass


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """A receive channel that hands the buffered body to the app once more."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _supplied_token(request: Request, body: bytes) -> str | None:
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    form = await Request(request.scope, _replay(body)).form()
    value = form.get(FIELD)
    return value if isinstance(value, str) else None


class StaffGate:
    """ASGI middleware; `refuse(request, user, reason)` renders the refusal pages
    (reason "forbidden", "csrf" or "too_large")."""

    def __init__(self, app: ASGIApp, refuse: Refusal) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        mitreden: Running = scope["app"].state.mitreden
        user = await self._user(request, mitreden)
        if user is None:
            await self._to_login(request)(scope, receive, send)
            return
        scope.setdefault("state", {})["staff"] = user
        if _is_admin_path(scope["path"]) and not user.is_admin:
            await (await self.refuse(request, user, "forbidden"))(scope, receive, send)
            return
        if request.method in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(receive)
        except _BodyTooLarge:
            await (await self.refuse(request, user, "too_large"))(scope, receive, send)
            return
        if not tokens_match(user.csrf_token, await _supplied_token(request, body)):
            log.warning(
                "refused a %s to %s without a valid CSRF token", request.method, scope["path"]
            )
            await (await self.refuse(request, user, "csrf"))(scope, receive, send)
            return
        await self.app(scope, _replay(body), send)

    async def _user(self, request: Request, mitreden: Running) -> StaffUser | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        async with mitreden.sessions() as session, session.begin():
            return await load_user(session, token, datetime.now(UTC), mitreden.settings)

    def _to_login(self, request: Request) -> Response:
        if request.method in SAFE_METHODS and _wants_html(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        return PlainTextResponse("Please log in.", status_code=401)


def staff_user(request: Request) -> StaffUser:
    """The logged-in person on a staff page (the gate guarantees there is one)."""
    user: Any = getattr(request.state, "staff", None)
    if not isinstance(user, StaffUser):
        raise RuntimeError(f"{request.url.path} is public; it has no logged-in user")
    return user
