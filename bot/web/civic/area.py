"""Every route of the consultations, results, decisions and announcements pages."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.web.civic import announcements, consultations, decisions, results


def routes() -> list[BaseRoute]:
    return [
        *consultations.routes(),
        *decisions.routes(),
        *announcements.routes(),
        *results.routes(),
    ]
