"""The questions inbox: filters, assigning, answering into the citizen's chat, public answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from storage.identities import resolve_citizen
from storage.models.civic import Question
from storage.models.core import OutboxMessage
from storage.models.staff import AuditEntry
from storage.questions import create_question, similar_public_questions
from storage.topics import upsert_topic
from tests.bot.web.support import StaffClient, add_staff

ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def ask(app: App, text: str, user: str = "citizen-1", days_ago: int = 0) -> str:
    when = datetime.now(UTC) - timedelta(days=days_ago)
    async with app.sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "test", user, f"chat-{user}", "de", when)
        question = await create_question(session, citizen, text, "de", when)
    return question.ref or ""


async def test_inbox_shows_open_questions_escaped_oldest_first(
    web_app: App, staff: StaffClient
) -> None:
    newer = await ask(web_app, "Wann öffnet das Freibad?", days_ago=1)
    older = await ask(web_app, ATTACK, user="citizen-2", days_ago=3)
    page = await staff.get("/questions")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert page.text.index(older) < page.text.index(newer)
    assert "2 Frage(n) gefunden" in page.text and "3 Tage" in page.text
    detail = await staff.get(f"/questions/{older}")
    assert "<script>alert" not in detail.text and "&lt;img src=x" in detail.text


async def test_filters_by_text_topic_and_state(web_app: App, staff: StaffClient) -> None:
    pool = await ask(web_app, "Wann öffnet das Freibad?")
    bus = await ask(web_app, "Fährt der Bus 5 auch sonntags?", user="citizen-2")
    async with web_app.sessions() as session, session.begin():
        await upsert_topic(session, "verkehr", "Verkehr", "Traffic", ["bus", "radweg"])
    by_text = await staff.get("/questions", params={"q": "freibad"})
    assert pool in by_text.text and bus not in by_text.text
    by_ref = await staff.get("/questions", params={"q": bus.lower()})
    assert bus in by_ref.text and pool not in by_ref.text
    by_topic = await staff.get("/questions", params={"topic": "verkehr"})
    assert bus in by_topic.text and pool not in by_topic.text
    assert (await staff.get("/questions", params={"q": "%"})).text.count("Q-") == 0
    answered = await staff.get("/questions", params={"view": "answered"})
    assert "Keine Fragen für diese Auswahl" in answered.text


async def test_answer_goes_to_the_citizens_chat_and_into_the_audit_log(
    web_app: App, staff: StaffClient
) -> None:
    ref = await ask(web_app, "Wann öffnet das Freibad?")
    response = await staff.post_form(f"/questions/{ref}/answer", {"answer": "Am 15. Mai."})
    assert response.status_code == 303 and response.headers["location"] == f"/questions/{ref}"
    page = await staff.follow(response)
    assert f"Antwort auf {ref} gespeichert und an die Person unterwegs" in page.text
    assert "Beantwortet von ben" in page.text
    assert "an die Person unterwegs" not in (await staff.get(f"/questions/{ref}")).text  # once
    async with web_app.sessions() as session:
        (message,) = (await session.scalars(select(OutboxMessage))).all()
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "question.answer")
        )
    assert (message.channel, message.address) == ("test", "chat-citizen-1")
    assert "Am 15. Mai." in message.payload["text"]
    assert entry is not None and (entry.actor, entry.target) == ("ben", ref)


async def test_an_empty_or_too_long_answer_is_refused_and_the_text_kept(
    web_app: App, staff: StaffClient
) -> None:
    ref = await ask(web_app, "Wann öffnet das Freibad?")
    empty = await staff.post_form(f"/questions/{ref}/answer", {"answer": "   "})
    assert empty.status_code == 400 and "Bitte schreiben Sie eine Antwort" in empty.text
    long = "<b>" + "x" * 3000
    too_long = await staff.post_form(f"/questions/{ref}/answer", {"answer": long})
    assert too_long.status_code == 400 and "zu lang" in too_long.text
    assert "&lt;b&gt;xxx" in too_long.text  # the draft comes back, escaped
    async with web_app.sessions() as session:
        assert (await session.scalars(select(OutboxMessage))).all() == []


async def test_answer_without_csrf_token_changes_nothing(web_app: App, staff: StaffClient) -> None:
    ref = await ask(web_app, "Wann öffnet das Freibad?")
    response = await staff.post(f"/questions/{ref}/answer", data={"answer": "Am 15. Mai."})
    assert response.status_code == 403
    async with web_app.sessions() as session:
        question = await session.scalar(select(Question))
    assert question is not None and question.status == "open"


async def test_assigning_shows_the_question_under_assigned_to_me(
    web_app: App, admin: StaffClient
) -> None:
    await add_staff(web_app, "ben")
    ref = await ask(web_app, "Wann öffnet das Freibad?")
    assert ref not in (await admin.get("/questions", params={"view": "mine"})).text
    unknown = await admin.post_form(f"/questions/{ref}/assign", {"assignee": "mallory"})
    assert "gibt es nicht" in (await admin.follow(unknown)).text
    to_me = await admin.post_form(f"/questions/{ref}/assign", {"assignee": "anna"})
    assert "Zugewiesen an anna" in (await admin.follow(to_me)).text
    mine = await admin.get("/questions", params={"view": "mine"})
    assert ref in mine.text
    await admin.post_form(f"/questions/{ref}/assign", {"assignee": "ben"})
    assert ref not in (await admin.get("/questions", params={"view": "mine"})).text


async def test_a_public_answer_is_offered_to_others(web_app: App, staff: StaffClient) -> None:
    ref = await ask(web_app, "Wann öffnet das Freibad im Sommer?")
    early = await staff.post_form(f"/questions/{ref}/public", {"public": "yes"})
    assert "Erst beantworten" in (await staff.follow(early)).text
    await staff.post_form(f"/questions/{ref}/answer", {"answer": "Am 15. Mai."})
    made_public = await staff.post_form(f"/questions/{ref}/public", {"public": "yes"})
    assert "jetzt öffentlich" in (await staff.follow(made_public)).text
    async with web_app.sessions() as session:
        similar = await similar_public_questions(session, "Wann öffnet das Freibad?", "de")
    assert [q.ref for q, _ in similar] == [ref]
    await staff.post_form(f"/questions/{ref}/public", {"public": "no"})
    async with web_app.sessions() as session:
        assert await similar_public_questions(session, "Wann öffnet das Freibad?", "de") == []


async def test_unknown_question_is_a_404(staff: StaffClient) -> None:
    assert (await staff.get("/questions/Q-999")).status_code == 404
    assert (await staff.get("/questions/nonsense")).status_code == 404
