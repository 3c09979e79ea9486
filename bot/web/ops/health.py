"""`/healthz` (is the process alive and its database reachable?) and `/readyz` (should this
process get traffic: does the database answer, and is its schema the one this version needs?).
"""

from __future__ import annotations

import functools
import logging

from alembic.script import ScriptDirectory
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.web.parts import Running
from storage.database import ping
from storage.migrate import alembic_config, current_revisions, head_revisions

log = logging.getLogger(__name__)


async def healthz(request: Request) -> Response:
    """For load balancers and monitoring: is the process up and the database reachable?"""
    app: Running = request.app.state.mitreden
    try:
        async with app.sessions() as session:
            await ping(session)
    except Exception as error:  # the check exists to report exactly this
        log.warning("health check: database unreachable: %s", error)
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@functools.cache
def _shipped() -> tuple[frozenset[str], frozenset[str]]:
    """The newest revisions and all revisions this version ships (read once)."""
    script = ScriptDirectory.from_config(alembic_config())
    known = frozenset(revision.revision for revision in script.walk_revisions())
    return head_revisions(), known


def schema_state(current: frozenset[str], heads: frozenset[str], known: frozenset[str]) -> str:
    """current: the database has what this version needs. newer: a later version migrated
    it already (migrations only add while older versions still run, docs/operating.md), so
    this one still works. behind: migrations this version needs have not run."""
    if current == heads:
        return "current"
    if current - known:
        return "newer"
    return "behind"


async def readyz(request: Request) -> Response:
    """200 when this process can serve; 503 with the reason otherwise."""
    if getattr(request.app.state, "stopping", False):  # a proxy should send elsewhere now
        return _not_ready("shutting down")
    app: Running = request.app.state.mitreden
    try:
        async with app.sessions() as session:
            connection = await session.connection()
            current = await connection.run_sync(current_revisions)
    except Exception as error:
        log.warning("readiness check: database unreachable: %s", error)
        return _not_ready("database unreachable")
    state = schema_state(current, *_shipped())
    if state == "behind":
        return _not_ready("database schema not up to date: run `mitreden db upgrade`")
    return JSONResponse({"status": "ready", "database": "ok", "schema": state})


def _not_ready(reason: str) -> Response:
    return JSONResponse({"status": "not ready", "reason": reason}, status_code=503)
