"""The audit log for administrators: every change in the staff app, newest first."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.staff.audit import audit_entries
from bot.web.templating import mitreden, render

PAGE_SIZE = 100


async def show(request: Request) -> Response:
    app = mitreden(request)
    actor = request.query_params.get("actor", "")[:64]
    action = request.query_params.get("action", "")[:64]
    raw_page = request.query_params.get("page", "1")
    page = max(int(raw_page), 1) if raw_page.isdigit() else 1
    async with app.sessions() as session:
        rows = await audit_entries(
            session, actor=actor, action=action, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1
        )
    return await render(
        request,
        "admin/audit.html",
        {
            "entries": [
                (row, json.dumps(row.detail, ensure_ascii=False) if row.detail else "")
                for row in rows[:PAGE_SIZE]
            ],
            "actor": actor,
            "action": action,
            "page": page,
            "more": len(rows) > PAGE_SIZE,
        },
    )


def routes() -> list[BaseRoute]:
    return [Route("/admin/audit", show, methods=["GET"])]
