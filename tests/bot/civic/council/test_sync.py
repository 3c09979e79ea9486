"""Reading a council's OParl server: lists, paging, changes, deletions, errors, drafts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.council.sync import sync_council
from bot.config import Settings
from storage.council import find_paper
from storage.models.council import CouncilAgendaItem, CouncilPaper
from tests.bot.civic.council.conftest import NOW, council_settings
from tests.bot.civic.council.oparl_server import OParlServer
from tests.bot.civic.council.support import drafts_by_item, marks_by_name

Sessions = async_sessionmaker[AsyncSession]


async def _papers(sessions: Sessions) -> dict[str, CouncilPaper]:
    async with sessions() as session:
        rows = await session.scalars(select(CouncilPaper))
        return {paper.external_id.rsplit("/", 1)[-1]: paper for paper in rows}


async def test_first_sync_reads_everything_and_drafts_the_recent_results(
    town: Sessions, oparl: OParlServer
) -> None:
    report = await sync_council(town, council_settings(oparl), NOW)

    assert report.ok, report.lines()
    assert [(item.kind, item.objects, item.incremental) for item in report.lists] == [
        ("paper", 5, False),
        ("meeting", 3, False),
    ]
    # five papers at two a page: three pages, none filtered on the first run
    assert [q.get("page", "1") for q in oparl.list_requests("/body/1/paper")] == ["1", "2", "3"]
    assert all("modified_since" not in q for q in oparl.list_requests("/body/1/paper"))

    papers = await _papers(town)
    assert papers["1001"].reference == "2026/123"
    assert papers["1001"].keywords == ["Radweg", "Hauptstraße"]
    assert papers["1002"].paper_date == "2026-11-12"  # written "12.11.2026" by the server
    assert papers["1004"].deleted and papers["1004"].name == ""
    assert papers["1005"].reference is None and papers["1005"].name.startswith("Anfrage")

    drafts = await drafts_by_item(town)
    # 9004 has no result; 8001 is from a meeting in 2025, too old to announce now
    assert sorted(drafts) == ["9001", "9002", "9003"]
    bike, bike_topic = drafts["9001"]
    assert (bike.status, bike.source, bike_topic) == ("draft", "oparl", "verkehr")
    assert bike.paper_reference == "2026/123"
    assert bike.title == "Radwegebau an der Hauptstraße"
    assert "Geändert beschlossen" in bike.text and "Frühjahr 2027" in bike.text
    assert bike.link == "https://ratsinfo.musterstadt.example/top/9001"
    kita, kita_topic = drafts["9002"]
    assert (kita.paper_reference, kita_topic) == ("VO/2026/0456", "bildung")
    minutes, minutes_topic = drafts["9003"]
    assert (minutes.paper_reference, minutes_topic) == (None, None)
    assert len(report.drafts_created) == 3
    assert report.published == 0


async def test_the_next_sync_asks_only_for_changes_and_follows_them(
    town: Sessions, oparl: OParlServer
) -> None:
    settings = council_settings(oparl)
    await sync_council(town, settings, NOW)
    later = NOW + timedelta(hours=1)
    changed = (NOW + timedelta(minutes=30)).isoformat()
    oparl.delete_paper("1003", modified=changed)
    meeting = oparl.meeting("71")
    meeting["modified"] = changed
    meeting["agendaItem"][0]["result"] = "Beschlossen mit Änderungen"
    meeting["agendaItem"] = [item for item in meeting["agendaItem"] if item["id"].endswith("9001")]
    oparl.requests.clear()

    report = await sync_council(town, settings, later)

    assert report.ok, report.lines()
    asked = oparl.list_requests("/body/1/paper")[0]
    assert asked["modified_since"] == (NOW - timedelta(minutes=10)).isoformat()
    assert [(item.objects, item.incremental) for item in report.lists] == [(1, True), (1, True)]
    assert (await _papers(town))["1003"].deleted
    drafts = await drafts_by_item(town)
    # the draft follows the new result; the item removed from the meeting takes its draft along
    assert "Beschlossen mit Änderungen" in drafts["9001"][0].text
    assert "9003" not in drafts
    assert (report.drafts_created, report.drafts_updated, report.drafts_removed) == ([], 1, 1)
    async with town() as session:
        gone = await session.scalar(
            select(CouncilAgendaItem.deleted).where(CouncilAgendaItem.external_id.like("%/9003"))
        )
        assert gone is True
        assert await find_paper(session, "2026/130") is None  # deleted upstream


async def test_a_server_error_halfway_keeps_the_mark_and_the_next_run_catches_up(
    town: Sessions, oparl: OParlServer
) -> None:
    settings = council_settings(oparl)
    oparl.fail("/body/1/paper", page=2, how="500")

    report = await sync_council(town, settings, NOW)

    assert not report.ok
    papers, meetings = report.lists
    assert papers.error is not None and "HTTP 500 (Interner Serverfehler)" in papers.error
    assert papers.objects == 2  # the first page is kept
    assert meetings.error is None and meetings.objects == 3
    assert any("The next run asks again from the same point" in line for line in report.lines())
    marks = await marks_by_name(town)
    assert marks["paper"].synced_until is None and "HTTP 500" in (marks["paper"].last_error or "")
    assert marks["meeting"].synced_until == NOW - timedelta(minutes=10)
    assert len(await _papers(town)) == 2

    oparl.requests.clear()
    again = await sync_council(town, settings, NOW + timedelta(minutes=15))

    assert again.ok, again.lines()
    assert "modified_since" not in oparl.list_requests("/body/1/paper")[0]
    assert len(await _papers(town)) == 5
    # drafts were made once, in the first run, although the meetings were read twice
    assert again.drafts_created == []
    assert len(await drafts_by_item(town)) == 3


async def test_a_server_that_does_not_answer_in_time_is_reported(
    town: Sessions, oparl: OParlServer
) -> None:
    oparl.slow_seconds = 3.0
    oparl.fail("/body/1/meeting", how="timeout")

    report = await sync_council(town, council_settings(oparl, oparl_timeout=0.5), NOW)

    assert not report.ok
    assert report.lists[0].error is None
    assert "did not answer in time" in (report.lists[1].error or "")
    marks = await marks_by_name(town)
    assert marks["meeting"].synced_until is None
    assert "did not answer in time" in (marks["meeting"].last_error or "")


async def test_an_unreachable_system_is_reported_and_changes_nothing(
    town: Sessions, oparl: OParlServer
) -> None:
    oparl.fail("/system", how="500")

    report = await sync_council(town, council_settings(oparl), NOW)

    assert not report.ok and report.lists == []
    assert "could not be read" in report.lines()[0] and "HTTP 500" in report.lines()[0]
    assert await _papers(town) == {}


async def test_an_oparl_1_0_server_with_referenced_objects(
    town: Sessions, oparl_v10: OParlServer
) -> None:
    report = await sync_council(town, council_settings(oparl_v10), NOW)

    assert report.ok, report.lines()
    papers = await _papers(town)
    assert papers["77"].keywords == ["Spielplatz", "Kinder"]  # one string on this server
    assert papers["77"].paper_date == "2026-11-03"
    drafts = await drafts_by_item(town)
    assert list(drafts) == ["310"]
    playground, topic = drafts["310"]
    assert (playground.paper_reference, topic) == ("DS 17/2026", "bildung")
    assert "Zugestimmt" in playground.text
    async with town() as session:
        item = await session.scalar(select(CouncilAgendaItem))
        assert item is not None and item.meeting_start is not None
        # "25.11.2026 18:30" in German local time
        assert item.meeting_start.isoformat() == "2026-11-25T17:30:00+00:00"
    # the agenda item and the consultation were fetched by their own URLs
    assert oparl_v10.list_requests("/agendaitem/310") and oparl_v10.list_requests(
        "/consultation/770"
    )


async def test_without_a_configured_server_nothing_happens(town: Sessions) -> None:
    report = await sync_council(town, Settings(), NOW)

    assert not report.configured
    assert report.lines() == ["No council data configured (MITREDEN_OPARL_SYSTEM_URL is not set)."]


async def test_a_server_that_refuses_the_change_filter_is_read_whole(
    town: Sessions, oparl: OParlServer
) -> None:
    settings = council_settings(oparl)
    await sync_council(town, settings, NOW)
    oparl.rejects_filters = True
    oparl.meeting("72")["agendaItem"][0]["result"] = "vertagt"

    report = await sync_council(town, settings, NOW + timedelta(hours=1))

    assert report.ok, report.lines()
    assert [item.objects for item in report.lists] == [5, 3]
    assert "vertagt" in (await drafts_by_item(town))["9002"][0].text


async def test_a_paper_that_arrives_later_completes_its_draft(
    town: Sessions, oparl: OParlServer
) -> None:
    settings = council_settings(oparl)
    kita = oparl.paper("1002")
    consultation = kita.pop("consultation")
    await sync_council(town, settings, NOW)
    assert (await drafts_by_item(town))["9002"][0].paper_reference is None

    kita["consultation"] = consultation
    kita["modified"] = (NOW + timedelta(minutes=30)).isoformat()
    report = await sync_council(town, settings, NOW + timedelta(hours=1))

    # the meeting did not change; the paper's new link to the agenda item is enough
    assert [item.objects for item in report.lists] == [1, 0]
    assert (await drafts_by_item(town))["9002"][0].paper_reference == "VO/2026/0456"
    assert report.drafts_updated == 1
