"""The web server `mitreden run` starts: reachable on the loopback, health check honest."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.app import build_app
from bot.config import Settings
from bot.web.server import WebServer, create_web_app
from nlu.types import IntentRecognizer


async def test_health_check_answers_over_real_http(
    tmp_path: Path, recognizer: IntentRecognizer
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", demo_data="false")
    app = await build_app(settings, {}, recognizer)
    server = WebServer(create_web_app(app), "127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            response = await client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}
    finally:
        await server.stop()
        await app.close()


async def test_health_check_reports_a_lost_database(
    tmp_path: Path, recognizer: IntentRecognizer
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", demo_data="false")
    app = await build_app(settings, {}, recognizer)
    web = create_web_app(app)
    await app.engine.dispose()
    (tmp_path / "bot.db").unlink()
    (tmp_path / "bot.db").mkdir()  # the file is gone and cannot come back
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    await app.close()


async def test_a_real_browser_reaches_the_health_check(
    tmp_path: Path, recognizer: IntentRecognizer
) -> None:
    from tests.browser_support import launch_chromium

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", demo_data="false")
    app = await build_app(settings, {}, recognizer)
    server = WebServer(create_web_app(app), "127.0.0.1", 0)
    await server.start()
    try:
        async with launch_chromium() as browser:
            page = await browser.new_page()
            await page.goto(f"http://127.0.0.1:{server.port}/healthz")
            assert '"status":"ok"' in (await page.content()).replace(" ", "")
    finally:
        await server.stop()
        await app.close()
