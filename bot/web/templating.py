"""Rendering pages: Jinja2 with autoescaping, the layout, translations, CSRF and flash.

    return await render(request, "questions/list.html", {"questions": rows})

Every template gets `t("key", **values)`, `lang`, `staff` (None on public pages),
`csrf_field` (the hidden input for POST forms), `nav`, `flashes`, `town`, and the helpers
`when(datetime)` and `age(datetime)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.staff.sessions import StaffUser, clear_flash
from bot.web.csrf import hidden_field
from bot.web.i18n import request_language, translate
from bot.web.layout import nav_items
from bot.web.parts import Running

TEMPLATES = Path(__file__).parent / "templates"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,  # every template: citizens' texts are attacker input
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

# scripts only from /static (no inline script: an injected <script> would not run even if
# escaping failed somewhere); inline style attributes are allowed for bars and charts
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def format_when(value: datetime | None, language: str, zone: str) -> str:
    if value is None:
        return "–"
    local = value.astimezone(ZoneInfo(zone))
    if language == "en":
        return f"{local.day} {_MONTHS_EN[local.month - 1]} {local.year}, {local:%H:%M}"
    return f"{local:%d.%m.%Y, %H:%M}"


def format_age(value: datetime | None, language: str, now: datetime) -> str:
    """How long ago, coarse: minutes, hours or days."""
    if value is None:
        return "–"
    minutes = max(int((now - value).total_seconds() // 60), 0)
    if minutes < 60:
        return translate(language, "age.minutes", n=minutes)
    if minutes < 48 * 60:
        return translate(language, "age.hours", n=minutes // 60)
    return translate(language, "age.days", n=minutes // (24 * 60))


def current_staff(request: Request) -> StaffUser | None:
    user = getattr(request.state, "staff", None)
    return user if isinstance(user, StaffUser) else None


def mitreden(request: Request) -> Running:
    app: Running = request.app.state.mitreden
    return app


async def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The page `template` (which extends "layout.html") as a response."""
    app = mitreden(request)
    user = current_staff(request)
    language = request_language(request)
    zone = app.settings.web_timezone
    now = datetime.now(UTC)
    flashes = list(user.flash) if user is not None else []
    if flashes and user is not None:
        async with app.sessions() as session, session.begin():
            await clear_flash(session, user)

    def t(key: str, /, **values: Any) -> str:
        return translate(language, key, **values)

    values: dict[str, Any] = {
        "request": request,
        "t": t,
        "lang": language,
        "staff": user,
        "csrf_field": hidden_field(user.csrf_token) if user is not None else Markup(""),
        "csrf_token": user.csrf_token if user is not None else "",
        "nav": nav_items(request, user),
        "flashes": flashes,
        "town": app.settings.town,
        "now": now,
        "when": lambda value: format_when(value, language, zone),
        "age": lambda value: format_age(value, language, now),
    }
    values.update(context or {})
    html = environment.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
