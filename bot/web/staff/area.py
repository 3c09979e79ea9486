"""Every route of the staff app's own pages, and the static files of the whole server."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from bot.web.staff import (
    accounts,
    audit_log,
    dashboard,
    exports,
    ideas,
    login,
    not_understood,
    questions,
    report_photos,
    reports,
    settings,
)

STATIC = Path(__file__).parent.parent / "static"


def routes() -> list[BaseRoute]:
    return [
        *login.routes(),
        *dashboard.routes(),
        *questions.routes(),
        *ideas.routes(),
        *reports.routes(),
        *report_photos.routes(),
        *not_understood.routes(),
        *exports.routes(),
        *accounts.routes(),
        *settings.routes(),
        *audit_log.routes(),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
