"""Reading the council's OParl server into the store, then turning new results into drafts.

One list at a time (papers, then meetings, per body). Each page is written in its own
transaction, and a list's mark (`modified_since` for the next run) moves only after the
list was read to its end: a time-out or server error halfway loses nothing and the next
run asks again from the same moment.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.council.client import (
    OParlError,
    OParlObject,
    client_session,
    get_object,
    is_deleted,
    list_objects,
    resolve_all,
)
from bot.civic.council.drafts import apply_results
from bot.civic.council.mapping import agenda_item_values, deleted_values, paper_values, reference_of
from bot.civic.decisions import publish_decision
from bot.config import Settings
from storage import council

log = logging.getLogger(__name__)

# servers stamp `modified` with their own clock and commit late; asking a little further
# back than the last run costs a few repeated objects, which are written idempotently
OVERLAP = timedelta(minutes=10)
AUTO_PUBLISHER = "oparl (automatic)"


@dataclass
class ListReport:
    kind: str  # "paper" or "meeting"
    url: str
    incremental: bool
    objects: int = 0
    deleted: int = 0
    error: str | None = None


@dataclass
class SyncReport:
    configured: bool
    lists: list[ListReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    drafts_created: list[int] = field(default_factory=list)
    drafts_updated: int = 0
    drafts_removed: int = 0
    published: int = 0
    messages_queued: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and all(item.error is None for item in self.lists)

    def lines(self) -> list[str]:
        """The report in plain words, for the log and `mitreden council sync`."""
        if not self.configured:
            return ["No council data configured (MITREDEN_OPARL_SYSTEM_URL is not set)."]
        lines = list(self.errors)
        for item in self.lists:
            how = "changes" if item.incremental else "everything"
            if item.error:
                lines.append(
                    f"{item.kind} list {item.url}: stopped after {item.objects} objects: "
                    f"{item.error}. The next run asks again from the same point."
                )
            else:
                lines.append(
                    f"{item.kind} list {item.url} ({how}): {item.objects} objects, "
                    f"{item.deleted} deleted upstream"
                )
        lines.append(
            f"Drafts: {len(self.drafts_created)} new, {self.drafts_updated} updated, "
            f"{self.drafts_removed} removed; {self.published} published automatically "
            f"({self.messages_queued} messages queued)."
        )
        return lines


async def sync_council(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, now: datetime
) -> SyncReport:
    """Read what changed on the council's OParl server and make drafts of new results."""
    report = SyncReport(configured=bool(settings.oparl_system_url))
    system_url = settings.oparl_system_url
    if not system_url:
        return report
    async with client_session(settings.oparl_timeout) as http:
        try:
            bodies = await _bodies(http, system_url)
        except OParlError as error:
            report.errors.append(f"The council's OParl server could not be read: {error}")
            async with sessions() as session, session.begin():
                await council.record_sync(session, system_url, now=now, error=str(error))
            bodies = []
        else:
            async with sessions() as session, session.begin():
                await council.record_sync(session, system_url, now=now)
        for body in bodies:
            for kind, save in (("paper", _save_papers), ("meeting", _save_meetings)):
                list_url = body.get(kind)
                if isinstance(list_url, str) and list_url:
                    report.lists.append(await _sync_list(sessions, http, kind, list_url, save, now))
    await _make_drafts(sessions, settings, now, report)
    for line in report.lines():
        (log.info if report.ok else log.warning)("council data: %s", line)
    return report


async def _bodies(http: aiohttp.ClientSession, system_url: str) -> list[OParlObject]:
    system = await get_object(http, system_url)
    listed = system.get("body")
    bodies: list[OParlObject] = []
    if isinstance(listed, str):  # OParl: the URL of an external list
        async for page in list_objects(http, listed):
            bodies.extend(page)
    else:  # some 1.0 servers embed the bodies or list their URLs
        bodies = [body async for body in resolve_all(http, listed)]
    if not bodies:
        raise OParlError(f"{system_url} names no body (Körperschaft)")
    return [body for body in bodies if not is_deleted(body)]


SavePage = Callable[
    [aiohttp.ClientSession, list[OParlObject], datetime],
    Awaitable[Callable[[AsyncSession], Awaitable[int]]],
]


async def _sync_list(
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    kind: str,
    list_url: str,
    save: SavePage,
    now: datetime,
) -> ListReport:
    async with sessions() as session:
        mark = await council.sync_mark(session, list_url)
    report = ListReport(kind, list_url, incremental=mark.synced_until is not None)
    try:
        async for page in list_objects(http, list_url, mark.synced_until):
            write = await save(http, page, now)  # all HTTP first: no transaction waits on it
            async with sessions() as session, session.begin():
                report.deleted += await write(session)
            report.objects += len(page)
    except OParlError as error:
        report.error = str(error)
        async with sessions() as session, session.begin():
            await council.record_sync(session, list_url, now=now, error=report.error)
        return report
    async with sessions() as session, session.begin():
        await council.record_sync(session, list_url, now=now, synced_until=now - OVERLAP)
    return report


async def _save_papers(
    http: aiohttp.ClientSession, page: list[OParlObject], now: datetime
) -> Callable[[AsyncSession], Awaitable[int]]:
    consultations: dict[str, list[OParlObject]] = {}
    for paper in page:
        if not is_deleted(paper):
            consultations[paper["id"]] = [
                c async for c in resolve_all(http, paper.get("consultation"))
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
    http: aiohttp.ClientSession, page: list[OParlObject], now: datetime
) -> Callable[[AsyncSession], Awaitable[int]]:
    items: dict[str, list[OParlObject] | None] = {}
    for meeting in page:
        listed = meeting.get("agendaItem")
        # a meeting without the attribute says nothing about its items; keep what we have
        items[meeting["id"]] = (
            [item async for item in resolve_all(http, listed)] if listed is not None else None
        )

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
        recent = [
            item
            for item in touched.values()
            if item.deleted or (item.meeting_start or item.modified or now) >= oldest
        ]
        changes = await apply_results(session, recent, now)
        report.drafts_created = changes.created
        report.drafts_updated = changes.updated
        report.drafts_removed = changes.removed
        if settings.oparl_auto_publish:
            for decision_id in changes.created:
                report.messages_queued += await publish_decision(
                    session, decision_id, by=AUTO_PUBLISHER, now=now
                )
                report.published += 1
