"""Reports reach the town's own Open311 system, and its news reaches the citizens.

The town's system is a real HTTP server on 127.0.0.1 (open311_town.py) that records what
it was sent and answers with the faults real systems show."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.open311_forwarding import ForwardingRun, forward_reports
from bot.civic.open311_status import poll_town_statuses
from bot.civic.services import StoreServices
from bot.config import Settings
from bot.runtime.scheduler import shared_jobs
from flows.ports.reports import NewReport
from storage.citizens import set_language
from storage.identities import resolve_citizen
from storage.models.core import OutboxMessage
from storage.models.report_forwarding import ReportForwarding
from storage.reports import create_report, report_by_ref
from storage.reports.photo_releases import release
from storage.reports.status import history
from tests.bot.civic.open311_town import TownServer, town_system

NOW = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]
LAMP = NewReport(
    "street_lighting", "Die Laterne ist dunkel.", "Lindenstraße 5", "de", 52.52, 13.405
)


@pytest.fixture
async def town() -> AsyncIterator[TownServer]:
    async with town_system() as server:
        yield server


def settings_for(town: TownServer, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "open311_town_url": town.url,
        "open311_town_api_key": "schluessel",
        "open311_town_jurisdiction": "musterstadt.de",
        "open311_town_service_codes": "street_lighting=001, road_damage=002",
        "open311_town_timeout": 0.5,
        **changes,
    }
    return Settings.model_validate(values)


async def _citizen(session: AsyncSession, chat: str, language: str = "de") -> int:
    citizen, _ = await resolve_citizen(session, "telegram", chat, chat, language, NOW)
    await set_language(session, citizen, language)
    return citizen


async def _report(sessions: Sessions, chat: str, report: NewReport = LAMP) -> str:
    async with sessions() as session, session.begin():
        citizen = await _citizen(session, chat)
        return await StoreServices(session, "telegram", clock=lambda: NOW).reports.create(
            citizen, report
        )


async def _forwarding(sessions: Sessions, ref: str) -> ReportForwarding | None:
    async with sessions() as session:
        report = await report_by_ref(session, ref)
        assert report is not None
        return await session.get(ReportForwarding, report.id)


async def _texts(sessions: Sessions) -> dict[str, list[str]]:
    async with sessions() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row.address, []).append(row.payload["text"])
    return found


async def _switched_on(db_sessions: Sessions, town: TownServer) -> Settings:
    """Forwarding starts with what is reported from now on."""
    settings = settings_for(town)
    await forward_reports(db_sessions, settings, NOW)
    return settings


async def test_nothing_happens_without_an_address(db_sessions: Sessions) -> None:
    ref = await _report(db_sessions, "anna")
    assert await forward_reports(db_sessions, Settings(open311_town_url=" "), NOW) == (
        ForwardingRun()
    )
    settings = Settings()
    assert not [job for job in shared_jobs(settings, db_sessions) if "open311" in job.id]
    run = await forward_reports(db_sessions, settings, NOW)
    assert (run.queued, run.forwarded) == (0, 0)
    assert await poll_town_statuses(db_sessions, settings, NOW) == 0
    async with db_sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ReportForwarding)) == 0
    assert await _forwarding(db_sessions, ref) is None


async def test_a_report_goes_to_the_town_with_its_service_code_and_position(
    db_sessions: Sessions, town: TownServer
) -> None:
    before = await _report(db_sessions, "old")
    settings = await _switched_on(db_sessions, town)
    ref = await _report(db_sessions, "anna")
    jobs = {job.id: job.every for job in shared_jobs(settings, db_sessions)}
    assert jobs["open311-news"] == timedelta(minutes=10) and "open311-forwarding" in jobs

    run = await forward_reports(db_sessions, settings, NOW)

    assert (run.queued, run.forwarded) == (1, 1)
    (posted,) = town.posted  # the report made before forwarding was switched on stays here
    assert posted == {
        "api_key": "schluessel",
        "service_code": "001",
        "description": "Die Laterne ist dunkel.",
        "lat": "52.52",
        "long": "13.405",
        "address_string": "Lindenstraße 5",
        "jurisdiction_id": "musterstadt.de",
    }
    stored = await _forwarding(db_sessions, ref)
    assert stored is not None and (stored.state, stored.service_request_id) == ("forwarded", "S1")
    assert await _forwarding(db_sessions, before) is None
    await forward_reports(db_sessions, settings, NOW + timedelta(hours=1))
    assert len(town.posted) == 1  # sent once


@pytest.mark.parametrize("fault", ["timeout", "429", "500", "garbage", "wrong charset"])
async def test_a_failing_town_system_loses_no_report(
    db_sessions: Sessions, town: TownServer, fault: str
) -> None:
    settings = await _switched_on(db_sessions, town)
    ref = await _report(db_sessions, "anna")
    town.faults.append(fault)

    run = await forward_reports(db_sessions, settings, NOW)

    assert (run.forwarded, run.waiting) == (0, 1)
    waiting = await _forwarding(db_sessions, ref)
    assert waiting is not None and waiting.state == "queued" and waiting.last_error
    assert waiting.next_attempt_at is not None and waiting.next_attempt_at > NOW
    await forward_reports(db_sessions, settings, NOW + timedelta(seconds=30))
    assert len(town.posted) == 1  # it waits before asking again
    if fault == "429":  # the system asked for an hour
        await forward_reports(db_sessions, settings, NOW + timedelta(minutes=30))
        assert len(town.posted) == 1

    later = await forward_reports(db_sessions, settings, NOW + timedelta(hours=2))

    assert later.forwarded == 1 and len(town.posted) == 2
    sent = await _forwarding(db_sessions, ref)
    assert sent is not None and (sent.state, sent.service_request_id) == ("forwarded", "S1")


async def test_a_refusal_is_shown_and_tried_again_only_after_the_settings_change(
    db_sessions: Sessions, town: TownServer
) -> None:
    settings = await _switched_on(db_sessions, town)
    ref = await _report(db_sessions, "anna")
    other = await _report(db_sessions, "ben", NewReport("graffiti", "Graffiti", "Markt 1", "de"))
    town.faults.append("403")

    run = await forward_reports(db_sessions, settings, NOW)

    assert run.refused == 2 and len(town.posted) == 1  # graffiti has no service code
    refused = await _forwarding(db_sessions, ref)
    assert refused is not None and refused.state == "refused"
    assert refused.last_error == "HTTP 403: api_key ist ungültig"
    unmapped = await _forwarding(db_sessions, other)
    assert unmapped is not None and "'graffiti'" in unmapped.last_error
    await forward_reports(db_sessions, settings, NOW + timedelta(days=2))
    assert len(town.posted) == 1  # not retried forever

    fixed = settings_for(
        town, open311_town_api_key="neu", open311_town_service_codes="street_lighting=001"
    )
    await forward_reports(db_sessions, fixed, NOW + timedelta(days=2))

    assert [form["api_key"] for form in town.posted] == ["schluessel", "neu"]
    sent = await _forwarding(db_sessions, ref)
    assert sent is not None and sent.state == "forwarded"


async def test_the_towns_news_reaches_reporter_and_follower_once(
    db_sessions: Sessions, town: TownServer
) -> None:
    settings = await _switched_on(db_sessions, town)
    ref = await _report(db_sessions, "anna")
    async with db_sessions() as session, session.begin():
        follower = await _citizen(session, "ben", "en")
        services = StoreServices(session, "telegram", clock=lambda: NOW)
        assert await services.reports.follow(follower, ref)
    await forward_reports(db_sessions, settings, NOW)
    assert await poll_town_statuses(db_sessions, settings, NOW) == 0  # open, no news yet

    town.set_status(1, "open", "Der Bauhof ist beauftragt.")
    assert await poll_town_statuses(db_sessions, settings, NOW + timedelta(minutes=10)) == 1
    assert await poll_town_statuses(db_sessions, settings, NOW + timedelta(minutes=20)) == 0
    town.set_status(1, "closed", "Lampe getauscht.")
    assert await poll_town_statuses(db_sessions, settings, NOW + timedelta(minutes=30)) == 1
    assert await poll_town_statuses(db_sessions, settings, NOW + timedelta(minutes=40)) == 0

    texts = await _texts(db_sessions)
    assert len(texts["anna"]) == 2 and len(texts["ben"]) == 2
    assert "Stand: in Bearbeitung" in texts["anna"][0] and "Bauhof" in texts["anna"][0]
    assert "Stand: erledigt" in texts["anna"][1] and "Lampe getauscht." in texts["anna"][1]
    assert "Status: done" in texts["ben"][1]
    async with db_sessions() as session:
        report = await report_by_ref(session, ref)
        assert report is not None and report.status == "done"
        changes = await history(session, report.id)
    assert {change.changed_by for change in changes} == {"Open311 127.0.0.1"}
    # a closed request is not asked about again
    assert town.asked[-1]["service_request_id"] == "S1"
    asked = len(town.asked)
    await poll_town_statuses(db_sessions, settings, NOW + timedelta(minutes=50))
    assert len(town.asked) == asked


async def test_a_system_answering_with_tokens_names_the_id_later(
    db_sessions: Sessions, town: TownServer
) -> None:
    town.answers_with_tokens = True
    settings = await _switched_on(db_sessions, town)
    ref = await _report(db_sessions, "anna")
    await forward_reports(db_sessions, settings, NOW)
    waiting = await _forwarding(db_sessions, ref)
    assert waiting is not None and (waiting.token, waiting.service_request_id) == ("tok-1", None)
    town.set_status(1, "closed", "Erledigt.")

    assert await poll_town_statuses(db_sessions, settings, NOW) == 1

    known = await _forwarding(db_sessions, ref)
    assert known is not None and known.service_request_id == "S1"
    assert "Stand: erledigt" in (await _texts(db_sessions))["anna"][0]


@pytest.mark.parametrize("fault", ["500", "garbage", "404"])
async def test_news_the_town_could_not_give_comes_with_a_later_run(
    db_sessions: Sessions, town: TownServer, fault: str
) -> None:
    settings = await _switched_on(db_sessions, town)
    await _report(db_sessions, "anna")
    await forward_reports(db_sessions, settings, NOW)
    town.set_status(1, "closed", "Lampe getauscht.")
    town.list_faults.append(fault)

    assert await poll_town_statuses(db_sessions, settings, NOW) == 0
    assert await poll_town_statuses(db_sessions, settings, NOW + timedelta(minutes=10)) == 1

    assert len((await _texts(db_sessions))["anna"]) == 1


async def test_settings_that_cannot_be_read_send_nothing_and_lose_nothing(
    db_sessions: Sessions, town: TownServer, caplog: pytest.LogCaptureFixture
) -> None:
    await _switched_on(db_sessions, town)
    ref = await _report(db_sessions, "anna")
    broken = settings_for(town, open311_town_service_codes="street_lighting 001")

    await forward_reports(db_sessions, broken, NOW)

    assert not town.posted
    assert "'street_lighting 001' is not category=service_code" in caplog.text
    await forward_reports(db_sessions, settings_for(town), NOW)
    sent = await _forwarding(db_sessions, ref)
    assert sent is not None and sent.state == "forwarded"


async def test_a_photo_staff_released_goes_along_as_media_url(
    db_sessions: Sessions, town: TownServer
) -> None:
    settings = settings_for(town, public_url="https://mitreden.musterstadt.de")
    await forward_reports(db_sessions, settings, NOW)
    photo, private = "AbCdEfGhIjKlMnOpQrStUvWx", "ZyXwVuTsRqPoNmLkJiHgFeDc"
    async with db_sessions() as session, session.begin():
        released = await create_report(
            session, citizen_id=None, category_code="street_lighting",
            description="Die Laterne ist dunkel.", place="Lindenstraße 5", language="de",
            now=NOW, photos=[photo], published=True,
        )  # fmt: skip
        await release(session, released, photo, "mia", NOW)
        await create_report(
            session, citizen_id=None, category_code="street_lighting",
            description="Noch eine Laterne.", place="Gartenweg 2", language="de",
            now=NOW, photos=[private], published=True,
        )  # fmt: skip

    run = await forward_reports(db_sessions, settings, NOW)

    assert run.forwarded == 2
    with_photo, without = town.posted
    assert with_photo["media_url"] == (
        f"https://mitreden.musterstadt.de/report-photos/{photo}/photo.jpg"
    )
    assert "media_url" not in without
