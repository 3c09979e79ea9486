"""Sending citizens' reports on to the town's own Open311 system, as a scheduled job.

The chat stores a report and confirms it at once; this job, in the leading process only,
queues every report made since forwarding was switched on and POSTs the due ones to
`{base}/requests.json`. Each answer is written in a transaction of its own, and no
transaction stays open while the town's system is asked. A system that is away, busy or
answers garbage leaves the report queued with a growing wait; one that refuses (HTTP 4xx)
marks it "not forwarded" with the reason, for staff to see, until the operator changes the
settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.open311_client import (
    BadSettings,
    Refused,
    TownSystem,
    TryLater,
    call,
    first_item,
    open_session,
    text_of,
    town_system,
)
from bot.config import Settings
from storage.models.reports import Report
from storage.reports import DUPLICATE
from storage.reports import forwarding as store
from storage.reports.photo_releases import first_public_photos, photo_address

log = logging.getLogger(__name__)

FORWARD_EVERY = timedelta(seconds=30)
BATCH = 50
FIRST_WAIT = timedelta(minutes=1)
MAX_WAIT = timedelta(hours=6)
MAX_RETRY_AFTER = timedelta(hours=24)  # a system asking to wait longer is asked again then
MAX_DESCRIPTION = 4000


@dataclass
class ForwardingRun:
    """What one run did, for the log and the tests."""

    queued: int = 0
    forwarded: int = 0
    waiting: int = 0
    refused: int = 0


async def forward_reports(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, now: datetime
) -> ForwardingRun:
    run = ForwardingRun()
    try:
        system = town_system(settings)
    except BadSettings as error:
        log.error("reports are not forwarded: %s", error)
        return run
    if system is None:
        return run
    mark = system.mark()
    async with sessions() as session, session.begin():
        start = await store.start_of(session, system.url, now)
        run.queued = await store.queue_new(session, system.url, start, now)
        await store.requeue_refused(session, system.url, mark)
        due = await store.due(session, system.url, now, BATCH)
        # a photo goes along when staff released it by now; a later release is not re-sent
        photos = await first_public_photos(session, [report for _, report in due])
        work = [
            (row.report_id, report, _media_url(settings, photos.get(report.id)))
            for row, report in due
        ]
    if not work:
        return run
    async with open_session(system) as http:
        for report_id, report, media_url in work:
            outcome = await _send(http, system, report, media_url)
            async with sessions() as session, session.begin():
                row = await store.forwarding_of(session, report_id)
                if row is None or row.state != store.QUEUED:
                    continue  # erased meanwhile
                if isinstance(outcome, Refused):
                    store.mark_refused(row, str(outcome), mark, now)
                    run.refused += 1
                    log.warning("report %s was not forwarded: %s", report.ref, outcome)
                elif isinstance(outcome, TryLater):
                    store.mark_failed(row, str(outcome), now + _wait(row.attempts, outcome), now)
                    run.waiting += 1
                    log.warning("report %s waits to be forwarded: %s", report.ref, outcome)
                else:
                    request_id, token = outcome
                    store.mark_forwarded(row, request_id, token, now)
                    run.forwarded += 1
            if isinstance(outcome, TryLater):
                break  # the system is away or busy: the others wait for the next run
    if run.forwarded or run.refused:
        log.info(
            "reports forwarded to %s: %d, not forwarded: %d", system.url, run.forwarded, run.refused
        )
    return run


def _media_url(settings: Settings, photo: str | None) -> str | None:
    return photo_address(settings.public_url, photo) if photo else None


async def _send(
    http: aiohttp.ClientSession, system: TownSystem, report: Report, media_url: str | None
) -> tuple[str | None, str | None] | TryLater | Refused:
    """(service_request_id, token) as the town answered, or why it did not work."""
    try:
        form = request_form(system, report, media_url)
        answer = first_item(await call(http, "POST", f"{system.url}/requests.json", form=form))
    except (TryLater, Refused) as problem:
        return problem
    request_id = text_of(answer.get("service_request_id")) or None
    token = text_of(answer.get("token")) or None
    if request_id is None and token is None:
        return TryLater(f"{system.url}/requests.json named neither service_request_id nor token")
    return request_id, token


def request_form(
    system: TownSystem, report: Report, media_url: str | None = None
) -> dict[str, str]:
    """The GeoReport v2 form for one report. Raises Refused for a report the town cannot
    take. `media_url` is the public address of a photo staff released; other photos stay
    in the staff app."""
    code = system.service_codes.get(report.category_code)
    if code is None:
        raise Refused(
            f"no service code for the category {report.category_code!r} in "
            "MITREDEN_OPEN311_TOWN_SERVICE_CODES"
        )
    if report.status == DUPLICATE:
        raise Refused("marked as a duplicate before it was sent")
    fields = {
        "api_key": system.api_key,
        "service_code": code,
        "description": report.description[:MAX_DESCRIPTION],
    }
    if report.latitude is not None and report.longitude is not None:
        fields["lat"], fields["long"] = repr(report.latitude), repr(report.longitude)
    if report.place:
        fields["address_string"] = report.place
    if "lat" not in fields and "address_string" not in fields:
        raise Refused("the report has neither a place nor a position")
    if media_url:
        fields["media_url"] = media_url
    return system.with_jurisdiction(fields)


def _wait(attempts: int, problem: TryLater) -> timedelta:
    """1, 2, 4 … minutes up to six hours; longer when the system asked (429 Retry-After)."""
    wait = min(FIRST_WAIT * (1 << min(attempts, 20)), MAX_WAIT)
    if problem.retry_after is not None:
        wait = max(wait, min(timedelta(seconds=problem.retry_after), MAX_RETRY_AFTER))
    return wait
