"""The parts every page is built from: translation catalogs, charts, and a real browser
logging in."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from bot.app import App
from bot.web.charts import Series, stacked_bars
from bot.web.i18n import CatalogError, catalog, load_catalogs
from tests.bot.web.support import PASSWORD, add_staff


def test_every_text_exists_in_german_and_english() -> None:
    texts = catalog()
    assert texts["login.title"] == {"de": "Anmelden", "en": "Log in"}
    assert all(entry["de"] and entry["en"] for entry in texts.values())


def test_a_key_in_two_catalogs_or_without_english_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[x]\ntitle = { de = "A", en = "A" }\n')
    (tmp_path / "b.toml").write_text('[x]\ntitle = { de = "B", en = "B" }\n')
    with pytest.raises(CatalogError, match=r"b.toml: x.title is already defined in a.toml"):
        load_catalogs(tmp_path)
    (tmp_path / "b.toml").write_text('[y]\ntitle = { de = "B" }\n')
    with pytest.raises(CatalogError, match=r"y\.title has no text for en"):
        load_catalogs(tmp_path)


def test_chart_escapes_its_labels_and_scales_to_the_largest_day() -> None:
    svg = stacked_bars(
        ["<b>1</b>", "2"], [Series("<script>", [1, 3]), Series("b", [0, 1])], title="T & U"
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert '<title id="chart-title">T &amp; U</title>' in svg
    assert ">4</text>" in svg  # the top grid line is the biggest stack: 3 + 1


async def test_browser_login_refuses_a_wrong_password_then_lets_in(
    web_app: App, live_server: str, browser_page: Page
) -> None:
    await add_staff(web_app, "anna", "admin")
    page = browser_page
    await page.goto(f"{live_server}/questions")
    assert page.url.startswith(f"{live_server}/login?next=")
    await page.get_by_label("Benutzername").fill("anna")
    await page.get_by_label("Passwort").fill("wrong password")
    await page.get_by_role("button", name="Anmelden").click()
    await expect(page.get_by_role("alert")).to_contain_text("stimmt nicht")
    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await page.wait_for_url(f"{live_server}/questions")


async def test_keyboard_reaches_the_content_through_the_skip_link(admin_page: Page) -> None:
    page = admin_page
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_visible()  # it appears when focused
    await page.keyboard.press("Enter")
    await expect(page.locator("main")).to_be_focused()
    await expect(page.get_by_role("navigation", name="Hauptnavigation")).to_be_visible()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Übersicht")


async def test_browser_login_is_throttled(
    web_app: App, live_server: str, browser_page: Page
) -> None:
    await add_staff(web_app, "anna")
    page = browser_page
    await page.goto(f"{live_server}/login")
    for _ in range(5):
        await page.get_by_label("Benutzername").fill("anna")
        await page.get_by_label("Passwort").fill("guessing")
        await page.get_by_role("button", name="Anmelden").click()
        await expect(page.get_by_role("alert")).to_be_visible()
    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await expect(page.get_by_role("alert")).to_contain_text("Zu viele Fehlversuche")
    assert page.url.startswith(f"{live_server}/login")
