"""Administration: accounts, topics, the privacy notice the bot shows, the audit log, and
the open-data downloads."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.app import App
from bot.messages import ConversationKey, InboundMessage
from bot.web.server import create_web_app
from storage.models.core import OutboxMessage
from storage.topics import topic_by_slug
from tests.bot.web.support import PASSWORD, StaffClient, log_in, staff_client
from tests.bot.web.test_ideas import citizen, propose
from tests.bot.web.test_questions import ATTACK


async def test_admin_creates_an_account_that_can_log_in(web_app: App, admin: StaffClient) -> None:
    weak = await admin.post_form(
        "/admin/accounts", {"name": "carla", "role": "staff", "password": "short"}
    )
    assert weak.status_code == 400
    assert (
        "das Passwort braucht mindestens 10 Zeichen" in weak.text and 'value="carla"' in weak.text
    )
    bad_name = await admin.post_form(
        "/admin/accounts", {"name": ATTACK, "role": "staff", "password": PASSWORD}
    )
    assert bad_name.status_code == 400 and "<script>alert" not in bad_name.text
    made = await admin.post_form(
        "/admin/accounts", {"name": "carla", "role": "staff", "password": PASSWORD}
    )
    assert "Konto carla angelegt" in (await admin.follow(made)).text
    twice = await admin.post_form(
        "/admin/accounts", {"name": "Carla", "role": "staff", "password": PASSWORD}
    )
    assert twice.status_code == 400 and "es gibt schon ein Konto Carla" in twice.text
    async with staff_client(create_web_app(web_app), "carla") as carla:
        assert (await carla.get("/admin/accounts")).status_code == 403


async def test_role_disable_and_password_reset_take_effect_at_once(
    web_app: App, admin: StaffClient, staff: StaffClient
) -> None:
    promoted = await admin.post_form("/admin/accounts/ben/role", {"role": "admin"})
    assert "ben hat jetzt die Rolle admin" in (await admin.follow(promoted)).text
    assert (await staff.get("/admin/audit")).status_code == 200  # ben is admin now
    await admin.post_form("/admin/accounts/ben/password", {"password": "a brand new password"})
    assert (await staff.get("/")).status_code == 303  # logged out everywhere
    assert (await log_in(staff.http, "ben", PASSWORD)).status_code == 401
    assert (await log_in(staff.http, "ben", "a brand new password")).status_code == 303
    disabled = await admin.post_form("/admin/accounts/ben/active", {"active": "no"})
    assert "ben ist gesperrt" in (await admin.follow(disabled)).text
    assert (await log_in(staff.http, "ben", "a brand new password")).status_code == 401


async def test_the_last_admin_cannot_lock_everyone_out(admin: StaffClient) -> None:
    demote = await admin.post_form("/admin/accounts/anna/role", {"role": "staff"})
    assert demote.status_code == 400 and "letzte aktive Administrationskonto" in demote.text
    myself = await admin.post_form("/admin/accounts/anna/active", {"active": "no"})
    assert myself.status_code == 400 and "nicht selbst sperren" in myself.text
    assert (await admin.get("/admin/accounts")).status_code == 200


async def test_topics_are_added_and_edited(web_app: App, admin: StaffClient) -> None:
    added = await admin.post_form(
        "/admin/settings/topics",
        {
            "new": "yes",
            "slug": "baeder",
            "name_de": "Bäder",
            "name_en": "Pools",
            "keywords": "Freibad, Hallenbad,  freibad ,",
            "position": "5",
        },
    )
    assert "Thema Bäder gespeichert" in (await admin.follow(added)).text
    twice = await admin.post_form(
        "/admin/settings/topics",
        {"new": "yes", "slug": "baeder", "name_de": "X", "name_en": "X"},
    )
    assert twice.status_code == 400 and "gibt es schon" in twice.text
    bad = await admin.post_form(
        "/admin/settings/topics", {"new": "yes", "slug": "A B", "name_de": "X", "name_en": "X"}
    )
    assert bad.status_code == 400 and "Kleinbuchstaben" in bad.text
    await admin.post_form(
        "/admin/settings/topics",
        {"slug": "baeder", "name_de": "Schwimmbäder", "name_en": "Pools", "keywords": "sauna"},
    )
    async with web_app.sessions() as session:
        topic = await topic_by_slug(session, "baeder")
    assert topic is not None and topic.name_de == "Schwimmbäder" and topic.keywords == ["sauna"]
    assert (await admin.get("/admin/settings")).text.count('value="sauna"') == 1


async def _consent_text(web_app: App, user: str) -> str:
    key = ConversationKey("test", f"chat-{user}", user)
    for text in ("/frage", "Wie lange hat das Bürgerbüro am Samstag geöffnet?"):
        await web_app.dispatcher.handle(InboundMessage(key, text, language_hint="de"))
    async with web_app.sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.address == key.chat)
            .order_by(OutboxMessage.id)
        )
        texts = [str(row.payload["text"]) for row in rows]
    return next(text for text in texts if "einverstanden" in text)


async def test_the_edited_privacy_notice_is_what_the_bot_asks_consent_for(
    web_app: App, admin: StaffClient
) -> None:
    shipped = await _consent_text(web_app, "before")
    assert "Bevor ich etwas von Ihnen speichere" in shipped
    page = await admin.get("/admin/settings")
    assert "Bevor ich etwas von Ihnen speichere" in page.text  # the shipped text to start from
    notice = "Wir speichern Ihre Frage und Ihre Chat-Kennung <b>nur</b> für die Antwort."
    saved = await admin.post_form(
        "/admin/settings/privacy", {"notice_de": notice, "notice_en": "We store little."}
    )
    assert "Datenschutzhinweis gespeichert" in (await admin.follow(saved)).text
    edited = await _consent_text(web_app, "after")
    assert edited.startswith(notice) and "Sind Sie damit einverstanden?" in edited
    assert "Bevor ich etwas" not in edited
    shown = await admin.get("/admin/settings")
    assert "&lt;b&gt;nur&lt;/b&gt;" in shown.text and "zuletzt geändert von anna" in shown.text
    await admin.post_form("/admin/settings/privacy", {"notice_de": "", "notice_en": ""})
    assert "Bevor ich etwas von Ihnen speichere" in await _consent_text(web_app, "reset")


async def test_audit_log_lists_changes_and_filters(admin: StaffClient) -> None:
    await admin.post_form(
        "/admin/accounts", {"name": "carla", "role": "staff", "password": PASSWORD}
    )
    log = await admin.get("/admin/audit")
    assert "account.create" in log.text and "carla" in log.text and "login" in log.text
    only = await admin.get("/admin/audit", params={"action": "account."})
    assert "account.create" in only.text and "<code>login</code>" not in only.text


async def test_exports_carry_the_licence_and_nothing_unpublished(
    web_app: App, staff: StaffClient
) -> None:
    author = await citizen(web_app, "a")
    await propose(web_app, author, "Veröffentlicht", moderation="published")
    await propose(web_app, author, "Wartet noch")
    page = await staff.get("/exports")
    assert "CC BY 4.0" in page.text and 'rel="license"' in page.text
    response = await staff.get("/exports/ideas.json")
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="mitreden-ideas'
    )
    data = json.loads(response.text)
    assert data["licence"] == "CC BY 4.0" and data["licence_url"].startswith("https://")
    assert [record["title"] for record in data["records"]] == ["Veröffentlicht"]
    assert "citizen_id" not in response.text
    csv = await staff.get("/exports/ideas.csv")
    assert csv.text.splitlines()[0].startswith("id,ref,title")
    assert "Wartet noch" not in csv.text and 'rel="license"' in csv.headers["link"]
    assert (await staff.get("/exports/citizens.json")).status_code == 404
