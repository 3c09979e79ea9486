"""The Open311 GeoReport v2 interface, checked with httpx against the examples of the
specification: discovery, services, one service, requests with filters, one request, and
creating a request with the API key; JSON and XML; only published reports, no personal data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import httpx
import pytest
from starlette.applications import Starlette

from bot.app import App
from bot.channels.recording import RecordingChannel
from bot.web.server import create_web_app
from nlu.types import IntentRecognizer
from storage import reports
from storage.identities import resolve_citizen
from storage.reports.status import change_status
from tests.bot.web.support import running_app

KEY = "open-sesame"
BASE = "/open311/v2"
NOW = datetime.now(UTC)


@pytest.fixture
async def open311_app(sqlite_url: str, recognizer: IntentRecognizer) -> AsyncIterator[App]:
    channels = {"test": RecordingChannel("test")}
    async with running_app(sqlite_url, recognizer, channels, open311_api_key=KEY) as app:
        yield app


@pytest.fixture
async def client(open311_app: App) -> AsyncIterator[httpx.AsyncClient]:
    web: Starlette = create_web_app(open311_app)
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        yield http


async def _reports(app: App) -> tuple[str, str, str]:
    """A published open report with a position, a published closed one, a hidden one."""
    async with app.sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "test", "anna", "chat-anna", "de", NOW)
        lamp = await reports.create_report(
            session,
            citizen_id=citizen,
            category_code="street_lighting",
            description="Die Laterne ist dunkel",
            place="Lindenstraße 5",
            language="de",
            now=NOW - timedelta(days=3),
            latitude=50.1,
            longitude=8.6,
        )
        hole = await reports.create_report(
            session,
            citizen_id=citizen,
            category_code="road_damage",
            description="Schlagloch",
            place="Bahnhofstraße",
            language="de",
            now=NOW,
        )
        hidden = await reports.create_report(
            session,
            citizen_id=citizen,
            category_code="graffiti",
            description="Schmiererei",
            place="Schule",
            language="de",
            now=NOW,
        )
        lamp.published = hole.published = True
        await change_status(
            session,
            hole,
            "done",
            note_de="Ausgebessert.",
            note_en="Repaired.",
            staff="anna",
            now=NOW,
        )
    return lamp.ref or "", hole.ref or "", hidden.ref or ""


async def test_discovery_and_services_in_json_and_xml(client: httpx.AsyncClient) -> None:
    discovery = (await client.get(f"{BASE}/discovery.json")).json()
    (endpoint,) = discovery["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/") and "text/xml" in endpoint["formats"]
    services = (await client.get(f"{BASE}/services.json")).json()
    codes = [service["service_code"] for service in services]
    assert codes[0] == "road_damage" and "street_lighting" in codes and codes[-1] == "other"
    lamp = next(s for s in services if s["service_code"] == "street_lighting")
    assert lamp["service_name"] == "Straßenbeleuchtung" and lamp["type"] == "realtime"
    assert lamp["metadata"] is False
    english = (await client.get(f"{BASE}/services.json", params={"locale": "en"})).json()
    assert english[0]["service_name"] == "Road damage/pothole"
    xml = await client.get(f"{BASE}/services.xml")
    assert xml.headers["content-type"].startswith("text/xml")
    assert xml.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == codes
    definition = (await client.get(f"{BASE}/services/graffiti.json")).json()
    assert definition == {"service_code": "graffiti", "attributes": []}
    missing = await client.get(f"{BASE}/services/nothing.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


async def test_only_published_requests_without_personal_data(
    open311_app: App, client: httpx.AsyncClient
) -> None:
    lamp, hole, hidden = await _reports(open311_app)
    listed = (await client.get(f"{BASE}/requests.json")).json()
    assert [item["service_request_id"] for item in listed] == [hole, lamp]
    closed = listed[0]
    assert (closed["status"], closed["status_notes"], closed["service_code"]) == (
        "closed",
        "Ausgebessert.",
        "road_damage",
    )
    opened = listed[1]
    assert (opened["lat"], opened["long"], opened["address"]) == (50.1, 8.6, "Lindenstraße 5")
    assert opened["requested_datetime"].endswith("Z")
    text = str(listed)
    assert "anna" not in text and "citizen" not in text
    by_code = await client.get(f"{BASE}/requests.json", params={"service_code": "street_lighting"})
    assert [item["service_request_id"] for item in by_code.json()] == [lamp]
    by_status = await client.get(f"{BASE}/requests.json", params={"status": "closed"})
    assert [item["service_request_id"] for item in by_status.json()] == [hole]
    since = (NOW - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    by_date = await client.get(f"{BASE}/requests.json", params={"start_date": since})
    assert [item["service_request_id"] for item in by_date.json()] == [hole]
    bad = await client.get(f"{BASE}/requests.json", params={"start_date": "yesterday"})
    assert bad.status_code == 400
    one = (await client.get(f"{BASE}/requests/{lamp}.json")).json()
    assert one[0]["service_request_id"] == lamp
    assert (await client.get(f"{BASE}/requests/{hidden}.json")).status_code == 404
    xml = ElementTree.fromstring((await client.get(f"{BASE}/requests/{lamp}.xml")).content)
    assert xml.tag == "service_requests"
    assert xml.findtext("request/service_request_id") == lamp
    assert xml.findtext("request/status") == "open"


async def test_creating_a_request_needs_the_key_and_a_location(
    open311_app: App, client: httpx.AsyncClient
) -> None:
    form = {
        "service_code": "illegal_dumping",
        "lat": "50.11",
        "long": "8.68",
        "description": "Sofa am Waldweg abgeladen",
        "email": "someone@example.org",
        "first_name": "Some",
    }
    refused = await client.post(f"{BASE}/requests.json", data={**form, "api_key": "wrong"})
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
    nowhere = await client.post(
        f"{BASE}/requests.json", data={"api_key": KEY, "service_code": "graffiti"}
    )
    assert nowhere.status_code == 400
    unknown = await client.post(
        f"{BASE}/requests.json", data={**form, "api_key": KEY, "service_code": "x"}
    )
    assert unknown.status_code == 404
    created = await client.post(f"{BASE}/requests.xml", data={**form, "api_key": KEY})
    assert created.status_code == 200
    root = ElementTree.fromstring(created.content)
    ref = root.findtext("request/service_request_id")
    assert ref is not None and ref.startswith("M-")
    async with open311_app.sessions() as session:
        stored = await reports.report_by_ref(session, ref)
    assert stored is not None and stored.citizen_id is None and not stored.published
    assert (stored.latitude, stored.longitude) == (50.11, 8.68)
    assert stored.description == "Sofa am Waldweg abgeladen"
    # not listed before staff publish it
    assert (await client.get(f"{BASE}/requests/{ref}.json")).status_code == 404


async def test_without_a_configured_key_nothing_can_be_created(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_app(sqlite_url, recognizer, {}) as app:
        transport = httpx.ASGITransport(app=create_web_app(app))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            response = await http.post(
                f"{BASE}/requests.json",
                data={"api_key": "", "service_code": "graffiti", "address_string": "Markt"},
            )
    assert response.status_code == 403
