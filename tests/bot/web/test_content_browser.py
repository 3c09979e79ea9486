"""The flow editor in a real browser (Debian's chromium): a flow with an error is refused
with its line, the fix is tried in the simulator, published (a citizen gets the new text)
and rolled back (the citizen gets the old one again).

With UPDATE_SCREENSHOTS=1 the test also refreshes docs/screenshots/flow-editor.png.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Dialog, Page, expect

from bot.app import App
from bot.channels.recording import RecordingChannel
from bot.messages import ConversationKey, InboundMessage
from flows.library import load_definitions
from nlu.types import IntentRecognizer
from tests.bot.web.support import app_with_a_thanks_test

UPDATE_SCREENSHOTS = os.environ.get("UPDATE_SCREENSHOTS") == "1"  # read before fixtures run
SCREENSHOTS = Path(__file__).parents[3] / "docs" / "screenshots"
THANKS = {flow_id: source for flow_id, _, source in load_definitions()}["thanks"]


@pytest.fixture
async def web_app(
    sqlite_url: str,
    recognizer: IntentRecognizer,
    citizen_channel: RecordingChannel,
    tmp_path: Path,
) -> AsyncIterator[App]:
    async with app_with_a_thanks_test(
        sqlite_url, recognizer, {"test": citizen_channel}, tmp_path / "conversation-tests"
    ) as app:
        yield app


async def citizen_says(app: App, channel: RecordingChannel, text: str) -> str:
    await app.dispatcher.handle(InboundMessage(ConversationKey("test", "carla", "carla"), text))
    while await app.worker.drain_once():
        pass
    return "\n".join(reply.text for reply in channel.take("carla"))


async def accept(dialog: Dialog) -> None:
    await dialog.accept()


async def test_edit_refuse_fix_try_publish_and_roll_back_a_flow(
    web_app: App,
    citizen_channel: RecordingChannel,
    live_server: str,
    admin_page: Page,
    tmp_path: Path,
) -> None:
    page = admin_page
    await citizen_says(web_app, citizen_channel, "Hallo")
    assert "Gern geschehen!" in await citizen_says(web_app, citizen_channel, "danke dir")

    await page.get_by_role("link", name="Dialoge").click()
    await page.get_by_role("link", name="Danke", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("„thanks“")
    editor = page.get_by_label("YAML des Dialogs")
    await editor.fill(THANKS.replace("    type: say\n", "    type: sag\n"))
    await page.get_by_role("button", name="Veröffentlichen").click()

    problems = page.locator(".problems")
    await expect(problems).to_contain_text("Zeile 10")
    await expect(problems).to_contain_text("sag")
    await problems.get_by_role("link", name="Zeile 10").click()
    await expect(editor).to_be_focused()
    selected = await editor.evaluate(
        "area => area.value.slice(area.selectionStart, area.selectionEnd)"
    )
    assert selected == "    type: sag"
    assert "Gern geschehen!" in await citizen_says(web_app, citizen_channel, "danke dir")

    await editor.fill(THANKS.replace("Gern geschehen!", "Sehr gern geschehen!"))
    await page.get_by_role("button", name="Speichern und testen").click()
    await expect(page.locator(".tests")).to_contain_text("Alle Tests bestanden")
    chat = page.locator("#simulator")
    for text in ("Hallo", "danke"):
        await chat.get_by_label("Nachricht").fill(text)
        await chat.get_by_role("button", name="Senden").click()
    await expect(chat.locator(".bubble-bot").last).to_contain_text("Sehr gern geschehen!")
    await expect(chat.get_by_role("button", name="Idee vorschlagen")).to_be_visible()
    shots = SCREENSHOTS if UPDATE_SCREENSHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    await page.set_viewport_size({"width": 1400, "height": 1000})
    await page.screenshot(path=str(shots / "flow-editor.png"), full_page=True)

    await page.get_by_role("button", name="Veröffentlichen").click()
    await expect(page.get_by_role("status").first).to_contain_text("Veröffentlicht als Version 2")
    assert "Sehr gern geschehen!" in await citizen_says(web_app, citizen_channel, "danke dir")

    page.once("dialog", accept)
    await page.get_by_role("button", name="Version 1 wieder verwenden").click()
    await expect(page.get_by_role("status").first).to_contain_text(
        "Version 1 ist wieder in Gebrauch, als neue Version 3"
    )
    reply = await citizen_says(web_app, citizen_channel, "danke dir")
    assert "Gern geschehen!" in reply and "Sehr gern" not in reply

    await page.get_by_role("link", name="Mit aktueller Version vergleichen").first.click()
    await expect(page.locator(".diff-removed").first).to_contain_text("Sehr gern geschehen!")


async def test_a_new_flow_is_started_from_the_list(live_server: str, admin_page: Page) -> None:
    page = admin_page
    await page.get_by_role("link", name="Dialoge").click()
    assert await page.title() == "Dialoge – mitreden Musterstadt"
    field = page.get_by_label("Neuer Dialog")
    await expect(field).to_be_visible()
    await field.fill("baustellen")
    await page.get_by_role("button", name="Anlegen").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("„baustellen“")
    await expect(page.get_by_label("YAML des Dialogs")).to_contain_text("id: baustellen")
