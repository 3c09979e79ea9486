"""`/metrics`: this process's counters and what is read at scrape time, in Prometheus'
text format. Off unless `MITREDEN_METRICS_ENABLED` is true and a bearer token is set in
`MITREDEN_METRICS_TOKEN`; a scraper sends `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac
import logging
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.runtime import metrics
from bot.web.parts import Running
from storage import outbox_stats

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _authorised(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


async def metrics_page(request: Request) -> Response:
    app: Running = request.app.state.mitreden
    settings = app.settings
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    if not settings.metrics_enabled or not token:
        return PlainTextResponse("Not Found", status_code=404)
    if not _authorised(request, token):
        return PlainTextResponse(
            "Unauthorized", status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    lines = metrics.counted()
    lines += await _outbox(app)
    lines += _pool(app)
    return PlainTextResponse("\n".join(lines) + "\n", media_type=CONTENT_TYPE)


async def _outbox(app: Running) -> list[str]:
    try:
        async with app.sessions() as session:
            depth, oldest = await outbox_stats.waiting(session)
    except Exception as error:  # the page still shows the counters
        log.warning("metrics: cannot read the outbox: %s", error)
        return metrics.family(
            "mitreden_database_up", "gauge", "1 when the database answered the scrape.", [((), 0)]
        )
    age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
    return [
        *metrics.family(
            "mitreden_database_up", "gauge", "1 when the database answered the scrape.", [((), 1)]
        ),
        *metrics.family(
            "mitreden_outbox_depth",
            "gauge",
            "Messages in the outbox not yet sent, failed or cancelled (all processes).",
            [((), depth)],
        ),
        *metrics.family(
            "mitreden_outbox_oldest_age_seconds",
            "gauge",
            "Age of the oldest message waiting in the outbox; 0 when none waits.",
            [((), round(max(0.0, age), 3))],
        ),
    ]


def _pool(app: Running) -> list[str]:
    pool = app.sessions.kw["bind"].pool
    size, checked_out = getattr(pool, "size", None), getattr(pool, "checkedout", None)
    if size is None or checked_out is None:
        return []
    return [
        *metrics.family(
            "mitreden_database_pool_size",
            "gauge",
            "Database connections this process may keep open.",
            [((), size())],
        ),
        *metrics.family(
            "mitreden_database_pool_checked_out",
            "gauge",
            "Database connections this process uses right now.",
            [((), checked_out())],
        ),
    ]
