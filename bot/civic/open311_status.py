"""News from the town's own Open311 system about forwarded reports, as a scheduled job.

GET `{base}/requests.json?service_request_id=a,b,c` in batches; GeoReport v2 knows only
open and closed, with the town's `status_notes`. A change the town made becomes a status
change of the report through bot/civic/report_news.py, so the reporter and the followers
hear of it the same way as of a change staff make. What the town said last is stored with
the change in one transaction: the same answer read again is no news.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

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
from bot.civic.report_news import change_report_status
from bot.config import Settings
from storage import reports
from storage.reports import forwarding as store

log = logging.getLogger(__name__)

BATCH = 50
MAX_NOTES = 1000
OPEN, CLOSED = "open", "closed"


async def poll_town_statuses(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, now: datetime
) -> int:
    """Asks the town's system about every forwarded report it has not closed; how many
    status changes reached citizens."""
    try:
        system = town_system(settings)
    except BadSettings as error:
        log.error("news of forwarded reports is not read: %s", error)
        return 0
    if system is None:
        return 0
    changes = 0
    async with open_session(system) as http:
        try:
            await _learn_ids(sessions, http, system, now)
            after = 0
            while True:
                async with sessions() as session:
                    rows = await store.forwarded(
                        session, system.url, with_id=True, after_id=after, limit=BATCH
                    )
                if not rows:
                    break
                after = rows[-1].report_id
                wanted = {row.service_request_id or "": row.report_id for row in rows}
                params = system.with_jurisdiction({"service_request_id": ",".join(wanted)})
                try:
                    data = await call(http, "GET", f"{system.url}/requests.json", params=params)
                except Refused as problem:  # e.g. 404 for ids it forgot: the next batch
                    log.warning(
                        "the town's system refused to name %s: %s", ",".join(wanted), problem
                    )
                    continue
                for item in data if isinstance(data, list) else []:
                    changes += await _take(sessions, system, wanted, item, now)
        except TryLater as problem:
            # what was read so far is stored; the rest is asked again at the next run
            log.warning("news of forwarded reports could not be read: %s", problem)
    return changes


async def _learn_ids(
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    system: TownSystem,
    now: datetime,
) -> None:
    """Systems that answer a new request with a token name its id later (GET tokens/…)."""
    async with sessions() as session:
        rows = await store.forwarded(session, system.url, with_id=False, after_id=0, limit=BATCH)
    for row in rows:
        if not row.token:
            continue
        url = f"{system.url}/tokens/{quote(row.token, safe='')}.json"
        try:
            answer = first_item(await call(http, "GET", url, params=system.with_jurisdiction({})))
        except Refused as problem:  # one unknown token must not keep the others waiting
            log.warning("the town's system refused to name token %s: %s", row.token, problem)
            continue
        request_id = text_of(answer.get("service_request_id"))
        if request_id:
            async with sessions() as session, session.begin():
                found = await store.forwarding_of(session, row.report_id)
                if found is not None:
                    found.service_request_id, found.updated_at = request_id, now


async def _take(
    sessions: async_sessionmaker[AsyncSession],
    system: TownSystem,
    wanted: dict[str, int],
    item: Any,
    now: datetime,
) -> int:
    """Stores one request's state; 1 when it became news for citizens."""
    if not isinstance(item, dict):
        return 0
    report_id = wanted.get(text_of(item.get("service_request_id")))
    status = text_of(item.get("status")).lower()
    if report_id is None or status not in (OPEN, CLOSED):
        return 0
    notes = text_of(item.get("status_notes"))[:MAX_NOTES]
    async with sessions() as session, session.begin():
        row = await store.forwarding_of(session, report_id)
        report = await reports.report_by_id(session, report_id)
        if (
            row is None
            or report is None
            or (row.remote_status, row.remote_notes)
            == (
                status,
                notes,
            )
        ):
            return 0
        new_notes = notes if notes != row.remote_notes else ""
        row.remote_status, row.remote_notes, row.updated_at = status, notes, now
        ours = our_status(status, notes, report.status)
        if ours is None or (ours == report.status and not new_notes):
            return 0
        await change_report_status(
            session,
            report.ref or "",
            ours,
            note_de=new_notes,
            note_en="",  # the town writes in German; English readers get that note
            staff=f"Open311 {urlsplit(system.url).hostname or system.url}",
            now=now,
        )
    return 1


def our_status(theirs: str, notes: str, current: str) -> str | None:
    """The status the town's answer means here; None when it must not change ours.

    closed is done; open with a note is in progress, without one it changes nothing. A
    report staff closed here (or marked a duplicate) stays as they left it.
    """
    if current not in reports.OPEN_STATUSES:
        return None
    if theirs == CLOSED:
        return reports.DONE
    return reports.IN_PROGRESS if notes else current
