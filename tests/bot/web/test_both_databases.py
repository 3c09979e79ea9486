"""The staff pages' queries on SQLite and PostgreSQL: filters, answers, status news,
merging, the overview and login throttling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App
from bot.channels.recording import RecordingChannel
from bot.web.server import create_web_app
from nlu.types import IntentRecognizer
from storage.models.core import OutboxMessage
from storage.topics import upsert_topic
from tests.bot.web.support import StaffClient, add_staff, log_in, running_app, staff_client
from tests.bot.web.test_ideas import citizen, propose, support
from tests.bot.web.test_questions import ATTACK, ask


@pytest.fixture
async def any_app(db_url: str, recognizer: IntentRecognizer) -> AsyncIterator[App]:
    async with running_app(db_url, recognizer, {"test": RecordingChannel("test")}) as app:
        yield app


@pytest.fixture
async def ben(any_app: App) -> AsyncIterator[StaffClient]:
    await add_staff(any_app, "ben", "admin")
    async with staff_client(create_web_app(any_app), "ben") as client:
        yield client


async def test_staff_work_on_either_database(any_app: App, ben: StaffClient) -> None:
    bus = await ask(any_app, "Fährt der Bus 5_% auch sonntags?", days_ago=2)
    await ask(any_app, ATTACK, user="citizen-2")
    async with any_app.sessions() as session, session.begin():
        await upsert_topic(session, "verkehr", "Verkehr", "Traffic", ["BUS"])
    by_topic = await ben.get("/questions", params={"topic": "verkehr"})
    assert "1 Frage(n) gefunden" in by_topic.text and bus in by_topic.text
    by_text = await ben.get("/questions", params={"q": "5_%"})
    assert "1 Frage(n) gefunden" in by_text.text
    await ben.post_form(f"/questions/{bus}/answer", {"answer": "Ja, stündlich."})

    author, fan = await citizen(any_app, "a"), await citizen(any_app, "b")
    kept = await propose(any_app, author, "Bänke", moderation="published")
    duplicate = await propose(any_app, fan, "Sitzbänke", moderation="published")
    await support(any_app, kept, fan)
    status = await ben.post_form(f"/ideas/{kept}/status", {"status": "accepted", "note": "Ja."})
    assert "2 Nachricht(en) unterwegs" in (await ben.follow(status)).text
    merged = await ben.post_form(f"/ideas/{duplicate}/merge", {"kept": kept})
    assert "0 Unterstützung(en)" in (await ben.follow(merged)).text  # b supports it already
    overview = await ben.get("/")
    assert overview.status_code == 200 and "&lt;script&gt;" in overview.text
    # the chart's table: entries, ideas, questions per local day
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    for day, figures in ((today, (0, 2, 1)), (today - timedelta(days=2), (0, 0, 1))):
        cells = "".join(f"<td>{n}</td>" for n in figures)
        assert f'<th scope="row">{day:%d.%m.}</th>{cells}' in overview.text
    async with any_app.sessions() as session:
        sent = list((await session.scalars(select(OutboxMessage.address))).all())
    assert sorted(sent) == ["chat-a", "chat-b", "chat-b", "chat-citizen-1"]

    for _ in range(5):
        await log_in(ben.http, "ben", "wrong")
    assert (await log_in(ben.http, "ben")).status_code == 429
