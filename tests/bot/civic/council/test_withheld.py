"""What the council did behind closed doors, or in meetings that never took place, never
reaches citizens; `deleted`, `public` and `cancelled` are read alike as booleans or strings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from bot.civic.council.sync import sync_council
from bot.civic.decisions import publish_decision
from storage.council import reference_key
from storage.models.civic import Decision
from storage.models.core import OutboxMessage
from storage.models.council import CouncilAgendaItem
from tests.bot.civic.council.conftest import NOW, council_settings
from tests.bot.civic.council.oparl_server import OParlServer
from tests.bot.civic.council.support import (
    add_citizen,
    drafts_by_item,
    follow,
    queued_messages,
)
from tests.bot.web.support import StaffClient

Sessions = async_sessionmaker[AsyncSession]
LATER = NOW + timedelta(hours=1)
CHANGED = (NOW + timedelta(minutes=30)).isoformat()


async def test_closed_sessions_and_cancelled_meetings_never_reach_citizens(
    town: Sessions, oparl_edge: OParlServer
) -> None:
    async with town() as session, session.begin():
        for topic in ("umwelt", "verkehr", "stadtentwicklung", "bildung"):
            citizen = await add_citizen(session, f"follows-{topic}")
            session.add(follow(citizen, "topic", topic))

    report = await sync_council(town, council_settings(oparl_edge, oparl_auto_publish=True), NOW)

    assert report.ok, report.lines()
    # 9102 (public: false) and 9103 (public: "false") were closed sessions, 9104 is
    # deleted: "true", 9201 and 9301 belong to cancelled meetings; 9105 says deleted: "false"
    assert sorted(await drafts_by_item(town)) == ["9101", "9105"]
    sent = {m.address: m.payload["text"] for m in await queued_messages(town)}
    assert sorted(sent) == ["follows-bildung-0", "follows-verkehr-0"]
    assert not any("Müller" in text or "Parkgebühren" in text for text in sent.values())
    async with town() as session:
        closed = list(
            await session.scalars(
                select(CouncilAgendaItem).where(CouncilAgendaItem.public.is_(False))
            )
        )
    # what was said behind closed doors is not even stored
    assert sorted(item.number or "" for item in closed) == ["N 1", "N 2"]
    assert all(
        (item.name, item.result, item.resolution_text) == ("", None, None) for item in closed
    )


async def test_items_withheld_later_take_their_drafts_and_published_decisions_along(
    town: Sessions, oparl: OParlServer
) -> None:
    settings = council_settings(oparl)
    async with town() as session, session.begin():
        told = await add_citizen(session, "told-already")
        waiting = await add_citizen(session, "not-told-yet")
        session.add_all(
            [
                follow(told, "paper", reference_key("2026/123")),
                follow(waiting, "paper", reference_key("2026/123")),
            ]
        )
    await sync_council(town, settings, NOW)
    bike = (await drafts_by_item(town))["9001"][0]
    async with town() as session, session.begin():
        assert await publish_decision(session, bike.id, by="clerk", now=NOW) == 2
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.address == "told-already-0")
            .values(state="sent")
        )
    council_meeting, committee = oparl.meeting("71"), oparl.meeting("72")
    council_meeting.update(cancelled="true", modified=CHANGED)  # as a string, as some servers do
    committee["agendaItem"][0]["public"] = False
    committee["modified"] = CHANGED

    report = await sync_council(town, settings, LATER)

    assert report.ok, report.lines()
    assert (report.withdrawn, report.messages_cancelled) == ([bike.id], 1)
    assert any("Withdrawn" in line and str(bike.id) in line for line in report.lines())
    drafts = await drafts_by_item(town)
    assert list(drafts) == ["9001"]  # the drafts of 9002 and 9003 are gone
    assert drafts["9001"][0].status == "withdrawn"
    states = {m.address: m.state for m in await queued_messages(town)}
    assert states == {"told-already-0": "sent", "not-told-yet-0": "cancelled"}
    async with town() as session:
        with pytest.raises(ValueError, match="withdrawn"):
            await publish_decision(session, bike.id, by="clerk", now=LATER)


async def test_staff_see_a_withdrawn_decision_and_cannot_publish_it_again(
    staff_app: tuple[App, StaffClient], oparl_edge: OParlServer
) -> None:
    app, staff = staff_app
    settings = council_settings(oparl_edge)
    await sync_council(app.sessions, settings, NOW)
    plan = (await drafts_by_item(app.sessions))["9101"][0]
    await staff.post_form(f"/decisions/{plan.id}/publish")
    item = oparl_edge.meeting("81")["agendaItem"][0]
    item["public"] = "FALSE"
    oparl_edge.meeting("81")["modified"] = CHANGED
    await sync_council(app.sessions, settings, LATER)

    page = await staff.get(f"/decisions/{plan.id}")
    assert "zurückgezogen (nicht öffentlich)" in page.text
    again = await staff.follow(await staff.post_form(f"/decisions/{plan.id}/publish"))
    assert "Dieser Beschluss wurde zurückgezogen" in again.text
    async with app.sessions() as session:
        decision = await session.get(Decision, plan.id)
    assert decision is not None and decision.status == "withdrawn"
