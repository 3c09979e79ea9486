"""A council result that changes after its decision was published: staff get a correction
draft and an alert, and once they publish it, everyone who was told hears of it once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from bot.civic.council.sync import sync_council
from bot.civic.decisions import publish_decision
from storage.council import reference_key
from storage.models.civic import Decision
from storage.models.core import OutboxMessage
from tests.bot.civic.council.conftest import NOW, council_settings
from tests.bot.civic.council.oparl_server import OParlServer
from tests.bot.civic.council.support import add_citizen, drafts_by_item, follow
from tests.bot.web.support import StaffClient

Sessions = async_sessionmaker[AsyncSession]
LATER = NOW + timedelta(hours=1)


def change_result(oparl: OParlServer, result: str, minutes: int = 30) -> None:
    meeting = oparl.meeting("71")
    meeting["agendaItem"][0]["result"] = result  # item 9001, paper 2026/123
    meeting["modified"] = (NOW + timedelta(minutes=minutes)).isoformat()


async def _corrections(sessions: Sessions) -> list[Decision]:
    async with sessions() as session:
        rows = await session.scalars(select(Decision).where(Decision.corrects_id.is_not(None)))
        return list(rows)


async def _texts(sessions: Sessions, decision_id: int) -> dict[str, str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"decision:{decision_id}:%"))
        )
        return {m.address: m.payload["text"] for m in rows}


async def test_a_changed_result_is_corrected_for_those_who_were_told(
    town: Sessions, oparl: OParlServer
) -> None:
    async with town() as session, session.begin():
        reader = await add_citizen(session, "paper-reader")
        cyclist = await add_citizen(session, "cyclist", language="en", chats=2)
        session.add_all(
            [
                follow(reader, "paper", reference_key("2026/123")),
                follow(cyclist, "topic", "verkehr"),
            ]
        )
    settings = council_settings(oparl, oparl_auto_publish=True)
    await sync_council(town, settings, NOW)
    bike = (await drafts_by_item(town))["9001"][0]
    assert bike.status == "published"
    async with town() as session, session.begin():
        await session.execute(update(OutboxMessage).values(state="sent"))
        newcomer = await add_citizen(session, "follows-later")  # was never told
        session.add(follow(newcomer, "paper", reference_key("2026/123")))

    change_result(oparl, "aufgehoben")
    report = await sync_council(town, settings, LATER)

    assert report.ok, report.lines()
    [correction] = await _corrections(town)
    assert report.corrections == [correction.id] and report.published == 0  # staff decide
    assert any("correction drafts" in line for line in report.lines())
    assert (correction.status, correction.corrects_id) == ("draft", bike.id)
    assert correction.text.startswith("Neues Ergebnis: aufgehoben (bisher: Geändert beschlossen)")
    assert correction.paper_reference == "2026/123" and correction.title == bike.title
    original = (await drafts_by_item(town))["9001"][0]
    assert original.text == bike.text and original.status == "published"  # as citizens saw it
    quiet = await sync_council(town, settings, LATER + timedelta(hours=1))
    assert quiet.corrections == [] and len(await _corrections(town)) == 1

    async with town() as session, session.begin():
        queued = await publish_decision(session, correction.id, by="clerk", now=LATER)
    async with town() as session, session.begin():
        again = await publish_decision(session, correction.id, by="clerk", now=LATER)

    assert (queued, again) == (3, 0)
    texts = await _texts(town, correction.id)
    assert sorted(texts) == ["cyclist-0", "cyclist-1", "paper-reader-0"]
    german = texts["paper-reader-0"]
    assert german.startswith(
        "📣 Korrektur: Eine Entscheidung, von der Sie gehört haben, hat sich geändert:"
    )
    assert "Neues Ergebnis: aufgehoben (bisher: Geändert beschlossen)" in german
    assert "Vorlage 2026/123" in german
    assert texts["cyclist-0"].startswith("📣 Correction: a decision you heard about has changed")


async def test_a_result_changed_back_before_review_needs_no_correction(
    town: Sessions, oparl: OParlServer
) -> None:
    settings = council_settings(oparl, oparl_auto_publish=True)
    await sync_council(town, settings, NOW)
    change_result(oparl, "vertagt")
    await sync_council(town, settings, LATER)
    [first] = await _corrections(town)
    change_result(oparl, "aufgehoben", minutes=90)
    await sync_council(town, settings, LATER + timedelta(hours=1))
    [same] = await _corrections(town)
    assert same.id == first.id and same.text.startswith("Neues Ergebnis: aufgehoben")

    change_result(oparl, "Geändert beschlossen", minutes=150)
    await sync_council(town, settings, LATER + timedelta(hours=2))

    assert await _corrections(town) == []


async def test_staff_are_alerted_on_the_overview_and_in_the_list(
    staff_app: tuple[App, StaffClient], oparl: OParlServer
) -> None:
    app, staff = staff_app
    settings = council_settings(oparl, oparl_auto_publish=True)
    await sync_council(app.sessions, settings, NOW)
    change_result(oparl, "aufgehoben")
    await sync_council(app.sessions, settings, LATER)
    [correction] = await _corrections(app.sessions)

    overview = (await staff.get("/")).text
    assert "Korrekturen zum Prüfen: 1" in overview
    assert f'<a href="/decisions/{correction.id}">Radwegebau an der Hauptstraße</a>' in overview
    assert f"Korrektur zu D-{correction.corrects_id}" in overview
    listing = (await staff.get("/decisions")).text
    assert f"Korrektur zu D-{correction.corrects_id}" in listing
    page = (await staff.get(f"/decisions/{correction.id}")).text
    assert "📣 Korrektur: Eine Entscheidung" in page
