"""The intent data editor in a real browser (Debian's chromium): data with an error is
refused with its line, fixed, trained with a report, and put to use by the running bot.

With UPDATE_SCREENSHOTS=1 the test also refreshes docs/screenshots/intent-data-editor.png
and intent-data-report.png.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from bot.app import App
from bot.channels.recording import RecordingChannel
from nlu.embedded import EmbeddedRecognizer
from tests.bot.web.support import running_app

UPDATE_SCREENSHOTS = os.environ.get("UPDATE_SCREENSHOTS") == "1"  # read before fixtures run
SCREENSHOTS = Path(__file__).parents[3] / "docs" / "screenshots"


@pytest.fixture
async def web_app(
    sqlite_url: str, citizen_channel: RecordingChannel, own_nlu_cache: Path
) -> AsyncIterator[App]:
    """With a recogniser of its own: the test switches its model, which must not reach
    other tests."""
    cache = own_nlu_cache
    recognizer = EmbeddedRecognizer(cache_dir=cache)
    async with running_app(
        sqlite_url,
        recognizer,
        {"test": citizen_channel},
        nlu_cache_dir=cache,
        nlu_evaluation_folds=2,  # the report's figures are not what these tests check
    ) as app:
        yield app


async def test_edit_refuse_fix_train_and_use_intent_data(
    web_app: App,
    live_server: str,
    admin_page: Page,
    tmp_path: Path,
) -> None:
    page = admin_page
    new = "zxqv blorptastisch"
    await page.get_by_role("link", name="Sprachverständnis").click()
    await expect(page.get_by_text("In Gebrauch: die mitgelieferten Daten.")).to_be_visible()
    await page.get_by_role("link", name="intents/propose_idea.yml").click()
    editor = page.get_by_label("Datei intents/propose_idea.yml")
    original = await editor.input_value()
    await editor.fill(original.replace("  examples: |\n", f"  examples: |\n    {new}\n", 1))
    await page.get_by_role("button", name="Datei speichern und prüfen").click()
    problems = page.locator(".problems")
    await expect(problems).to_contain_text("Ein Beispiel beginnt mit „- “")
    await expect(page.get_by_role("button", name="Trainieren und bewerten")).to_have_count(0)
    await problems.get_by_role("link").first.click()
    editor = page.get_by_label("Datei intents/propose_idea.yml")
    await expect(editor).to_be_focused()
    selected = await editor.evaluate(
        "area => area.value.slice(area.selectionStart, area.selectionEnd)"
    )
    assert selected.strip() == new
    shots = SCREENSHOTS if UPDATE_SCREENSHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    await page.set_viewport_size({"width": 1400, "height": 1000})
    await page.screenshot(path=str(shots / "intent-data-editor.png"), full_page=True)

    await editor.fill(original.replace("  examples: |\n", f"  examples: |\n    - {new}\n", 1))
    await page.get_by_role("button", name="Datei speichern und prüfen").click()
    await expect(page.get_by_role("status").first).to_contain_text("Die Daten sind in Ordnung")
    await page.get_by_role("button", name="Trainieren und bewerten").click()
    await expect(page.get_by_role("heading", name="Bewertung")).to_be_visible(timeout=120_000)
    await expect(page.locator(".card").first).to_contain_text("%")
    await page.screenshot(path=str(shots / "intent-data-report.png"), full_page=False)

    assert (await web_app.recognizer.parse(new)).intent != "propose_idea"
    await page.get_by_role("button", name="Version 1 verwenden").click()
    await expect(page.get_by_text("In Gebrauch: Version 1")).to_be_visible()
    assert (await web_app.recognizer.parse(new)).intent == "propose_idea"
