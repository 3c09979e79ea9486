"""The pin map of the web chat: after the browser tells its position, the citizen moves a
pin to the exact spot and sends that. Tiles come from a tile server on 127.0.0.1."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from PIL import Image
from playwright.async_api import BrowserContext, Geolocation, Page, expect
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.server import WebServer
from bot.web.staff import report_map
from nlu.types import IntentRecognizer
from storage.models.reports import Report
from tests.bot.web.chat.chat_server import ChatServer, running_chat
from tests.bot.web.chat.test_widget_browser import (
    TITLE,
    bot_said,
    log_of,
    press,
    town_website,
    write,
)
from tests.browser_support import launch_chromium

BROWSER_POSITION = Geolocation(latitude=52.52012, longitude=13.40495)


@dataclass
class TileServer:
    url: str
    asked: list[str] = field(default_factory=list)

    @property
    def template(self) -> str:
        return f"{self.url}/tiles/{{z}}/{{x}}/{{y}}.png"


def tile_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (225, 230, 220)).save(out, "PNG")
    return out.getvalue()


@asynccontextmanager
async def tile_server() -> AsyncIterator[TileServer]:
    """The town's tile server: every tile is the same light square."""
    png = tile_png()
    tiles = TileServer("")

    async def tile(request: Request) -> Response:
        tiles.asked.append(request.url.path)
        return Response(png, media_type="image/png")

    server = WebServer(Starlette(routes=[Route("/tiles/{z}/{x}/{y}.png", tile)]), "127.0.0.1", 0)
    await server.start()
    tiles.url = f"http://127.0.0.1:{server.port}"
    try:
        yield tiles
    finally:
        await server.stop()


async def at_the_place_question(
    context: BrowserContext, chat: ChatServer, site: str | None = None
) -> Page:
    """A citizen reporting a pothole, asked where it is: on the chat page, or in the widget
    on the town's `site`."""
    await context.grant_permissions(["geolocation"], origin=site or chat.url)
    page = await context.new_page()
    if site is None:
        await page.goto(f"{chat.url}/chat")
    else:
        await page.goto(site)
        await page.get_by_role("button", name=TITLE).click()
    await press(page, "Los geht's")
    await bot_said(page, "Womit möchten Sie anfangen")
    await write(page, "/melden")
    await bot_said(page, "Was ist kaputt")
    await write(page, "Schlagloch!")
    await bot_said(page, "Stimmt das")
    await press(page, "Ja")
    await bot_said(page, "Wo ist das")
    return page


async def stored_position(chat: ChatServer) -> tuple[float, float]:
    async with chat.app.sessions() as session:
        row = await session.scalar(select(Report).order_by(Report.id.desc()))
    assert row is not None and row.latitude is not None and row.longitude is not None
    return row.latitude, row.longitude


async def finish_report(page: Page) -> None:
    await bot_said(page, "Möchten Sie ein Foto schicken")
    await press(page, "Überspringen")
    await bot_said(page, "📍 Position")
    await press(page, "Ja, abschicken")
    await bot_said(page, "Datenschutz")
    await press(page, "einverstanden")
    await bot_said(page, "Ihre Nummer")


