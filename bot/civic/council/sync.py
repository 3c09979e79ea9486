"""Reading the council's OParl server into the store, then turning new results into drafts.

One list at a time (papers, then meetings, per body). Each page is written in its own
transaction, and a list's mark (`modified_since` for the next run) moves only after the
list was read to its end: a time-out or server error halfway loses nothing and the next
run asks again from the same moment.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.council.client import OParlObject, get_object, list_objects, resolve_all
from bot.civic.council.corrections import follow_published
from bot.civic.council.drafts import apply_results
from bot.civic.council.errors import OParlError
from bot.civic.council.fetch import Reader, open_reader
from bot.civic.council.guard import policy_of
from bot.civic.council.mapping import (
    agenda_item_values,
    deleted_values,
    is_deleted,
    paper_values,
    reference_of,
)
from bot.civic.council.report import ListReport, SyncReport
from bot.civic.decisions import publish_decision
from bot.config import Settings
from storage import council

log = logging.getLogger(__name__)

# servers stamp `modified` with their own clock and commit late; asking a little further
# back than the last run costs a few repeated objects, which are written idempotently
OVERLAP = timedelta(minutes=10)
AUTO_PUBLISHER = "oparl (automatic)"


async def sync_council(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, now: datetime
) -> SyncReport:
    """Read what changed on the council's OParl server and make drafts of new results."""
    report = SyncReport(configured=bool(settings.oparl_system_url))
    system_url = settings.oparl_system_url
    if not system_url:
        return report
    try:
        policy = policy_of(
            system_url, settings.oparl_allowed_hosts, settings.oparl_allowed_networks
        )
    except OParlError as error:
        await _system_failed(sessions, report, system_url, now, error, None)
        return report
    async with open_reader(
        policy,
        total_seconds=settings.oparl_timeout,
        connect_seconds=settings.oparl_connect_timeout,
        max_bytes=settings.oparl_max_bytes,
    ) as reader:
        try:
            bodies = await _bodies(reader, system_url)
        except OParlError as error:
            await _system_failed(sessions, report, system_url, now, error, reader.take_warnings())
            bodies = []
        else:
            warning = reader.take_warnings()
            report.warnings += [warning] if warning else []
            async with sessions() as session, session.begin():
                await council.record_sync(session, system_url, now=now, warning=warning)
        for body in bodies:
            for kind, save in (("paper", _save_papers), ("meeting", _save_meetings)):
                list_url = body.get(kind)
                if isinstance(list_url, str) and list_url:
                    report.lists.append(
                        await _sync_list(sessions, reader, kind, list_url, save, now)
                    )
    await _make_drafts(sessions, settings, now, report)
    for line in report.lines():
        (log.info if report.ok else log.warning)("council data: %s", line)
    return report


async def _system_failed(
    sessions: async_sessionmaker[AsyncSession],
    report: SyncReport,
    system_url: str,
    now: datetime,
    error: OParlError,
    warning: str | None,
) -> None:
    report.errors.append(f"The council's OParl server could not be read: {error}")
    async with sessions() as session, session.begin():
        await council.record_sync(session, system_url, now=now, error=str(error), warning=warning)


async def _bodies(reader: Reader, system_url: str) -> list[OParlObject]:
    system = await get_object(reader, system_url)
    listed = system.get("body")
    bodies: list[OParlObject] = []
    if isinstance(listed, str):  # OParl: the URL of an external list
        async for page in list_objects(reader, listed):
            bodies.extend(page)
    else:  # some 1.0 servers embed the bodies or list their URLs
        bodies = [body async for body in resolve_all(reader, listed)]
    if not bodies:
        raise OParlError(f"{system_url} names no body (Körperschaft)")
    return [body for body in bodies if not is_deleted(body)]


SavePage = Callable[
    [Reader, list[OParlObject], datetime],
    Awaitable[Callable[[AsyncSession], Awaitable[int]]],
]


