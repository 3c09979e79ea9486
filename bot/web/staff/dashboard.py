"""The overview: what waits for staff, what runs, what is being delivered, and how much
citizens took part over the last weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.civic.announcements import (
    SCHEDULED,
    SENDING,
    AnnouncementProgress,
    AnnouncementSummary,
    announcement_progress,
    list_announcements,
)
from bot.civic.council.alerts import council_alerts
from bot.web.charts import Series, legend, stacked_bars
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden, render
from storage import overview
from storage.topics import topic_name

CHART_DAYS = 30


def daily_counts(
    hours: list[tuple[datetime, int]], first_day: date, days: int, zone: ZoneInfo
) -> list[int]:
    """Counts per UTC hour summed into local days (an hour lies in one local day, since
    the town's offset from UTC is whole hours)."""
    counts = [0] * days
    for hour, count in hours:
        index = (hour.astimezone(zone).date() - first_day).days
        if 0 <= index < days:
            counts[index] += count
    return counts


async def _announcements(
    session: AsyncSession, now: datetime
) -> list[tuple[AnnouncementSummary, AnnouncementProgress]]:
    """Announcements waiting for their time or still being sent, with their progress."""
    found = []
    for row in await list_announcements(session, limit=50):
        if row.state in (SCHEDULED, SENDING):
            found.append((row, await announcement_progress(session, row.id, now)))
    return found


async def dashboard(request: Request) -> Response:
    app = mitreden(request)
    language = request_language(request)
    zone = ZoneInfo(app.settings.web_timezone)
    now = datetime.now(UTC)
    first_day = now.astimezone(zone).date() - timedelta(days=CHART_DAYS - 1)
    since = datetime.combine(first_day, datetime.min.time(), zone).astimezone(UTC)
    async with app.sessions() as session:
        open_count = await overview.open_question_count(session)
        oldest = await overview.oldest_open_questions(session)
        pending_count = await overview.pending_idea_count(session)
        pending = await overview.oldest_pending_ideas(session)
        running = await overview.running_consultations(session, now)
        outbox = await overview.outbox_counts(session)
        hours = await overview.contributions_per_hour(session, since)
        announcements = await _announcements(session, now)
        council = await council_alerts(session)
    days = [first_day + timedelta(days=i) for i in range(CHART_DAYS)]
    labels = [f"{d:%d.%m.}" if language == "de" else f"{d:%m/%d}" for d in days]
    series = [
        Series(
            translate(language, f"dashboard.series.{name}"),
            daily_counts(hours[name], first_day, CHART_DAYS, zone),
        )
        for name in ("participations", "ideas", "questions")
    ]
    title = translate(language, "dashboard.chart_title", days=CHART_DAYS)
    return await render(
        request,
        "staff/dashboard.html",
        {
            "open_count": open_count,
            "oldest": oldest,
            "pending": pending,
            "pending_count": pending_count,
            "running": running,
            "consultation_title": lambda c: c.title_en if language == "en" else c.title_de,
            "topic_name": lambda topic: topic_name(topic, language),
            "outbox": outbox,
            "announcements": announcements,
            "council": council,
            "chart": stacked_bars(labels, series, title=title),
            "chart_legend": legend(series),
            "chart_title": title,
            "chart_rows": [
                (label, [s.values[i] for s in series]) for i, label in enumerate(labels)
            ],
            "series": series,
        },
    )


def routes() -> list[BaseRoute]:
    return [Route("/", dashboard, methods=["GET"])]
