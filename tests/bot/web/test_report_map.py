"""The map of reports on the staff pages: markers for the listed reports with a position,
popups with a link, the town's tile server allowed by the page's policy, and the list
without the map where the map library is not installed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import ConsoleMessage, Page, expect

from bot.app import App
from bot.web.staff import report_map
from storage import reports
from storage.identities import resolve_citizen
from tests.bot.web.support import StaffClient
from tests.bot.web.test_staff_browser import LOW_CONTRAST, UNLABELLED

LAT, LON = 52.52, 13.405
TILES = "https://tile.example.org/{z}/{x}/{y}.png"
_POINTS = re.compile(r"data-points='([^']*)'")


async def report(
    app: App,
    text: str,
    *,
    position: tuple[float, float] | None = (LAT, LON),
    category: str = "street_lighting",
    days_ago: int = 0,
) -> str:
    """A report by a citizen, made `days_ago` days ago; its reference."""
    now = datetime.now(UTC) - timedelta(days=days_ago)
    async with app.sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "test", "anna", "chat-anna", "de", now)
        row = await reports.create_report(
            session,
            citizen_id=citizen,
            category_code=category,
            description=text,
            place="Lindenstraße 5",
            language="de",
            now=now,
            latitude=position[0] if position else None,
            longitude=position[1] if position else None,
        )
    return row.ref or ""


def shown_points(html: str) -> list[dict[str, object]]:
    found = _POINTS.search(html)
    assert found is not None, "no map on the page"
    points: list[dict[str, object]] = json.loads(found.group(1))
    return points


def policy_of(response_headers: httpx.Headers) -> dict[str, str]:
    header = response_headers.get("content-security-policy", "")
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


async def test_the_map_shows_the_listed_reports_with_a_position(
    web_app: App, staff: StaffClient
) -> None:
    lamp = await report(web_app, "Die Laterne ist dunkel", position=(LAT, LON))
    await report(web_app, "Ohne Position", position=None)
    hole = await report(web_app, "Schlagloch", position=(LAT + 0.01, LON), category="road_damage")
    page = await staff.get("/reports")
    assert "Die Karte zeigt die 2 Meldung(en) dieser Seite mit Position." in page.text
    points = shown_points(page.text)
    assert [(p["ref"], p["url"], p["category"], p["status"]) for p in points] == [
        (lamp, f"/reports/{lamp}", "Straßenbeleuchtung", "eingegangen"),
        (hole, f"/reports/{hole}", "Straßenschaden/Schlagloch", "eingegangen"),
    ]
    filtered = await staff.get("/reports", params={"category": "road_damage"})
    assert [p["ref"] for p in shown_points(filtered.text)] == [hole]
    assert "/static/vendor/leaflet/leaflet.js" in page.text
    # no tile server set: nothing but the page's own origin for images
    assert policy_of(page.headers)["img-src"] == "img-src 'self' data:"


async def test_a_tile_server_is_allowed_and_its_credit_escaped(
    web_app: App, staff: StaffClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_app.settings, "map_tiles", TILES)
    monkeypatch.setattr(web_app.settings, "map_attribution", "<b>© Stadt</b>")
    ref = await report(web_app, "Die Laterne ist dunkel", position=(LAT, LON))
    for path in ("/reports", f"/reports/{ref}"):
        page = await staff.get(path)
        policy = policy_of(page.headers)
        assert policy["img-src"] == "img-src 'self' data: https://tile.example.org"
        assert policy["script-src"] == "script-src 'self'"
        assert f'data-tiles="{TILES}"' in page.text
        assert "&lt;b&gt;© Stadt&lt;/b&gt;" in page.text and "<b>© Stadt" not in page.text


@pytest.mark.parametrize(
    ("tiles", "source"),
    [
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8081"),
        ("", None),
        ("tile.example.org/{z}/{x}/{y}.png", None),
        ("javascript:alert(1)", None),
        ("https://tile.example.org;script-src *", None),
        ("https://tile.example.org 'unsafe-inline'/x", None),
    ],
)
def test_only_a_plain_http_tile_server_reaches_the_policy(tiles: str, source: str | None) -> None:
    assert report_map.tile_source(tiles) == source


async def test_a_wrong_tile_setting_leaves_the_map_without_tiles(
    web_app: App, staff: StaffClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_app.settings, "map_tiles", "https://x.example;script-src *")
    await report(web_app, "Die Laterne ist dunkel", position=(LAT, LON))
    page = await staff.get("/reports")
    assert page.status_code == 200 and 'data-tiles=""' in page.text
    assert policy_of(page.headers)["img-src"] == "img-src 'self' data:"


async def test_without_the_map_library_the_list_still_works(
    web_app: App, staff: StaffClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(report_map, "LEAFLET", tmp_path / "leaflet")
    ref = await report(web_app, "Die Laterne ist dunkel", position=(LAT, LON))
    page = await staff.get("/reports")
    assert page.status_code == 200 and ref in page.text
    assert "Die Karte ist nicht installiert. Die Liste funktioniert trotzdem." in page.text
    assert "leaflet.js" not in page.text and "data-points" not in page.text
    detail = await staff.get(f"/reports/{ref}")
    assert detail.status_code == 200 and "Die Karte ist nicht installiert." in detail.text


async def test_a_report_page_shows_its_position_on_a_map(web_app: App, staff: StaffClient) -> None:
    placed = await report(web_app, "Die Laterne ist dunkel", position=(LAT, LON))
    unplaced = await report(web_app, "Ohne Position", position=None)
    page = await staff.get(f"/reports/{placed}")
    assert [(p["ref"], p["lat"], p["lon"]) for p in shown_points(page.text)] == [(placed, LAT, LON)]
    without = await staff.get(f"/reports/{unplaced}")
    assert "data-report-map" not in without.text and "nicht installiert" not in without.text
    listing = await staff.get("/reports", params={"q": unplaced.lower()})
    assert "Keine Meldung auf dieser Seite hat eine Position." in listing.text


async def test_the_map_in_the_browser_has_a_marker_per_placed_report_and_popups_link_them(
    web_app: App, admin_page: Page, live_server: str
) -> None:
    assert report_map.leaflet_installed(), "Leaflet is missing: run scripts/install-test-services"
    problems: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":  # a refused script or style shows up here
            problems.append(message.text)

    page = admin_page
    page.on("console", note)
    page.on("pageerror", lambda error: problems.append(str(error)))
    lamp = await report(web_app, "Die Laterne ist dunkel", position=(LAT, LON))
    hole = await report(web_app, "Schlagloch", position=(LAT + 0.004, LON + 0.006))
    await report(web_app, "Ohne Position", position=None)
    await page.get_by_role("link", name="Meldungen", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Meldungen")
    the_map = page.get_by_role("region", name="Karte der Meldungen auf dieser Seite")
    markers = the_map.locator(".leaflet-marker-icon")
    await expect(markers).to_have_count(2)
    assert await page.evaluate(UNLABELLED) == []
    assert await page.evaluate(LOW_CONTRAST) == []
    await the_map.get_by_role("button", name=hole).click()
    popup = the_map.locator(".leaflet-popup")
    await expect(popup).to_contain_text(hole)
    await expect(popup).to_contain_text("Straßenbeleuchtung")
    await expect(popup).to_contain_text("eingegangen")
    assert await page.evaluate(LOW_CONTRAST) == []
    # the popup pans the map into view; a click by position may land while it still moves
    # on a busy machine, so the link is activated as a keyboard or screen reader would
    await popup.get_by_role("link", name=f"Meldung öffnen {hole}").dispatch_event("click")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(hole)
    single = page.get_by_role("region", name="Karte mit dem Ort der Meldung")
    await expect(single.locator(".leaflet-marker-icon")).to_have_count(1)
    assert lamp != hole and problems == []


# how many markers stand with their whole icon inside the map's visible box
_MARKERS_IN_VIEW = """(wanted) => {
  const map = document.querySelector('.report-map');
  const box = map.getBoundingClientRect();
  return [...map.querySelectorAll('.leaflet-marker-icon')].filter((icon) => {
    const r = icon.getBoundingClientRect();
    return r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
  }).length === wanted;
}"""


async def test_zooming_in_and_pressing_the_area_button_lists_only_the_reports_in_view(
    web_app: App, admin_page: Page, live_server: str
) -> None:
    assert report_map.leaflet_installed(), "Leaflet is missing: run scripts/install-test-services"
    problems: list[str] = []
    page = admin_page
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    near = [
        await report(web_app, "Laterne am Markt", position=(LAT + 0.0005, LON + 0.0005)),
        await report(web_app, "Bank am Markt", position=(LAT - 0.0005, LON - 0.0005)),
    ]
    far = [
        await report(web_app, "Laterne im Norden", position=(LAT + 0.05, LON + 0.2)),
        await report(web_app, "Bank im Süden", position=(LAT - 0.05, LON - 0.2)),
    ]
    unplaced = await report(web_app, "Ohne Position", position=None)
    await page.goto(f"{live_server}/reports")
    the_map = page.get_by_role("region", name="Karte der Meldungen auf dieser Seite")
    await expect(the_map.locator(".leaflet-marker-icon")).to_have_count(4)
    # the map fits all four, the market in its middle; drawing a box there with Shift held
    # zooms in to the market, as a member of staff would
    box = await the_map.bounding_box()
    assert box is not None
    middle_x, middle_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    await page.keyboard.down("Shift")
    await page.mouse.move(middle_x - 30, middle_y - 30)
    await page.mouse.down()
    await page.mouse.move(middle_x + 30, middle_y + 30, steps=5)
    await page.mouse.up()
    await page.keyboard.up("Shift")
    await page.wait_for_function(_MARKERS_IN_VIEW, arg=2)
    await page.get_by_role("button", name="Nur im Kartenausschnitt").click()
    await expect(page.get_by_text("Nur Meldungen im gewählten Kartenausschnitt.")).to_be_visible()
    rows = page.locator("tbody tr")
    await expect(rows).to_have_count(2)
    for ref in near:
        await expect(rows.filter(has_text=ref)).to_have_count(1)
    await expect(the_map.locator(".leaflet-marker-icon")).to_have_count(2)
    # the map shows the chosen view again
    await page.wait_for_function(_MARKERS_IN_VIEW, arg=2)
    await page.get_by_role("link", name="Kartenausschnitt aufheben").click()
    await expect(rows).to_have_count(5)
    await expect(rows.filter(has_text=unplaced)).to_have_count(1)
    assert far[0] != far[1] and problems == []
