"""Announcement pages: compose with channel previews and audience size, send now or later,
progress as JSON and text, cancel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App
from bot.channels.recording import RecordingChannel
from nlu.types import IntentRecognizer
from storage.citizens import record_consent
from storage.identities import resolve_citizen
from storage.models.staff import AuditEntry
from storage.seed import ensure_default_topics
from storage.subscriptions import subscribe
from tests.bot.web.support import StaffClient, add_staff, running_app, staff_client

TEXT = {
    "text_de": "Straßenfest am <b>Samstag</b>!\nKommen Sie vorbei.",
    "text_en": "Street party on Saturday!",
    "audience": "all",
    "when": "now",
}


async def _citizens(app: App) -> None:
    """anna (German) follows "verkehr", bernd (English) does not; carla never agreed to the
    privacy notice, so no announcement reaches her."""
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        await ensure_default_topics(session)
        for name, language, consent in (
            ("anna", "de", True),
            ("bernd", "en", True),
            ("carla", "de", False),
        ):
            citizen, _ = await resolve_citizen(session, "test", name, name, language, now)
            if consent:
                await record_consent(session, citizen, "2026-11", "test", now)
            if name == "anna":
                await subscribe(session, citizen, "topic", "verkehr", now)


async def test_the_preview_shows_telegram_and_matrix_and_who_gets_it(
    web_app: App, staff: StaffClient
) -> None:
    await _citizens(web_app)
    page = await staff.post_form("/announcements/new", {**TEXT, "action": "preview"})
    assert page.status_code == 200
    assert "2 Menschen in 2 Chats." in page.text
    # Telegram: escaped HTML, the menu button; Matrix: HTML lines and the numbered options
    assert (
        '<div class="message">Straßenfest am &lt;b&gt;Samstag&lt;/b&gt;!\nKommen Sie vorbei.</div>'
        in page.text
    )
    assert '<span class="chat-button">Hauptmenü</span>' in page.text
    matrix = "Straßenfest am &lt;b&gt;Samstag&lt;/b&gt;!<br>Kommen Sie vorbei."
    assert f"{matrix}<ol><li>Hauptmenü</li></ol>" in page.text
    assert "Street party on Saturday!<ol><li>Main menu</li></ol>" in page.text
    assert "<b>Samstag</b>" not in page.text
    topic = await staff.post_form(
        "/announcements/new", {**TEXT, "audience": "topic", "topic": "verkehr", "action": "preview"}
    )
    assert "1 Menschen in 1 Chats." in topic.text and ">Meine Abos</span>" in topic.text


async def test_sending_now_shows_progress_until_everything_is_delivered(
    web_app: App, staff: StaffClient, citizen_channel: RecordingChannel
) -> None:
    await _citizens(web_app)
    sent = await staff.post_form("/announcements/new", {**TEXT, "action": "send"})
    assert sent.status_code == 303, sent.text
    page = await staff.follow(sent)
    assert "Die Mitteilung ist unterwegs." in page.text
    assert (
        'value="0"' in page.text
        and "0 % erledigt: 0 gesendet, 0 fehlgeschlagen, 2 offen von 2." in page.text
    )
    # nothing sent yet, so no pace to estimate from: said in a plain sentence
    assert (
        "2 offen von 2. Wie lange es noch dauert, zeigt sich, sobald die ersten Nachrichten "
        "verschickt sind." in page.text
    )
    assert "unbekannt lange" not in page.text
    url = sent.headers["location"]
    by_reference = await staff.get(url.replace("/announcements/", "/announcements/A-"))
    assert by_reference.status_code == 200 and "2 offen von 2." in by_reference.text
    before = (await staff.get(f"{url}/progress.json")).json()
    assert (before["total"], before["sent"], before["remaining"], before["finished"]) == (
        2,
        0,
        2,
        False,
    )
    assert await web_app.worker.drain_once() == 2
    after = (await staff.get(f"{url}/progress.json?lang=en")).json()
    assert (after["sent"], after["remaining"], after["percent"], after["finished"]) == (
        2,
        0,
        100,
        True,
    )
    assert after["summary"].startswith("100 % done: 2 sent, 0 failed, 0 remaining of 2.")
    assert [r.text for r in citizen_channel.take("anna")] == [TEXT["text_de"]]
    assert [r.text for r in citizen_channel.take("bernd")] == [TEXT["text_en"]]
    assert citizen_channel.take("carla") == []
    done = await staff.get(url)
    assert "fertig" in done.text and "Versand abbrechen" not in done.text
    listing = await staff.get("/announcements")
    assert "2 von 2 gesendet, 0 fehlgeschlagen" in listing.text


async def test_a_scheduled_announcement_waits_and_can_be_cancelled(
    web_app: App, staff: StaffClient
) -> None:
    await _citizens(web_app)
    later = (datetime.now(UTC) + timedelta(days=2)).astimezone(ZoneInfo("Europe/Berlin"))
    scheduled = await staff.post_form(
        "/announcements/new",
        {**TEXT, "when": "later", "send_at": later.strftime("%Y-%m-%dT%H:%M"), "action": "send"},
    )
    assert scheduled.status_code == 303, scheduled.text
    page = await staff.follow(scheduled)
    assert (
        "Die Mitteilung ist geplant." in page.text and "Geplant, noch nichts gesendet." in page.text
    )
    url = scheduled.headers["location"]
    cancelled = await staff.follow(await staff.post_form(f"{url}/cancel"))
    assert "Die Mitteilung ist abgebrochen." in cancelled.text
    assert (await staff.get(f"{url}/progress.json")).json()["state"] == "cancelled"
    again = await staff.follow(await staff.post_form(f"{url}/cancel"))
    assert "schon fertig oder abgebrochen" in again.text
    assert await web_app.worker.drain_once() == 0
    async with web_app.sessions() as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.startswith("announcement."))
                .order_by(AuditEntry.id)
            )
        )
    assert actions == ["announcement.create", "announcement.cancel"]


async def test_bad_input_is_explained_and_nothing_is_sent(web_app: App, staff: StaffClient) -> None:
    await _citizens(web_app)
    empty = await staff.post_form(
        "/announcements/new", {"text_de": " ", "audience": "topic", "action": "send"}
    )
    assert empty.status_code == 422
    assert (
        "Bitte den deutschen Text schreiben." in empty.text
        and "Bitte ein Thema wählen." in empty.text
    )
    past = await staff.post_form(
        "/announcements/new",
        {**TEXT, "when": "later", "send_at": "2020-01-01T10:00", "action": "send"},
    )
    assert past.status_code == 422 and "Diese Zeit liegt in der Vergangenheit." in past.text
    long = await staff.post_form(
        "/announcements/new", {**TEXT, "text_de": "x" * 4001, "action": "send"}
    )
    assert long.status_code == 422 and "Höchstens 4000 Zeichen." in long.text
    unknown = await staff.post_form(
        "/announcements/new",
        {**TEXT, "audience": "consultation", "consultation": "99", "action": "send"},
    )
    assert unknown.status_code == 422 and "there is no consultation 99" in unknown.text
    refused = await staff.post("/announcements/new", data={**TEXT, "action": "send"})
    assert refused.status_code == 403
    assert "Noch keine Mitteilung verschickt." in (await staff.get("/announcements")).text
    assert (await staff.get("/announcements/77")).status_code == 404


@pytest.fixture
async def any_db(
    db_url: str, recognizer: IntentRecognizer
) -> AsyncIterator[tuple[App, StaffClient, RecordingChannel]]:
    from bot.web.server import create_web_app

    channel = RecordingChannel("test")
    async with running_app(db_url, recognizer, {"test": channel}) as app:
        await add_staff(app, "ben", "staff")
        async with staff_client(create_web_app(app), "ben") as client:
            yield app, client, channel


async def test_a_topic_announcement_on_sqlite_and_postgresql(
    any_db: tuple[App, StaffClient, RecordingChannel],
) -> None:
    app, staff, channel = any_db
    await _citizens(app)
    sent = await staff.post_form(
        "/announcements/new", {**TEXT, "audience": "topic", "topic": "verkehr", "action": "send"}
    )
    assert sent.status_code == 303, sent.text
    assert await app.worker.drain_once() == 1
    progress = (await staff.get(f"{sent.headers['location']}/progress.json")).json()
    assert (progress["total"], progress["sent"], progress["percent"]) == (1, 1, 100)
    assert [r.text for r in channel.take("anna")] == [TEXT["text_de"]]
