"""Moderating ideas in the staff app: publish, reject with a reason, status with a public
note, merging duplicates — and who hears about it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import App
from storage.ideas import add_support, create_idea, find_idea, published_ideas
from storage.identities import resolve_citizen
from storage.models.core import OutboxMessage
from storage.models.staff import AuditEntry
from storage.subscriptions import subscribe
from tests.bot.web.support import StaffClient

ATTACK = "<script>alert(1)</script>"


async def citizen(app: App, name: str) -> int:
    async with app.sessions() as session, session.begin():
        citizen_id, _ = await resolve_citizen(
            session, "test", name, f"chat-{name}", "de", datetime.now(UTC)
        )
    return citizen_id


async def propose(
    app: App, author: int, title: str, moderation: str = "pending", text: str = "Mehr Bänke"
) -> str:
    async with app.sessions() as session, session.begin():
        idea = await create_idea(
            session,
            citizen_id=author,
            title=title,
            description=text,
            topic_id=None,
            place=None,
            language="de",
            now=datetime.now(UTC),
            moderation=moderation,
        )
    return idea.ref or ""


async def support(app: App, ref: str, *citizens: int) -> None:
    async with app.sessions() as session, session.begin():
        idea = await find_idea(session, ref)
        assert idea is not None
        for one in citizens:
            await add_support(session, idea, one, datetime.now(UTC))


async def messages(app: App) -> list[OutboxMessage]:
    async with app.sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def test_pending_ideas_are_listed_escaped(web_app: App, staff: StaffClient) -> None:
    author = await citizen(web_app, "a")
    ref = await propose(web_app, author, f"Park {ATTACK}", text=f'<a href="javascript:x">{ATTACK}')
    listing = await staff.get("/ideas")
    assert ref in listing.text and "<script>alert" not in listing.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing.text
    page = await staff.get(f"/ideas/{ref}")
    assert "<script>alert" not in page.text and '<a href="javascript' not in page.text
    assert "Veröffentlichen" in page.text


async def test_publishing_tells_the_author_and_is_audited(web_app: App, staff: StaffClient) -> None:
    author = await citizen(web_app, "a")
    ref = await propose(web_app, author, "Bänke im Park")
    done = await staff.post_form(f"/ideas/{ref}/publish")
    assert "Die Idee ist veröffentlicht" in (await staff.follow(done)).text
    async with web_app.sessions() as session:
        assert [i.ref for i in await published_ideas(session)] == [ref]
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "idea.publish"))
    assert entry is not None and (entry.actor, entry.target) == ("ben", ref)
    (message,) = await messages(web_app)
    assert message.address == "chat-a" and "jetzt für alle sichtbar" in message.payload["text"]
    again = await staff.post_form(f"/ideas/{ref}/publish")
    assert again.status_code == 400 and "schon entschieden" in again.text


async def test_rejecting_needs_a_reason_which_the_author_gets(
    web_app: App, staff: StaffClient
) -> None:
    author = await citizen(web_app, "a")
    ref = await propose(web_app, author, "Bänke im Park")
    refused = await staff.post_form(f"/ideas/{ref}/reject", {"reason": "  "})
    assert refused.status_code == 400 and "bitte schreiben Sie eine Begründung" in refused.text
    assert await messages(web_app) == []
    done = await staff.post_form(f"/ideas/{ref}/reject", {"reason": "Gibt es schon: I-1."})
    assert done.status_code == 303
    (message,) = await messages(web_app)
    assert "Begründung: Gibt es schon: I-1." in message.payload["text"]


async def test_a_status_change_reaches_author_supporters_and_followers_once(
    web_app: App, staff: StaffClient
) -> None:
    author, fan, follower = [await citizen(web_app, n) for n in ("a", "b", "c")]
    ref = await propose(web_app, author, "Bänke im Park", moderation="published")
    await support(web_app, ref, fan, follower)
    async with web_app.sessions() as session, session.begin():
        await subscribe(session, follower, "idea", ref, datetime.now(UTC))  # supports and follows
    note = "Der Bauhof prüft drei Standorte."
    done = await staff.post_form(f"/ideas/{ref}/status", {"status": "in_review", "note": note})
    assert "3 Nachricht(en) unterwegs" in (await staff.follow(done)).text
    sent = await messages(web_app)
    assert sorted(m.address for m in sent) == ["chat-a", "chat-b", "chat-c"]
    assert all(
        "jetzt wird geprüft" in m.payload["text"] and note in m.payload["text"] for m in sent
    )
    await staff.post_form(f"/ideas/{ref}/status", {"status": "in_review", "note": note})
    assert len(await messages(web_app)) == 3  # the same news is not sent twice
    no_note = await staff.post_form(f"/ideas/{ref}/status", {"status": "rejected", "note": ""})
    assert no_note.status_code == 400 and "Begründung" in no_note.text
    page = await staff.get(f"/ideas/{ref}")
    assert note in page.text and "wird geprüft" in page.text


async def test_merging_moves_supports_hides_the_duplicate_and_tells_its_people(
    web_app: App, staff: StaffClient
) -> None:
    first, second, fan = [await citizen(web_app, n) for n in ("a", "b", "c")]
    kept = await propose(web_app, first, "Bänke im Park", moderation="published")
    duplicate = await propose(web_app, second, "Sitzbänke Stadtpark", moderation="published")
    await support(web_app, duplicate, fan)
    await support(web_app, kept, fan)  # already supports both: counted once
    unknown = await staff.post_form(f"/ideas/{duplicate}/merge", {"kept": "I-999"})
    assert unknown.status_code == 400 and "keine Idee I-999" in unknown.text
    itself = await staff.post_form(f"/ideas/{duplicate}/merge", {"kept": duplicate})
    assert itself.status_code == 400 and "nicht mit sich selbst" in itself.text
    done = await staff.post_form(f"/ideas/{duplicate}/merge", {"kept": kept.lower()})
    assert f"Zusammengeführt mit {kept}; 1 Unterstützung(en)" in (await staff.follow(done)).text
    async with web_app.sessions() as session:
        visible = [i.ref for i in await published_ideas(session)]
        kept_idea = await find_idea(session, kept)
    assert visible == [kept] and kept_idea is not None and kept_idea.support_count == 2
    sent = await messages(web_app)
    assert sorted(m.address for m in sent) == ["chat-b", "chat-c"]
    assert all("zusammengeführt" in m.payload["text"] and kept in m.payload["text"] for m in sent)
    later = await staff.get(f"/ideas/{duplicate}")
    assert "Diese Idee wurde zusammengeführt mit" in later.text
    third = await propose(web_app, first, "Noch eine Bank", moderation="published")
    hidden = await staff.post_form(f"/ideas/{third}/merge", {"kept": duplicate})
    assert hidden.status_code == 400 and f"{duplicate} ist nicht sichtbar" in hidden.text
