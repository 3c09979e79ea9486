"""Fixtures for the staff app: a running App, logged-in clients, a live server, a browser.
See tests/bot/web/support.py for how to use them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page
from starlette.applications import Starlette

from bot.app import App
from bot.channels.recording import RecordingChannel
from bot.web.server import WebServer, create_web_app
from nlu.types import IntentRecognizer
from tests.bot.web.support import PASSWORD, StaffClient, add_staff, running_app, staff_client
from tests.browser_support import launch_chromium


@pytest.fixture
def citizen_channel() -> RecordingChannel:
    """The channel test citizens write through; it keeps what the bot sends them."""
    return RecordingChannel("test")


@pytest.fixture
async def web_app(
    sqlite_url: str, recognizer: IntentRecognizer, citizen_channel: RecordingChannel
) -> AsyncIterator[App]:
    async with running_app(sqlite_url, recognizer, {"test": citizen_channel}) as app:
        yield app


@pytest.fixture
def web(web_app: App) -> Starlette:
    return create_web_app(web_app)


@pytest.fixture
async def admin(web_app: App, web: Starlette) -> AsyncIterator[StaffClient]:
    """Logged in as "anna", an administrator."""
    await add_staff(web_app, "anna", "admin")
    async with staff_client(web, "anna") as client:
        yield client


@pytest.fixture
async def staff(web_app: App, web: Starlette) -> AsyncIterator[StaffClient]:
    """Logged in as "ben", staff without admin rights."""
    await add_staff(web_app, "ben", "staff")
    async with staff_client(web, "ben") as client:
        yield client


@pytest.fixture
async def live_server(web: Starlette) -> AsyncIterator[str]:
    """The staff app over real HTTP on 127.0.0.1; yields its base URL."""
    server = WebServer(web, "127.0.0.1", 0)
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        await server.stop()


@pytest.fixture
async def browser_page(live_server: str) -> AsyncIterator[Page]:
    """A fresh chromium page (not logged in)."""
    async with launch_chromium() as browser:
        context = await browser.new_context(locale="de-DE")
        page = await context.new_page()
        yield page
        await context.close()


@pytest.fixture
async def admin_page(web_app: App, live_server: str, browser_page: Page) -> Page:
    """A chromium page logged in as the administrator "anna", on the overview."""
    await add_staff(web_app, "anna", "admin")
    await browser_page.goto(f"{live_server}/login")
    await browser_page.get_by_label("Benutzername").fill("anna")
    await browser_page.get_by_label("Passwort").fill(PASSWORD)
    await browser_page.get_by_role("button", name="Anmelden").click()
    await browser_page.wait_for_url(f"{live_server}/")
    return browser_page
