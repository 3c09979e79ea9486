"""The staff list of problem reports: filters, a status change that reaches the reporter and
the followers, duplicates, publishing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from storage import reports
from storage.identities import resolve_citizen
from storage.models.core import OutboxMessage
from storage.models.staff import AuditEntry
from tests.bot.web.support import StaffClient

ATTACK = '<script>alert("x")</script>'


async def report(
    app: App, text: str, category: str = "street_lighting", user: str = "anna", days_ago: int = 0
) -> tuple[str, int]:
    when = datetime.now(UTC) - timedelta(days=days_ago)
    async with app.sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "test", user, f"chat-{user}", "de", when)
        row = await reports.create_report(
            session,
            citizen_id=citizen,
            category_code=category,
            description=text,
            place="Lindenstraße 5",
            language="de",
            now=when,
        )
    return row.ref or "", citizen


async def test_the_list_filters_and_escapes(web_app: App, staff: StaffClient) -> None:
    lamp, _ = await report(web_app, "Die Laterne ist dunkel", days_ago=2)
    hole, _ = await report(web_app, ATTACK, "road_damage", user="ben")
    page = await staff.get("/reports")
    assert page.status_code == 200 and "2 Meldung(en) gefunden" in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert page.text.index(lamp) < page.text.index(hole)
    by_category = await staff.get("/reports", params={"category": "road_damage"})
    assert hole in by_category.text and lamp not in by_category.text
    by_text = await staff.get("/reports", params={"q": "laterne"})
    assert lamp in by_text.text and hole not in by_text.text
    done = await staff.get("/reports", params={"status": "done"})
    assert "Keine Meldungen für diese Auswahl" in done.text


async def test_a_status_change_reaches_reporter_and_follower(
    web_app: App, staff: StaffClient
) -> None:
    ref, _ = await report(web_app, "Die Laterne ist dunkel")
    async with web_app.sessions() as session, session.begin():
        follower, _ = await resolve_citizen(
            session, "test", "ben", "chat-ben", "de", datetime.now(UTC)
        )
        row = await reports.report_by_ref(session, ref)
        assert row is not None
        assert await reports.follow(session, row.id, follower, datetime.now(UTC))
    response = await staff.post_form(
        f"/reports/{ref}/status",
        {"status": "in_progress", "note_de": "Der Bauhof ist unterwegs.", "note_en": ""},
    )
    assert response.status_code == 303
    page = await staff.follow(response)
    assert "2 Nachricht(en) unterwegs" in page.text and "Der Bauhof ist unterwegs." in page.text
    async with web_app.sessions() as session:
        messages = (await session.scalars(select(OutboxMessage))).all()
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "report.status"))
    assert sorted(m.address for m in messages) == ["chat-anna", "chat-ben"]
    assert all("in Bearbeitung" in m.payload["text"] for m in messages)
    assert entry is not None and entry.target == ref


async def test_a_duplicate_needs_a_known_original(web_app: App, staff: StaffClient) -> None:
    first, _ = await report(web_app, "Die Laterne ist dunkel")
    second, _ = await report(web_app, "Lampe aus", user="ben")
    missing = await staff.post_form(f"/reports/{second}/status", {"status": "duplicate"})
    assert missing.status_code == 400 and "Nummer der ersten Meldung" in missing.text
    unknown = await staff.post_form(
        f"/reports/{second}/status", {"status": "duplicate", "duplicate_of": "M-999"}
    )
    assert unknown.status_code == 400 and "gibt es nicht" in unknown.text
    done = await staff.post_form(
        f"/reports/{second}/status", {"status": "duplicate", "duplicate_of": first}
    )
    page = await staff.follow(done)
    assert f'href="/reports/{first}"' in page.text


async def test_publishing_and_the_csrf_guard(web_app: App, staff: StaffClient) -> None:
    ref, _ = await report(web_app, "Die Laterne ist dunkel")
    refused = await staff.post(f"/reports/{ref}/publish", data={"published": "yes"})
    assert refused.status_code == 403
    published = await staff.post_form(f"/reports/{ref}/publish", {"published": "yes"})
    assert "jetzt öffentlich" in (await staff.follow(published)).text
    async with web_app.sessions() as session:
        row = await reports.report_by_ref(session, ref)
    assert row is not None and row.published
