"""Consultations, results and announcements in a real browser (Debian's chromium).

With UPDATE_SCREENSHOTS=1 the tests also refresh the screenshots in docs/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from bot.app import App
from bot.channels.recording import RecordingChannel
from storage.citizens import record_consent
from storage.consultations import find_consultation
from storage.consultations.participations import save_answer, submit
from storage.identities import resolve_citizen
from storage.seed import ensure_default_topics, seed_demo
from tests.browser_support import launch_chromium

# read at import: a fixture clears the environment of MITREDEN_* settings for each test
UPDATE_SCREENSHOTS = os.environ.get("UPDATE_SCREENSHOTS") == "1"
SCREENSHOTS = Path(__file__).parents[3] / "docs" / "screenshots"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: docs/screenshots when asked to refresh them, else away."""
    if UPDATE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path


async def _closed_with_answers(app: App) -> int:
    async with app.sessions() as session, session.begin():
        assert await seed_demo(session, datetime.now(UTC))
        festival = await find_consultation(session, "stadtfest-2025")
        assert festival is not None
        when = festival.opens_at + timedelta(days=1)
        for number, (liked, again) in enumerate(
            [(5, True), (4, True), (5, True), (3, False), (4, True), (2, False), (5, True)]
        ):
            citizen, _ = await resolve_citizen(
                session, "test", f"c{number}", f"c{number}", "de", when
            )
            await save_answer(session, citizen, festival, "gefallen", liked, when)
            await save_answer(session, citizen, festival, "wiederkommen", again, when)
            await submit(session, citizen, festival, when)
        return festival.id


async def test_staff_see_results_as_charts_and_citizens_on_the_public_page(
    web_app: App, live_server: str, admin_page: Page, shots: Path
) -> None:
    consultation_id = await _closed_with_answers(web_app)
    page = admin_page
    await page.get_by_role("navigation").get_by_role("link", name="Umfragen").click()
    await page.get_by_role("link", name="Rückblick Stadtfest").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Rückblick Stadtfest")
    chart = page.get_by_role("img", name="Wie hat Ihnen das Stadtfest gefallen?")
    await expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Antworten auf „Kommen Sie nächstes Jahr wieder?“")
    await expect(table.get_by_role("row", name="Ja 5 71 %")).to_be_visible()
    await page.screenshot(path=str(shots / "consultation-results.png"), full_page=True)

    citizen = await page.context.browser.new_page(locale="en-GB")  # type: ignore[union-attr]
    await citizen.goto(f"{live_server}/results/{consultation_id}")
    await expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "Results: Looking back at the town festival"
    )
    await expect(citizen.get_by_text("7 people took part")).to_be_visible()
    await expect(citizen.get_by_role("navigation")).to_have_count(0)  # no staff menu
    await citizen.get_by_role("link", name="Diese Seite auf Deutsch").click()
    await expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "Ergebnisse: Rückblick Stadtfest"
    )
    await citizen.screenshot(path=str(shots / "public-results.png"), full_page=True)
    await citizen.close()


async def test_staff_write_a_consultation_preview_it_and_save_it(
    web_app: App, admin_page: Page, shots: Path
) -> None:
    async with web_app.sessions() as session, session.begin():
        assert await seed_demo(session, datetime.now(UTC))
    page = admin_page
    await page.get_by_role("navigation").get_by_role("link", name="Umfragen").click()
    await page.get_by_role("link", name="Neue Umfrage").click()
    await page.get_by_label("Titel (Deutsch)").fill("Bänke am Markt")
    await page.get_by_label("Titel (Englisch)").fill("Benches at the market")
    await page.get_by_label("Beschreibung (Deutsch)").fill("Wo sollen neue Bänke hin?")
    await page.get_by_label("Beschreibung (Englisch)").fill("Where should new benches go?")
    await page.get_by_label("Thema").select_option(label="Bauen & Stadtentwicklung")
    await page.get_by_label("Beginn").fill("2026-05-01T08:00")
    await page.get_by_label("Ende").fill("2036-05-31T18:00")
    first = page.get_by_role("group", name="Frage 1")
    await first.get_by_label("Frage (Deutsch)").fill("Wo fehlt eine Bank?")
    await first.get_by_label("Frage (Englisch)").fill("Where is a bench missing?")
    await first.get_by_label("Antworten (nur bei Auswahlfragen)").fill(
        "Am Brunnen | By the fountain\nVor dem Rathaus | By the town hall"
    )
    await page.get_by_role("button", name="Frage hinzufügen").click()
    second = page.get_by_role("group", name="Frage 2")
    await second.get_by_label("Art der Frage").select_option(label="Skala 1 bis 5")
    await second.get_by_label("Frage (Deutsch)").fill("Wie wichtig sind Ihnen Bänke?")
    await second.get_by_label("Frage (Englisch)").fill("How important are benches to you?")
    await page.get_by_role("button", name="Vorschau zeigen").click()
    preview = page.get_by_role("list", name="Chatverlauf der Vorschau")
    await expect(preview).to_contain_text("Frage 1 von 2")
    await expect(preview).to_contain_text("Fast geschafft!")
    await preview.screenshot(path=str(shots / "consultation-preview.png"))
    await page.get_by_role("button", name="Speichern").click()
    await expect(page.get_by_role("status")).to_contain_text("ist angelegt")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bänke am Markt")
    assert re.search(r"/consultations/\d+$", page.url)


