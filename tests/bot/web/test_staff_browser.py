"""The staff app in chromium: answering a question reaches the citizen's chat, moderating
ideas reaches their authors. With UPDATE_SCREENSHOTS=1 the tests also refresh the
screenshots of the main pages in docs/screenshots/ (docs/staff.md shows them)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from playwright.async_api import Page, expect

from bot.app import App
from bot.channels.recording import RecordingChannel
from flows.types import Reply
from tests.bot.web.test_ideas import citizen, propose
from tests.bot.web.test_questions import ask

UPDATE_SCREENSHOTS = os.environ.get("UPDATE_SCREENSHOTS") == "1"  # read before fixtures run
SCREENSHOTS = Path(__file__).parents[3] / "docs" / "screenshots"


async def received(channel: RecordingChannel, address: str) -> list[Reply]:
    """What the citizen's chat got once the delivery worker sent it (waits for it)."""

    async def arrival() -> list[Reply]:
        # the recording channel has no event to wait on; the worker fills `sent` soon
        while not channel.sent.get(address):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        return channel.take(address)

    return await asyncio.wait_for(arrival(), timeout=30)


async def shoot(page: Page, name: str, tmp_path: Path) -> None:
    folder = SCREENSHOTS if UPDATE_SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(folder / f"staff-{name}.png"), full_page=True)


async def test_answering_a_question_in_the_browser_reaches_the_citizen(
    web_app: App, citizen_channel: RecordingChannel, admin_page: Page, tmp_path: Path
) -> None:
    await web_app.start(web_app.dispatcher.handle_and_forget)  # the delivery worker runs
    ref = await ask(web_app, "Wann öffnet das Freibad in diesem Sommer?", days_ago=2)
    await ask(web_app, "Gibt es im Rathaus einen Aufzug?", user="citizen-2")
    page = admin_page
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.reload()
    await expect(page.locator(".card .figure").first).to_have_text("2")  # open questions
    await shoot(page, "overview", tmp_path)
    await page.get_by_role("link", name="Fragen", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Fragen")
    await shoot(page, "questions", tmp_path)
    await page.get_by_role("link", name=ref).click()
    await page.get_by_label("Zuweisen an").select_option("anna")
    await page.get_by_role("button", name="Zuweisen").click()
    await expect(page.get_by_role("status")).to_contain_text("Zugewiesen an anna")
    await page.get_by_label("Antwort", exact=True).fill("Das Freibad öffnet am 15. Mai.")
    await page.get_by_label("Öffentlich").check()
    await shoot(page, "question", tmp_path)
    await page.get_by_role("button", name="Antwort senden").click()
    await expect(page.get_by_role("status")).to_contain_text(f"Antwort auf {ref} gespeichert")
    (reply,) = await received(citizen_channel, "chat-citizen-1")
    assert reply.text.startswith(f"Antwort auf Ihre Frage {ref}:")
    assert "Das Freibad öffnet am 15. Mai." in reply.text
    assert [option.value for option in reply.options] == ["/frage", "/hilfe"]


async def test_moderating_ideas_in_the_browser_tells_their_authors(
    web_app: App, citizen_channel: RecordingChannel, admin_page: Page, tmp_path: Path
) -> None:
    await web_app.start(web_app.dispatcher.handle_and_forget)
    author = await citizen(web_app, "a")
    good = await propose(web_app, author, "Mehr Bänke im Stadtpark", text="Für Ältere.")
    other = await citizen(web_app, "b")
    taken = await propose(web_app, other, "Radweg Hauptstraße", text="Sicherer fahren.")
    page = admin_page
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.get_by_role("link", name="Ideen", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("2 Idee(n) gefunden")
    await shoot(page, "ideas", tmp_path)

    await page.get_by_role("link", name=good).click()
    await shoot(page, "idea", tmp_path)
    await page.get_by_role("button", name="Veröffentlichen", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("Die Idee ist veröffentlicht")
    (published,) = await received(citizen_channel, "chat-a")
    assert "jetzt für alle sichtbar" in published.text

    await page.get_by_label("Neuer Stand").select_option("in_review")
    await page.get_by_label("Öffentlicher Hinweis").fill("Der Bauhof prüft Standorte.")
    await page.get_by_role("button", name="Stand speichern und mitteilen").click()
    await expect(page.get_by_role("status")).to_contain_text("1 Nachricht(en) unterwegs")
    (news,) = await received(citizen_channel, "chat-a")
    assert "wird geprüft" in news.text and "Der Bauhof prüft Standorte." in news.text

    await page.goto(page.url.replace(good, taken))
    await page.get_by_role("button", name="Nicht veröffentlichen").click()
    # the browser itself refuses the empty reason (required field) and nothing is sent
    assert await page.get_by_label("Begründung für die Ablehnung").evaluate(
        "element => !element.validity.valid"
    )
    await page.get_by_label("Begründung für die Ablehnung").fill("Der Radweg ist beschlossen.")
    await page.get_by_role("button", name="Nicht veröffentlichen").click()
    await expect(page.get_by_role("status")).to_contain_text("wird nicht veröffentlicht")
    (rejected,) = await received(citizen_channel, "chat-b")
    assert "Begründung: Der Radweg ist beschlossen." in rejected.text


async def test_screenshots_of_the_administration_pages(admin_page: Page, tmp_path: Path) -> None:
    page = admin_page
    await page.set_viewport_size({"width": 1280, "height": 900})
    for path, name, heading in [
        ("/admin/accounts", "accounts", "Konten"),
        ("/admin/settings", "settings", "Einstellungen"),
        ("/admin/audit", "audit", "Protokoll"),
        ("/exports", "exports", "Offene Daten"),
    ]:
        await page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + path)
        await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        await shoot(page, name, tmp_path)
    await page.set_viewport_size({"width": 800, "height": 1100})  # a tablet upright
    await page.goto(page.url.split("/admin")[0].split("/exports")[0] + "/")
    await expect(page.get_by_role("navigation", name="Hauptnavigation")).to_be_visible()
    await shoot(page, "overview-tablet", tmp_path)


UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter(el => el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map(el => el.outerHTML)"""


# WCAG 2.1 AA contrast of every visible text: see tests/bot/web/contrast.js
LOW_CONTRAST = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")


async def test_every_page_has_labels_contrast_one_heading_and_landmarks(
    web_app: App, admin_page: Page, live_server: str
) -> None:
    question = await ask(web_app, "Wann öffnet das Freibad?")
    idea = await propose(web_app, await citizen(web_app, "a"), "Bänke")
    page = admin_page
    for path in (
        "/",
        "/questions",
        f"/questions/{question}",
        "/ideas",
        f"/ideas/{idea}",
        "/exports",
        "/admin/accounts",
        "/admin/settings",
        "/admin/audit",
    ):
        await page.goto(live_server + path)
        assert await page.evaluate(UNLABELLED) == [], path
        assert await page.evaluate(LOW_CONTRAST) == [], path
        assert await page.locator("h1").count() == 1, path
        assert await page.get_attribute("html", "lang") == "de"
        await expect(page.get_by_role("main")).to_have_count(1)
        await expect(page.get_by_role("banner")).to_have_count(1)
    # the check itself notices pale text
    await page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<p style=\"color:#999\">blass</p>')"
    )
    assert [p for p in await page.evaluate(LOW_CONTRAST) if "blass" in p]
