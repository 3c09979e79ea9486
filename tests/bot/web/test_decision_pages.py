"""Decision pages: write a draft, review council drafts, publish to everyone concerned once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from bot.channels.recording import RecordingChannel
from bot.civic.decisions import create_decision
from nlu.types import IntentRecognizer
from storage.consultations import find_consultation
from storage.consultations.participations import save_answer, submit
from storage.ideas import add_support, find_idea
from storage.identities import resolve_citizen
from storage.models.civic import Decision
from storage.models.core import OutboxMessage
from storage.models.staff import AuditEntry
from storage.seed import seed_demo
from storage.subscriptions import subscribe
from tests.bot.web.support import StaffClient, add_staff, running_app, staff_client


async def _people(app: App) -> int:
    """anna follows "verkehr"; bernd supports I-1 and took part in the playground
    consultation; carla took part too; dora follows another topic. Returns the
    playground's id."""
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        assert await seed_demo(session, now)
        playground = await find_consultation(session, "spielplatz-lindenpark")
        idea = await find_idea(session, "I-1")
        assert playground is not None and idea is not None
        ids = {}
        for name in ("anna", "bernd", "carla", "dora"):
            ids[name], _ = await resolve_citizen(session, "test", name, name, "de", now)
        await subscribe(session, ids["anna"], "topic", "verkehr", now)
        await subscribe(session, ids["dora"], "topic", "kultur", now)
        await add_support(session, idea, ids["bernd"], now)
        for name in ("bernd", "carla"):
            for key, value in (
                ("alter", "klein"),
                ("geraete", ["sand"]),
                ("schatten", 3),
                ("mitbauen", True),
            ):
                await save_answer(session, ids[name], playground, key, value, now)
            await submit(session, ids[name], playground, now)
        return playground.id


async def _decision_messages(app: App, decision_id: int) -> list[OutboxMessage]:
    async with app.sessions() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.dedupe_key.like(f"decision:{decision_id}:%")
                )
            )
        )


async def test_a_decision_is_drafted_reviewed_and_published_to_each_person_once(
    web_app: App, staff: StaffClient
) -> None:
    playground = await _people(web_app)
    created = await staff.post_form(
        "/decisions/new",
        {
            "title": "Radweg <b>Lindenallee</b> kommt",
            "text": "Der Rat hat den Radweg beschlossen.\nBau ab März.",
            "link": "https://rat.musterstadt.example/vorlage/12",
            "topic": "verkehr",
            "ideas": "I-1",
            "consultations": str(playground),
        },
    )
    assert created.status_code == 303, created.text
    review = await staff.follow(created)
    assert "Radweg &lt;b&gt;Lindenallee&lt;/b&gt; kommt" in review.text
    assert "Beim Veröffentlichen erfahren 3 Menschen davon" in review.text
    assert "📣 Neue Entscheidung zum Thema „Verkehr &amp; Mobilität“:" in review.text
    assert "📣 New decision on “Transport" in review.text
    decision_id = int(created.headers["location"].rsplit("/", 1)[1])
    assert await _decision_messages(web_app, decision_id) == []  # a draft tells nobody
    by_reference = await staff.get(f"/decisions/D-{decision_id}")  # as the list shows it
    assert by_reference.status_code == 200 and "Beim Veröffentlichen" in by_reference.text
    published = await staff.post_form(f"/decisions/{decision_id}/publish")
    page = await staff.follow(published)
    assert "Veröffentlicht. 3 Nachrichten sind unterwegs." in page.text
    assert "3 Chats wurden benachrichtigt." in page.text
    messages = await _decision_messages(web_app, decision_id)
    assert sorted(m.address for m in messages) == ["anna", "bernd", "carla"]
    again = await staff.follow(await staff.post_form(f"/decisions/{decision_id}/publish"))
    assert "0 neue Nachrichten" in again.text
    assert len(await _decision_messages(web_app, decision_id)) == 3
    async with web_app.sessions() as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.startswith("decision."))
                .order_by(AuditEntry.id)
            )
        )
    assert actions == ["decision.create", "decision.publish", "decision.publish"]
    listing = await staff.get("/decisions")
    assert "Radweg &lt;b&gt;Lindenallee&lt;/b&gt; kommt" in listing.text


