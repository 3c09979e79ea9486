"""The chat in a real chromium: embedded in another site, and as a page of its own."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, Locator, Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from bot.web.server import WebServer
from nlu.types import IntentRecognizer
from tests.bot.web.chat.chat_server import ChatServer, running_chat
from tests.browser_support import launch_chromium
from tests.photo_samples import phone_jpeg

TITLE = "Fragen an Musterstadt"
PATIENCE_MS = 30_000


@asynccontextmanager
async def town_website(chat: dict[str, str]) -> AsyncIterator[str]:
    """The municipality's own site on another port, so another origin, with one script tag
    pointing at the chat server in `chat["url"]` (set once that server runs)."""

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(
            f"""<!doctype html><html lang="de"><head><title>Musterstadt</title></head>
<body><h1>Willkommen in Musterstadt</h1><a href="/impressum">Impressum</a>
<script src="{chat["url"]}/widget.js" data-title="{TITLE}" data-lang="de"
 data-color="#00594f" defer></script></body></html>"""
        )

    server = WebServer(Starlette(routes=[Route("/", home)]), "127.0.0.1", 0)
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        await server.stop()


def log_of(page: Page) -> Locator:
    return page.get_by_role("log")


async def bot_said(page: Page, text: str) -> None:
    await expect(log_of(page).get_by_text(text).last).to_be_visible(timeout=PATIENCE_MS)


async def write(page: Page, text: str) -> None:
    field = page.get_by_label("Ihre Nachricht")
    await expect(field).to_be_enabled()
    await field.fill(text)
    await field.press("Enter")


async def press(page: Page, label: str) -> None:
    await log_of(page).get_by_role("button", name=re.compile(re.escape(label), re.I)).last.click()


async def focused_id(page: Page) -> str:
    return str(
        await page.evaluate(
            "() => { const host = document.querySelector('[data-mitreden-chat]');"
            " const inner = host && host.shadowRoot.activeElement;"
            " return inner ? inner.id || inner.className : document.activeElement.tagName; }"
        )
    )


async def test_a_whole_idea_in_the_widget_on_the_town_website(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    chat_address: dict[str, str] = {}
    async with (
        town_website(chat_address) as site,
        running_chat(sqlite_url, recognizer, web_chat_origins=site) as chat,
    ):
        chat_address["url"] = chat.url
        async with launch_chromium() as browser:
            page = await browser.new_page()
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            await page.goto(site)

            launcher = page.get_by_role("button", name=TITLE)
            await launcher.focus()
            await page.keyboard.press("Enter")
            await expect(launcher).to_have_attribute("aria-expanded", "true")
            assert await focused_id(page) == "mitreden-chat-input"
            await page.keyboard.press("Escape")
            await expect(launcher).to_have_attribute("aria-expanded", "false")
            assert await focused_id(page) == "launcher"
            await launcher.click()

            await press(page, "Los geht's")
            await bot_said(page, "Womit möchten Sie anfangen")
            await press(page, "Idee vorschlagen")
            await bot_said(page, "Datenschutz")
            await press(page, "einverstanden")
            await bot_said(page, "Wie soll sie heißen")
            await write(page, '<img src=x onerror="window.pwned=1">Trinkbrunnen am Markt')
            await bot_said(page, "Beschreiben Sie Ihre Idee")
            await write(
                page,
                "Im Sommer wäre ein Trinkbrunnen am Marktplatz super, für alle die dort "
                "einkaufen oder spielen. Mehr unter javascript:alert(1) und "
                "https://www.musterstadt.example/brunnen",
            )
            await bot_said(page, "Zu welchem Thema")
            await press(page, "Umwelt & Klima")
            await bot_said(page, "bestimmten Ort")
            await write(page, "Marktplatz")
            await bot_said(page, "Bitte prüfen Sie Ihre Idee")
            await press(page, "einreichen")
            await bot_said(page, "eingereicht")

            # what the citizen typed is shown as text, never run
            assert await page.evaluate("() => window.pwned") is None
            await expect(
                log_of(page).get_by_text('<img src=x onerror="window.pwned=1">').first
            ).to_be_visible()
            assert await log_of(page).locator("img").count() == 0
            links = log_of(page).locator("a")
            for index in range(await links.count()):
                link = links.nth(index)
                assert (await link.get_attribute("href") or "").startswith("http")
                assert "noopener" in (await link.get_attribute("rel") or "")
            # nothing but the town's site and the chat server was asked for anything
            assert {re.sub(r"^(https?://[^/]+).*", r"\1", url) for url in requests} <= {
                site,
                chat.url,
            }
            assert await page.evaluate("() => document.cookie") == ""
            assert await page.evaluate("() => window.localStorage.length") == 0


async def started_chat_page(browser: Browser, chat: ChatServer) -> Page:
    """The chat as a page of its own, with the conversation begun."""
    page = await browser.new_page()
    await page.goto(f"{chat.url}/chat")
    await press(page, "Los geht's")
    await bot_said(page, "Womit möchten Sie anfangen")
    return page


async def test_a_staff_answer_arrives_while_the_chat_page_is_open(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(sqlite_url, recognizer) as chat, launch_chromium() as browser:
        page = await started_chat_page(browser, chat)
        await write(page, "ich habe eine frage an die stadt")
        await bot_said(page, "Was möchten Sie die Verwaltung fragen")
        await write(page, "Wann wird der Spielplatz am Lindenpark saniert?")
        await expect(
            log_of(page).get_by_text(re.compile("Datenschutz|Beantwortet das")).last
        ).to_be_visible(timeout=PATIENCE_MS)
        if await log_of(page).get_by_text("Beantwortet das").count():
            await press(page, "trotzdem")
        await press(page, "einverstanden")
        await bot_said(page, "Q-")

        ref = await chat.answer_latest_question("Die Arbeiten beginnen im März.")
        await bot_said(page, f"Antwort auf Ihre Frage {ref}")
        await bot_said(page, "Die Arbeiten beginnen im März.")
        assert await page.evaluate("() => window.localStorage.length") == 0

        # with consent the session outlives a reload, and later answers still find it
        await page.get_by_label("Gespräch auf diesem Gerät merken").check()
        assert await page.evaluate("() => window.localStorage.length") == 1
        await page.reload()
        await chat.answer_latest_question("Korrektur: Die Arbeiten beginnen im April.")
        await bot_said(page, "Korrektur: Die Arbeiten beginnen im April.")
        await expect(log_of(page).get_by_text("beginnen im März")).to_have_count(0)
        await page.get_by_label("Gespräch auf diesem Gerät merken").uncheck()
        assert await page.evaluate("() => window.localStorage.length") == 0


async def test_the_erasure_button_in_the_widget_erases(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(sqlite_url, recognizer) as chat, launch_chromium() as browser:
        page = await started_chat_page(browser, chat)
        await write(page, "/loeschen")
        await bot_said(page, "wirklich alle Ihre Daten löschen")
        assert len(await chat.web_senders()) == 1

        await press(page, "Ja, alles löschen")
        await bot_said(page, "Ihre Daten sind gelöscht")
        assert await chat.web_senders() == set()


async def test_the_place_question_sends_the_browsers_position(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(sqlite_url, recognizer) as chat, launch_chromium() as browser:
        context = await browser.new_context(
            geolocation={"latitude": 52.52012, "longitude": 13.40495}
        )
        await context.grant_permissions(["geolocation"], origin=chat.url)
        page = await context.new_page()
        await page.goto(f"{chat.url}/chat")
        await press(page, "Los geht's")
        await bot_said(page, "Womit möchten Sie anfangen")
        await write(page, "/melden")
        await bot_said(page, "Was ist kaputt")
        await write(page, "Schlagloch!")
        await bot_said(page, "Stimmt das")
        await expect(log_of(page).get_by_role("button", name="Standort senden")).to_have_count(0)
        await press(page, "Ja")
        await bot_said(page, "Wo ist das")
        await press(page, "Standort senden")
        await bot_said(page, "Möchten Sie ein Foto schicken")
        await press(page, "Überspringen")
        await bot_said(page, "📍 Position 52.52012, 13.40495")
        await context.close()


async def test_the_photo_question_uploads_a_picture(
    sqlite_url: str, recognizer: IntentRecognizer, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    async with (
        running_chat(sqlite_url, recognizer, report_photo_dir=folder) as chat,
        launch_chromium() as browser,
    ):
        page = await browser.new_page()
        await page.goto(f"{chat.url}/chat")
        await press(page, "Los geht's")
        await bot_said(page, "Womit möchten Sie anfangen")
        await write(page, "/melden")
        await bot_said(page, "Was ist kaputt")
        await write(page, "Schlagloch!")
        await bot_said(page, "Stimmt das")
        await press(page, "Ja")
        await bot_said(page, "Wo ist das")
        await write(page, "Lindenstraße 5")
        await bot_said(page, "Möchten Sie ein Foto schicken")
        async with page.expect_file_chooser() as chooser:
            await press(page, "Foto senden")
        await (await chooser.value).set_files(
            {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg()}
        )
        await bot_said(page, "Das Foto enthält einen Ort")
        assert len(list(folder.glob("*.jpg"))) == 2  # the picture and its thumbnail
