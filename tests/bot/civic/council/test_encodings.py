"""Answers in other encodings than UTF-8, and answers that cannot be read, as real servers
send them: the sync reads what it can and records every problem where operators and staff
look (the sync state, `mitreden council status`, the overview)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from bot.civic.council.sync import sync_council
from storage.models.council import CouncilPaper
from tests.bot.civic.council.conftest import NOW, council_settings
from tests.bot.civic.council.oparl_server import OParlServer
from tests.bot.civic.council.support import drafts_by_item, marks_by_name
from tests.bot.web.support import StaffClient

Sessions = async_sessionmaker[AsyncSession]
MEETINGS = "/body/1/meeting"


async def test_latin_1_without_a_charset_is_read_and_the_fallback_is_recorded(
    town: Sessions, oparl_edge: OParlServer
) -> None:
    oparl_edge.encodings[MEETINGS] = ("latin-1", None)

    report = await sync_council(town, council_settings(oparl_edge), NOW)

    assert report.ok, report.lines()
    plan, _ = (await drafts_by_item(town))["9101"]
    assert plan.title == "Bebauungsplan Östliche Mühlenstraße"
    assert "Der Rat beschließt den Bebauungsplan für die Östliche Mühlenstraße." in plan.text
    marks = await marks_by_name(town)
    meeting = marks["meeting"]
    assert meeting.synced_until is not None and meeting.last_error is None
    assert meeting.last_warning is not None
    assert "not UTF-8" in meeting.last_warning and "Windows-1252" in meeting.last_warning
    assert f"{oparl_edge.base}{MEETINGS}" in meeting.last_warning
    assert marks["paper"].last_warning is None  # the papers came as UTF-8
    assert any("warning" in line and "not UTF-8" in line for line in report.lines())


async def test_a_named_charset_is_used_without_a_warning(
    town: Sessions, oparl_edge: OParlServer
) -> None:
    oparl_edge.encodings[MEETINGS] = ("latin-1", "ISO-8859-1")

    report = await sync_council(town, council_settings(oparl_edge), NOW)

    assert report.ok, report.lines()
    assert (await drafts_by_item(town))["9101"][0].title == "Bebauungsplan Östliche Mühlenstraße"
    assert (await marks_by_name(town))["meeting"].last_warning is None


async def test_a_wrong_charset_falls_back_and_the_next_clean_run_clears_the_warning(
    town: Sessions, oparl_edge: OParlServer
) -> None:
    settings = council_settings(oparl_edge)
    oparl_edge.encodings[MEETINGS] = ("latin-1", "utf-8")  # says UTF-8, is not

    await sync_council(town, settings, NOW)

    assert (await drafts_by_item(town))["9101"][0].title == "Bebauungsplan Östliche Mühlenstraße"
    warning = (await marks_by_name(town))["meeting"].last_warning
    assert warning is not None and "said they were utf-8 but were not" in warning

    del oparl_edge.encodings[MEETINGS]
    await sync_council(town, settings, NOW.replace(hour=11))
    assert (await marks_by_name(town))["meeting"].last_warning is None


async def test_an_unreadable_page_is_an_error_of_its_list_only(
    town: Sessions, oparl_edge: OParlServer
) -> None:
    # nested deeper than any JSON reader follows: Python's raises RecursionError
    oparl_edge.raw[MEETINGS] = b"[" * 200_000 + b"]" * 200_000
    # PostgreSQL keeps no NUL character in text
    oparl_edge.paper("3001")["name"] = "Bebauungsplan\u0000 Nr. 12"

    report = await sync_council(town, council_settings(oparl_edge), NOW)

    papers, meetings = report.lists
    assert papers.error is None and papers.objects == 2
    assert meetings.error == f"{oparl_edge.base}{MEETINGS} did not answer with JSON"
    marks = await marks_by_name(town)
    assert marks["meeting"].last_error == meetings.error and marks["meeting"].synced_until is None
    async with town() as session:
        names = set(await session.scalars(select(CouncilPaper.name)))
    assert "Bebauungsplan Nr. 12" in names


async def test_the_overview_shows_what_went_wrong_with_the_council_data(
    staff_app: tuple[App, StaffClient], oparl_edge: OParlServer
) -> None:
    app, staff = staff_app
    oparl_edge.encodings[MEETINGS] = ("latin-1", None)
    oparl_edge.fail("/body/1/paper", how="500")
    await sync_council(app.sessions, council_settings(oparl_edge), NOW)

    page = (await staff.get("/")).text

    assert "Ratsinformationssystem" in page
    assert "Beim letzten Lesen der Ratsdaten gab es Probleme" in page
    assert f"Fehler: {oparl_edge.base}/body/1/paper answered HTTP 500" in page
    assert "Hinweis: answers that are not UTF-8 and name no charset" in page
    english = (await staff.get("/?lang=en")).text
    assert "The last reading of the council data had problems" in english