async def test_council_drafts_are_listed_and_can_be_corrected_before_publishing(
    web_app: App, staff: StaffClient
) -> None:
    await _people(web_app)
    async with web_app.sessions() as session, session.begin():
        draft_id = await create_decision(
            session,
            title="Beschluss zur Vorlage V/2026/12",
            text="Zugestimmt.",
            link=None,
            topic_slug=None,
            idea_ids=[],
            consultation_ids=[],
            by=None,
            now=datetime.now(UTC),
            source="oparl",
            paper_reference="V/2026/12",
        )
    listing = await staff.get("/decisions")
    assert "Ratsinformationssystem" in listing.text and "Vorlage V/2026/12" in listing.text
    review = await staff.get(f"/decisions/{draft_id}")
    assert "Beim Veröffentlichen erfahren 0 Menschen davon" in review.text
    form = await staff.get(f"/decisions/{draft_id}/edit")
    assert 'value="Beschluss zur Vorlage V/2026/12"' in form.text
    wrong = await staff.post_form(
        f"/decisions/{draft_id}/edit",
        {"title": "Radweg", "text": "", "link": "javascript:alert(1)", "ideas": "I-1, I-999, x"},
    )
    assert wrong.status_code == 422
    assert "Bitte ausfüllen." in wrong.text and "Bitte eine vollständige Adresse" in wrong.text
    assert "Diese Ideen gibt es nicht: I-999" in wrong.text
    fixed = await staff.post_form(
        f"/decisions/{draft_id}/edit",
        {"title": "Radweg Lindenallee", "text": "Zugestimmt.", "topic": "verkehr"},
    )
    assert fixed.status_code == 303
    review = await staff.follow(fixed)
    assert "Beim Veröffentlichen erfahren 1 Menschen davon" in review.text
    refused = await staff.post(f"/decisions/{draft_id}/publish")  # no CSRF token
    assert refused.status_code == 403 and await _decision_messages(web_app, draft_id) == []
    await staff.post_form(f"/decisions/{draft_id}/publish")
    assert [m.address for m in await _decision_messages(web_app, draft_id)] == ["anna"]
    late = await staff.post_form(f"/decisions/{draft_id}/edit", {"title": "x", "text": "y"})
    assert (await staff.follow(late)).text.count("nicht mehr geändert") == 1
    async with web_app.sessions() as session:
        row = await session.get(Decision, draft_id)
    assert row is not None and row.title == "Radweg Lindenallee" and row.status == "published"
    assert (await staff.get("/decisions/12345")).status_code == 404


@pytest.fixture
async def any_db(
    db_url: str, recognizer: IntentRecognizer
) -> AsyncIterator[tuple[App, StaffClient]]:
    from bot.web.server import create_web_app

    async with running_app(db_url, recognizer, {"test": RecordingChannel("test")}) as app:
        await add_staff(app, "ben", "staff")
        async with staff_client(create_web_app(app), "ben") as client:
            yield app, client


async def test_publishing_on_sqlite_and_postgresql(any_db: tuple[App, StaffClient]) -> None:
    app, staff = any_db
    playground = await _people(app)
    huge = await staff.post_form("/decisions/new", {"title": "x" * 10_000, "text": "y" * 30_000})
    assert huge.status_code == 422 and "Höchstens 300 Zeichen." in huge.text
    created = await staff.post_form(
        "/decisions/new",
        {"title": "Spielplatz", "text": "Wird gebaut.", "consultations": str(playground)},
    )
    decision_id = int(created.headers["location"].rsplit("/", 1)[1])
    await staff.post_form(f"/decisions/{decision_id}/publish")
    messages = await _decision_messages(app, decision_id)
    assert sorted(m.address for m in messages) == ["bernd", "carla"]
