"""Administrators edit report categories and the duplicate radius: the chat and Open311 use
the edits at once; bad input is refused with a reason and changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from playwright.async_api import Page, expect
from sqlalchemy import func, select

from bot.app import App, services_factory
from bot.channels.recording import RecordingChannel
from bot.messages import ConversationKey, InboundMessage
from bot.web.server import create_web_app
from nlu.types import IntentRecognizer
from storage import reports
from storage.identities import resolve_citizen
from storage.models.core import OutboxMessage
from storage.models.reports import ReportCategory, ReportSetting
from storage.models.staff import AuditEntry
from tests.bot.web.support import StaffClient, add_staff, running_app, staff_client
from tests.bot.web.test_reports import report
from tests.bot.web.test_staff_browser import LOW_CONTRAST, UNLABELLED

PAGE = "/admin/report-categories"
NEW = {
    "code": "winter_service",
    "name_de": "Winterdienst",
    "name_en": "Winter service",
    "keywords_de": "Glatteis, Schnee, glatteis",
    "keywords_en": "black ice, snow",
    "position": "5",
    "active": "yes",
}
EARTH_METRES_PER_DEGREE = 111_195.0  # along a meridian, as storage/reports/nearby.py counts


@pytest.fixture
async def any_app(db_url: str, recognizer: IntentRecognizer) -> AsyncIterator[App]:
    async with running_app(db_url, recognizer, {"test": RecordingChannel("test")}) as app:
        yield app


@pytest.fixture
async def anna(any_app: App) -> AsyncIterator[StaffClient]:
    await add_staff(any_app, "anna", "admin")
    async with staff_client(create_web_app(any_app), "anna") as client:
        yield client


async def _chat(app: App, user: str, *texts: str) -> str:
    """What the bot answered the citizen's last message, with its buttons."""
    key = ConversationKey("test", f"chat-{user}", user)
    before = 0
    for text in texts:
        async with app.sessions() as session:
            before = await session.scalar(select(func.max(OutboxMessage.id))) or 0
        await app.dispatcher.handle(InboundMessage(key, text, language_hint="de"))
    async with app.sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.address == key.chat, OutboxMessage.id > before)
            .order_by(OutboxMessage.id)
        )
        return "\n".join(str(row.payload) for row in rows)


async def _services(app: App) -> list[dict[str, object]]:
    transport = httpx.ASGITransport(app=create_web_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        answer = await http.get("/open311/v2/services.json")
    assert answer.status_code == 200
    services: list[dict[str, object]] = answer.json()
    return services


async def _category(app: App, code: str) -> ReportCategory | None:
    async with app.sessions() as session:
        return await reports.category_by_code(session, code)


async def test_an_added_category_is_proposed_in_the_chat(any_app: App, anna: StaffClient) -> None:
    assert "Winterdienst" not in (await anna.get(PAGE)).text
    added = await anna.post_form(PAGE, NEW)
    page = await anna.follow(added)
    assert "Kategorie Winterdienst gespeichert" in page.text
    assert 'value="Glatteis, Schnee"' in page.text  # each keyword once, as typed
    answer = await _chat(any_app, "carl", "/melden", "Vor der Schule ist überall Glatteis")
    assert "Das klingt nach: Winterdienst" in answer
    async with any_app.sessions() as session:
        audit = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "report_category.create")
        )
    assert audit is not None and audit.target == "winter_service"


async def test_a_renamed_category_shows_in_chat_and_open311(
    any_app: App, anna: StaffClient
) -> None:
    lighting = await _category(any_app, "street_lighting")
    assert lighting is not None
    renamed = await anna.post_form(
        f"{PAGE}/category/street_lighting",
        {
            "name_de": "Laternen und Lampen",
            "name_en": "Lanterns and lamps",
            "keywords_de": ", ".join(lighting.keywords_de),
            "keywords_en": ", ".join(lighting.keywords_en),
            "position": str(lighting.position),
            "active": "yes",
        },
    )
    assert renamed.status_code == 303
    answer = await _chat(any_app, "dora", "/melden", "Die Straßenlaterne ist dunkel")
    assert "Das klingt nach: Laternen und Lampen" in answer
    names = {
        service["service_code"]: service["service_name"] for service in await _services(any_app)
    }
    assert names["street_lighting"] == "Laternen und Lampen"


async def test_a_switched_off_category_is_not_offered(any_app: App, anna: StaffClient) -> None:
    graffiti = await _category(any_app, "graffiti")
    assert graffiti is not None
    sprayed = "Jemand hat Graffiti an die Schule gesprüht"
    assert "Graffiti" in await _chat(any_app, "dora", "/melden", sprayed)
    await anna.post_form(
        f"{PAGE}/category/graffiti",
        {"name_de": graffiti.name_de, "name_en": graffiti.name_en, "position": "3"},
    )  # no "active": the box is unticked
    assert "graffiti" not in {service["service_code"] for service in await _services(any_app)}
    answer = await _chat(any_app, "emil", "/melden", sprayed)
    assert "Graffiti" not in answer and "Worum geht es?" in answer
    assert "ausgeschaltet" in (await anna.get(PAGE)).text


async def test_only_unused_categories_can_be_deleted(any_app: App, anna: StaffClient) -> None:
    await anna.post_form(PAGE, NEW)
    await report(any_app, "Die Laterne ist dunkel", "street_lighting")
    used = await anna.post_form(f"{PAGE}/category/street_lighting/delete")
    assert used.status_code == 400 and "Schalten Sie sie aus" in used.text
    assert await _category(any_app, "street_lighting") is not None
    gone = await anna.post_form(f"{PAGE}/category/winter_service/delete")
    assert "Kategorie Winterdienst gelöscht" in (await anna.follow(gone)).text
    assert await _category(any_app, "winter_service") is None