async def _sync_list(
    sessions: async_sessionmaker[AsyncSession],
    reader: Reader,
    kind: str,
    list_url: str,
    save: SavePage,
    now: datetime,
) -> ListReport:
    async with sessions() as session:
        mark = await council.sync_mark(session, list_url)
    report = ListReport(kind, list_url, incremental=mark.synced_until is not None)
    try:
        async for page in list_objects(reader, list_url, mark.synced_until):
            write = await save(reader, page, now)  # all HTTP first: no transaction waits on it
            async with sessions() as session, session.begin():
                report.deleted += await write(session)
            report.objects += len(page)
    except OParlError as error:
        report.error = str(error)
    report.warning = reader.take_warnings()
    async with sessions() as session, session.begin():
        await council.record_sync(
            session,
            list_url,
            now=now,
            synced_until=None if report.error else now - OVERLAP,
            error=report.error,
            warning=report.warning,
        )
    return report


async def _save_papers(
    reader: Reader, page: list[OParlObject], now: datetime
) -> Callable[[AsyncSession], Awaitable[int]]:
    consultations: dict[str, list[OParlObject]] = {}
    for paper in page:
        if not is_deleted(paper):
            consultations[paper["id"]] = [
                c async for c in resolve_all(reader, paper.get("consultation")) if not is_deleted(c)
            ]

    async def write(session: AsyncSession) -> int:
        deleted = 0
        for paper in page:
            if is_deleted(paper):
                await council.save_paper(session, deleted_values(paper, now))
                deleted += 1
                continue
            await council.save_paper(session, paper_values(paper, now))
            for consultation in consultations[paper["id"]]:
                await council.save_consultation(
                    session,
                    consultation["id"],
                    paper["id"],
                    reference_of(consultation, "agendaItem"),
                )
        return deleted

    return write


async def _save_meetings(
    reader: Reader, page: list[OParlObject], now: datetime
) -> Callable[[AsyncSession], Awaitable[int]]:
    items: dict[str, list[OParlObject] | None] = {}
    complete: dict[str, bool] = {}
    for meeting in page:
        listed = meeting.get("agendaItem")
        # a meeting without the attribute says nothing about its items; keep what we have
        found = [item async for item in resolve_all(reader, listed)] if listed else []
        items[meeting["id"]] = found if listed is not None else None
        # an item that could not be read (a refused reference) is not gone upstream
        complete[meeting["id"]] = len(found) == (len(listed) if isinstance(listed, list) else 1)

    async def write(session: AsyncSession) -> int:
        deleted = 0
        for meeting in page:
            if is_deleted(meeting):
                await council.mark_items_of_meeting_deleted(session, meeting["id"], [], now)
                deleted += 1
                continue
            found = items[meeting["id"]]
            if found is None:
                continue
            for item in found:
                await council.save_agenda_item(session, agenda_item_values(item, meeting, now))
                embedded: Any = item.get("consultation")
                if isinstance(embedded, dict) and isinstance(embedded.get("id"), str):
                    await council.save_consultation(
                        session, embedded["id"], reference_of(embedded, "paper"), item["id"]
                    )
            if complete[meeting["id"]]:
                await council.mark_items_of_meeting_deleted(
                    session, meeting["id"], [item["id"] for item in found], now
                )
        return deleted

    return write


async def _make_drafts(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    now: datetime,
    report: SyncReport,
) -> None:
    oldest = now - timedelta(days=settings.oparl_results_days)
    async with sessions() as session, session.begin():
        touched = {item.id: item for item in await council.touched_items(session, since=now)}
        for item in await council.items_of_papers_synced_since(session, now):
            touched.setdefault(item.id, item)
        items = list(touched.values())
        changes = await apply_results(session, items, now, oldest)
        report.drafts_created = changes.created
        report.drafts_updated = changes.updated
        report.drafts_removed = changes.removed
        published = await follow_published(session, items, now)
        report.corrections = published.corrections
        report.withdrawn = published.withdrawn
        report.messages_cancelled = published.messages_cancelled
        if settings.oparl_auto_publish:  # never corrections: staff read those first
            for decision_id in changes.created:
                report.messages_queued += await publish_decision(
                    session, decision_id, by=AUTO_PUBLISHER, now=now
                )
                report.published += 1