async def _audience(app: App) -> None:
    """Two citizens who agreed to the privacy notice (one reads English), one who did not."""
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        await ensure_default_topics(session)
        for name, language, agreed in (
            ("anna", "de", True),
            ("bob", "en", True),
            ("cem", "de", False),
        ):
            citizen, _ = await resolve_citizen(session, "test", name, name, language, now)
            if agreed:
                await record_consent(session, citizen, "2026-11", "test", now)


async def test_an_announcement_is_sent_and_its_progress_bar_reaches_100_percent(
    web_app: App, admin_page: Page, citizen_channel: RecordingChannel, shots: Path
) -> None:
    await _audience(web_app)
    page = admin_page
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await page.get_by_role("navigation").get_by_role("link", name="Mitteilungen").click()
    await page.get_by_role("link", name="Neue Mitteilung").click()
    await page.get_by_label("Text (Deutsch)").fill(
        "Am Samstag ist Stadtfest! 🎉\nDie Innenstadt ist ab 10 Uhr für Autos gesperrt."
    )
    await page.get_by_label("Text (Englisch, freiwillig)").fill(
        "The town festival is on Saturday!\nThe centre is closed to cars from 10 am."
    )
    await page.get_by_role("button", name="Vorschau und Empfänger zeigen").click()
    await expect(page.locator("#audience-size")).to_have_text("2 Menschen in 2 Chats.")
    await expect(page.get_by_role("region", name="Telegram (en)")).to_contain_text(
        "The town festival is on Saturday!"
    )
    await expect(page.get_by_role("region", name="Matrix (de)")).to_contain_text("Hauptmenü")
    await page.screenshot(path=str(shots / "announcement-compose.png"), full_page=True)
    await page.get_by_role("button", name="Jetzt senden").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Mitteilung A-\d+"))
    bar = page.locator("#progress-bar")
    await expect(bar).to_have_attribute("value", "0")  # nothing delivered yet
    await web_app.start(web_app.dispatcher.handle_and_forget)  # the delivery worker starts
    await expect(bar).to_have_attribute("value", "100")
    await expect(page.locator("#progress-text")).to_contain_text(
        "100 % erledigt: 2 gesendet, 0 fehlgeschlagen, 0 offen von 2."
    )
    await expect(page.locator("[data-progress=state_label]")).to_have_text("fertig")
    await expect(page.get_by_role("button", name="Versand abbrechen")).to_be_hidden()
    await page.screenshot(path=str(shots / "announcement-progress.png"), full_page=True)
    assert [reply.text for reply in citizen_channel.take("bob")] == [
        "The town festival is on Saturday!\nThe centre is closed to cars from 10 am."
    ]
    assert len(citizen_channel.take("anna")) == 1 and citizen_channel.take("cem") == []


# the rendered size of each chart text: its font size, scaled as its drawing is
RENDERED_SIZES = """() => [...document.querySelectorAll('.chart .chart-label, .chart .chart-value')]
  .map(text => {
    const size = parseFloat(getComputedStyle(text).fontSize);
    const svg = text.ownerSVGElement;
    if (!svg) return size;
    return size * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  })"""


async def test_chart_labels_stay_readable_on_a_phone(web_app: App, live_server: str) -> None:
    consultation_id = await _closed_with_answers(web_app)
    async with launch_chromium() as browser:
        phone = await browser.new_page(viewport={"width": 375, "height": 740}, locale="de-DE")
        await phone.goto(f"{live_server}/results/{consultation_id}")
        await expect(phone.get_by_role("img").first).to_be_visible()
        sizes = await phone.evaluate(RENDERED_SIZES)
        assert len(sizes) == 2 * (5 + 2)  # label and figure of each answer of both questions
        assert min(sizes) >= 12, sizes
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 375
        labels = phone.locator(".chart .chart-label")
        for index in range(await labels.count()):
            box = await labels.nth(index).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
