"""Helpers for testing pages of the staff app, in-process and in a real browser.

In-process (httpx over ASGI, no socket):

    async def test_x(admin: StaffClient) -> None:
        page = await admin.get("/questions")
        response = await admin.post_form("/questions/Q-1/answer", {"answer": "..."})

`admin` / `staff` (tests/bot/web/conftest.py) are logged-in clients on `web_app`, a full App on
a fresh SQLite database with a RecordingChannel named "test" as its only channel.
`StaffClient.post_form` adds the session's CSRF token; `.post` does not (to test refusals).

In a browser: `live_server` serves `web_app` on 127.0.0.1 (port chosen by the system);
`admin_page` is a chromium page logged in as the admin.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from bot.app import App, build_app
from bot.channels.base import ChannelAdapter
from bot.config import Settings
from bot.staff.accounts import create_account
from nlu.types import IntentRecognizer

PASSWORD = "a long and secret password"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@asynccontextmanager
async def running_app(
    database_url: str,
    recognizer: IntentRecognizer,
    adapters: Mapping[str, ChannelAdapter],
    **settings: Any,
) -> AsyncIterator[App]:
    app = await build_app(
        Settings(database_url=database_url, demo_data="false", **settings), adapters, recognizer
    )
    try:
        yield app
    finally:
        await app.close()


# one quick conversation test, so the flow editor has tests to run for `thanks`
THANKS_TEST = """\
name: Danke
flows: [thanks]
language: de
turns:
  - say: Hallo
  - say: danke dir
    expect: [gern]
"""


def _write_thanks_test(folder: Path) -> None:
    folder.mkdir()
    (folder / "thanks.yml").write_text(THANKS_TEST, encoding="utf-8")


@asynccontextmanager
async def app_with_a_thanks_test(
    database_url: str,
    recognizer: IntentRecognizer,
    adapters: Mapping[str, ChannelAdapter],
    folder: Path,
) -> AsyncIterator[App]:
    """A running App whose flow editor finds THANKS_TEST in `folder`."""
    _write_thanks_test(folder)
    async with running_app(database_url, recognizer, adapters, flow_tests_dir=folder) as app:
        yield app


async def add_staff(app: App, name: str, role: str = "staff", password: str = PASSWORD) -> None:
    async with app.sessions() as session, session.begin():
        await create_account(session, name, password, role, datetime.now(UTC))


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    if found is None:
        raise AssertionError("the page has no form with a CSRF token")
    return found.group(1)


class StaffClient:
    """An httpx client with a logged-in session; HTML pages are asked for, as a browser does."""

    def __init__(self, client: httpx.AsyncClient, csrf: str) -> None:
        self.http = client
        self.csrf = csrf

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.post(path, **kwargs)

    async def post_form(self, path: str, data: Mapping[str, Any] | None = None) -> httpx.Response:
        """A form submission as the page would send it, CSRF token included."""
        return await self.http.post(path, data={**(data or {}), "csrf_token": self.csrf})

    async def follow(self, response: httpx.Response) -> httpx.Response:
        """The page a redirect leads to (where the flash message shows)."""
        assert response.status_code in (302, 303), response.text
        return await self.http.get(response.headers["location"])


async def log_in(client: httpx.AsyncClient, name: str, password: str = PASSWORD) -> httpx.Response:
    """Fills in the login form like a person: fetch the form, then post it."""
    form = await client.get("/login")
    return await client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": csrf_of(form.text), "next": "/"},
    )


@asynccontextmanager
async def app_with_staff(
    database_url: str, recognizer: IntentRecognizer, name: str, role: str = "staff"
) -> AsyncIterator[tuple[App, StaffClient]]:
    """A running App with a "test" RecordingChannel, and `name` logged in to its staff app."""
    from bot.channels.recording import RecordingChannel
    from bot.web.server import create_web_app

    async with running_app(database_url, recognizer, {"test": RecordingChannel("test")}) as app:
        await add_staff(app, name, role)
        async with staff_client(create_web_app(app), name) as client:
            yield app, client


@asynccontextmanager
async def staff_client(web: Starlette, name: str) -> AsyncIterator[StaffClient]:
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"accept": "text/html"}
    ) as client:
        response = await log_in(client, name)
        assert response.status_code == 303, response.text
        start = await client.get("/")
        yield StaffClient(client, csrf_of(start.text))