async def _duplicates_at(app: App, metres_north: float) -> list[str]:
    services_for = services_factory(app.settings)
    async with app.sessions() as session:
        found = await services_for(session, "test").reports.possible_duplicates(
            "street_lighting", None, 50.1 + metres_north / EARTH_METRES_PER_DEGREE, 8.6, "de"
        )
    return [view.ref for view in found]


async def test_the_radius_decides_which_report_is_offered_as_the_same(
    any_app: App, anna: StaffClient
) -> None:
    async with any_app.sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(
            session, "test", "fritz", "chat-fritz", "de", datetime.now(UTC)
        )
        lamp = await reports.create_report(
            session,
            citizen_id=citizen,
            category_code="street_lighting",
            description="Die Laterne ist dunkel",
            place=None,
            language="de",
            now=datetime.now(UTC),
            latitude=50.1,
            longitude=8.6,
        )
    assert await _duplicates_at(any_app, 150) == []  # the default: 50 m
    assert "Voreinstellung des Betriebs: 50 m" in (await anna.get(PAGE)).text
    saved = await anna.post_form(f"{PAGE}/radius", {"radius": "200"})
    assert "Umkreis gespeichert: 200 m" in (await anna.follow(saved)).text
    assert await _duplicates_at(any_app, 150) == [lamp.ref]
    assert await _duplicates_at(any_app, 250) == []


async def _stored(app: App) -> tuple[list[tuple[str, str, str, list[str]]], list[float]]:
    async with app.sessions() as session:
        rows = await session.scalars(select(ReportCategory).order_by(ReportCategory.code))
        categories = [(c.code, c.name_de, c.name_en, c.keywords_de) for c in rows]
        radius = list((await session.scalars(select(ReportSetting.value))).all())
    return categories, radius


async def test_bad_input_is_explained_and_changes_nothing(any_app: App, anna: StaffClient) -> None:
    await anna.post_form(PAGE, NEW)
    before = await _stored(any_app)
    empty = await anna.post_form(PAGE, {**NEW, "code": "bins", "name_de": "  "})
    assert empty.status_code == 400 and "Bitte geben Sie einen Namen ein" in empty.text
    assert 'value="bins"' in empty.text and 'value="Glatteis, Schnee, glatteis"' in empty.text
    twice = await anna.post_form(PAGE, {**NEW, "name_de": "Noch einmal"})
    assert twice.status_code == 400 and "Die Kennung „winter_service“ gibt es schon" in twice.text
    assert 'value="Noch einmal"' in twice.text
    bad_code = await anna.post_form(PAGE, {**NEW, "code": "Winter Dienst"})
    assert bad_code.status_code == 400 and "nur Kleinbuchstaben" in bad_code.text
    huge = "Eis, " * 2000
    flood = await anna.post_form(f"{PAGE}/category/winter_service", {**NEW, "keywords_de": huge})
    assert flood.status_code == 400 and "Zu viele Stichwörter" in flood.text
    markup = await anna.post_form(
        f"{PAGE}/category/winter_service", {**NEW, "name_en": "", "keywords_en": "<b>ice</b>"}
    )
    assert markup.status_code == 400 and "&lt;b&gt;ice&lt;/b&gt;" in markup.text
    assert "<b>ice</b>" not in markup.text
    for radius in ("0", "abc", "1001", "-5", ""):
        refused = await anna.post_form(f"{PAGE}/radius", {"radius": radius})
        assert refused.status_code == 400
        assert "Bitte eine ganze Zahl von 5 bis 1000 Metern eingeben" in refused.text
    assert await _stored(any_app) == before


async def test_only_administrators_with_the_csrf_token_edit(
    web_app: App, admin: StaffClient, staff: StaffClient
) -> None:
    assert (await staff.get(PAGE)).status_code == 403
    assert (await staff.post_form(PAGE, NEW)).status_code == 403
    assert "Meldungskategorien" in (await admin.get("/")).text  # the navigation link
    assert "Meldungskategorien" not in (await staff.get("/")).text
    forged = await admin.http.post(f"{PAGE}/radius", data={"radius": "200"})
    assert forged.status_code == 403
    forged_new = await admin.http.post(PAGE, data=NEW)
    assert forged_new.status_code == 403
    async with web_app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ReportSetting)) == 0
        assert await reports.category_by_code(session, "winter_service") is None


async def test_the_page_in_the_browser_keeps_what_was_typed(
    admin_page: Page, live_server: str
) -> None:
    page = admin_page
    await page.goto(live_server + "/")
    await page.get_by_role("link", name="Meldungskategorien").click()
    assert await page.evaluate(UNLABELLED) == []
    assert await page.evaluate(LOW_CONTRAST) == []
    assert await page.locator("h1").count() == 1
    await page.fill("#new-code", "winter_service")
    await page.fill("#new-name_de", "Winterdienst")
    await page.fill("#new-name_en", "Winter service")
    await page.fill("#new-keywords_de", "Glatteis, " + "Schnee" * 400)
    await page.get_by_role("button", name="Kategorie anlegen").click()
    await expect(page.locator("#new-keywords_de-error")).to_contain_text("Zu viele Stichwörter")
    await expect(page.locator("#new-name_de")).to_have_value("Winterdienst")
    await expect(page.locator("#new-keywords_de")).to_have_attribute("aria-invalid", "true")
    await page.fill("#new-keywords_de", "Glatteis, Schnee")
    await page.get_by_role("button", name="Kategorie anlegen").click()
    await expect(page.get_by_text("Kategorie Winterdienst gespeichert.")).to_be_visible()
    await expect(page.locator("#cat-winter_service-keywords_de")).to_have_value("Glatteis, Schnee")