async def test_the_citizen_moves_the_pin_and_the_report_keeps_the_pins_spot(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    assert report_map.leaflet_installed(), "Leaflet is missing: run scripts/install-test-services"
    async with (
        tile_server() as tiles,
        running_chat(
            sqlite_url, recognizer, map_tiles=tiles.template, map_attribution="© Musterstadt"
        ) as chat,
        launch_chromium() as browser,
    ):
        context = await browser.new_context(geolocation=BROWSER_POSITION, locale="de-DE")
        blocked: list[str] = []
        context.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page = await at_the_place_question(context, chat)
        await press(page, "Standort senden")

        send_spot = log_of(page).get_by_role("button", name="Diese Stelle senden")
        await expect(send_spot).to_be_focused()
        await expect(log_of(page).get_by_text("© Musterstadt")).to_be_visible()
        pin = log_of(page).get_by_role("button", name=re.compile("^Nadel an der gemeldeten"))
        await pin.focus()
        for _ in range(5):
            await page.keyboard.press("ArrowRight")  # east, along the street, some 18 m
        await expect(
            log_of(page).get_by_text(re.compile(r"Nadel steht jetzt \d+ m"))
        ).to_be_attached()
        await send_spot.click()

        await finish_report(page)
        latitude, longitude = await stored_position(chat)
        assert abs(latitude - BROWSER_POSITION["latitude"]) < 0.00001
        assert 0.0002 < longitude - BROWSER_POSITION["longitude"] < 0.0004
        await expect(log_of(page).locator(".leaflet-container")).to_have_count(0)
        assert tiles.asked and all(path.startswith("/tiles/18/") for path in tiles.asked)
        assert blocked == []
        await context.close()


async def test_the_pin_in_the_widget_on_the_town_website(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    """Another origin: the map's settings come through CORS, and the site keeps its own `L`."""
    chat_address: dict[str, str] = {}
    async with (
        tile_server() as tiles,
        town_website(chat_address) as site,
        running_chat(
            sqlite_url, recognizer, map_tiles=tiles.template, web_chat_origins=site
        ) as chat,
        launch_chromium() as browser,
    ):
        chat_address["url"] = chat.url
        context = await browser.new_context(geolocation=BROWSER_POSITION, locale="de-DE")
        page = await at_the_place_question(context, chat, site)
        await page.evaluate("() => { window.L = 'the site\\'s own'; }")
        await press(page, "Standort senden")
        await expect(log_of(page).locator(".leaflet-tile-loaded").first).to_be_visible()
        assert await page.evaluate("() => window.L") == "the site's own"
        await log_of(page).get_by_role("button", name=re.compile("^Nadel an")).focus()
        for _ in range(3):
            await page.keyboard.press("ArrowDown")  # south, some 11 m
        await log_of(page).get_by_role("button", name="Diese Stelle senden").click()

        await finish_report(page)
        latitude, longitude = await stored_position(chat)
        assert latitude < BROWSER_POSITION["latitude"] - 0.00005  # south
        assert abs(longitude - BROWSER_POSITION["longitude"]) < 0.00001
        await context.close()


async def test_a_tap_on_the_map_moves_the_pin(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        tile_server() as tiles,
        running_chat(sqlite_url, recognizer, map_tiles=tiles.template) as chat,
        launch_chromium() as browser,
    ):
        context = await browser.new_context(geolocation=BROWSER_POSITION, locale="de-DE")
        page = await at_the_place_question(context, chat)
        await press(page, "Standort senden")
        the_map = log_of(page).locator(".leaflet-container")
        pin = log_of(page).locator(".leaflet-marker-icon")
        await expect(pin).to_be_visible()
        box = await the_map.bounding_box()
        assert box is not None
        # a little to the south-west of the middle, where the browser's position is
        await the_map.click(position={"x": box["width"] / 2 - 60, "y": box["height"] / 2 + 40})
        await log_of(page).get_by_role("button", name="Diese Stelle senden").click()

        await finish_report(page)
        latitude, longitude = await stored_position(chat)
        assert latitude < BROWSER_POSITION["latitude"] - 0.00005
        assert longitude < BROWSER_POSITION["longitude"] - 0.00005
        await context.close()


async def test_the_pin_can_be_dragged_with_the_mouse(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        tile_server() as tiles,
        running_chat(sqlite_url, recognizer, map_tiles=tiles.template) as chat,
        launch_chromium() as browser,
    ):
        context = await browser.new_context(geolocation=BROWSER_POSITION, locale="de-DE")
        page = await at_the_place_question(context, chat)
        await press(page, "Standort senden")
        pin = log_of(page).locator(".leaflet-marker-icon")
        await expect(pin).to_be_visible()
        box = await pin.bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        await page.mouse.move(x, y)
        await page.mouse.down()
        await page.mouse.move(x + 40, y - 30, steps=8)  # north-east
        await page.mouse.up()
        await log_of(page).get_by_role("button", name="Diese Stelle senden").click()

        await finish_report(page)
        latitude, longitude = await stored_position(chat)
        assert latitude > BROWSER_POSITION["latitude"] + 0.00005
        assert longitude > BROWSER_POSITION["longitude"] + 0.00005
        await context.close()


async def test_cancel_takes_the_map_away_and_the_place_can_be_written(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        tile_server() as tiles,
        running_chat(sqlite_url, recognizer, map_tiles=tiles.template) as chat,
        launch_chromium() as browser,
    ):
        context = await browser.new_context(geolocation=BROWSER_POSITION, locale="de-DE")
        page = await at_the_place_question(context, chat)
        await press(page, "Standort senden")
        await log_of(page).get_by_role("button", name="Abbrechen: Karte schließen").click()
        await expect(log_of(page).locator(".leaflet-container")).to_have_count(0)
        await expect(page.get_by_label("Ihre Nachricht")).to_be_focused()
        await write(page, "Lindenstraße 5")
        await bot_said(page, "Möchten Sie ein Foto schicken")
        await context.close()


async def test_without_tiles_the_position_goes_as_the_browser_told_it(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    """A pin on a grey background helps nobody: no tile server set, no map."""
    async with running_chat(sqlite_url, recognizer) as chat, launch_chromium() as browser:
        context = await browser.new_context(geolocation=BROWSER_POSITION, locale="de-DE")
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = await at_the_place_question(context, chat)
        await press(page, "Standort senden")
        await finish_report(page)
        assert await stored_position(chat) == (52.52012, 13.40495)
        assert not [url for url in requests if "leaflet" in url]
        await context.close()


async def test_the_map_settings_route_and_the_chat_pages_policy(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    tiles = "http://tiles.musterstadt.example/{z}/{x}/{y}.png"
    async with running_chat(sqlite_url, recognizer) as chat, chat.client() as client:
        off = await client.get("/webhooks/rest/map")
        assert off.status_code == 404 and "error" in off.json()
        assert (
            "tiles.musterstadt"
            not in (await client.get("/chat")).headers["content-security-policy"]
        )
    async with (
        running_chat(sqlite_url, recognizer, map_tiles=tiles, map_attribution="<b>©</b>") as chat,
        chat.client() as client,
    ):
        on = await client.get("/webhooks/rest/map")
        assert on.json() == {
            "tiles": tiles,
            "attribution": "<b>©</b>",  # plain text: the widget inserts it escaped
            "leaflet": "/static/vendor/leaflet/",
        }
        stranger = await client.get(
            "/webhooks/rest/map", headers={"Origin": "https://evil.example"}
        )
        assert stranger.status_code == 403
        policy = (await client.get("/chat")).headers["content-security-policy"]
        assert "img-src 'self' data: http://tiles.musterstadt.example;" in policy
        module = await client.get("/static/chat/widget-map.js")
        assert module.status_code == 200
        assert "innerHTML" not in module.text  # every text goes in as text
