"""StoreServices against a real database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.services import StoreServices
from flows.services import ConsultationClosed, SupportOutcome
from storage import outbox
from storage.conversations import store_state
from storage.identities import resolve_citizen
from storage.models.civic import (
    ConsentRecord,
    Idea,
    IdeaSupport,
    Participation,
    ParticipationAnswer,
    Question,
    Subscription,
)
from storage.models.core import ChannelIdentity, Citizen, Conversation, OutboxMessage
from storage.questions import question_by_ref, record_answer
from storage.seed import seed_demo

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def sessions(db_sessions: Sessions) -> Sessions:
    async with db_sessions() as session, session.begin():
        assert await seed_demo(session, NOW)
    return db_sessions


@asynccontextmanager
async def services(
    sessions: Sessions, clock: Clock, *, publish_ideas: bool = False
) -> AsyncIterator[StoreServices]:
    """One transaction, as the dispatcher runs one per message."""
    async with sessions() as session, session.begin():
        yield StoreServices(session, "terminal", clock=clock, publish_ideas=publish_ideas)


async def new_citizen(sessions: Sessions, user: str, language: str = "de") -> int:
    async with sessions() as session, session.begin():
        citizen_id, created = await resolve_citizen(session, "terminal", user, user, language, NOW)
    assert created
    return citizen_id


async def count(sessions: Sessions, model: type, **where: object) -> int:
    async with sessions() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(await session.scalar(query) or 0)


async def test_consent_and_language_are_remembered(sessions: Sessions, clock: Clock) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock) as store:
        before = await store.citizen(anna)
        await store.record_consent(anna, "2026-01")
        await store.set_language(anna, "en")
        same_turn = await store.citizen(anna)  # the citizen read before shows the change
    async with services(sessions, clock) as store:
        after = await store.citizen(anna)
    assert (before.consent_given, before.language) == (False, "de")
    assert (same_turn.consent_given, same_turn.language) == (True, "en")
    assert (after.consent_given, after.language) == (True, "en")
    assert await count(sessions, ConsentRecord, citizen_id=anna, notice_version="2026-01") == 1


async def test_consent_for_an_unknown_citizen_is_refused(sessions: Sessions, clock: Clock) -> None:
    with pytest.raises(LookupError):
        async with services(sessions, clock) as store:
            await store.record_consent(999_999, "2026-01")
    assert await count(sessions, ConsentRecord, citizen_id=999_999) == 0


async def test_topics_come_in_the_language_asked_for(sessions: Sessions, clock: Clock) -> None:
    async with services(sessions, clock) as store:
        english = {t.slug: t.name for t in await store.topics("en")}
        german = {t.slug: t.name for t in await store.topics("de")}
    assert len(english) == 8
    assert english["verkehr"] == "Transport"
    assert german["digitales"] == "Digitales & Verwaltung"


async def test_consultations_by_status_and_with_localised_questions(
    sessions: Sessions, clock: Clock
) -> None:
    async with services(sessions, clock) as store:
        open_now = await store.consultations("en", NOW)
        upcoming = await store.consultations("de", NOW, "upcoming")
        closed = await store.consultations("de", NOW, "closed")
        playground = await store.consultation("spielplatz-lindenpark", "en", NOW)
        by_id = await store.consultation(str(open_now[0].id), "de", NOW)
        missing = await store.consultation("no-such-thing", "de", NOW)
    assert {c.title for c in open_now} == {"A new playground in Linden Park", "Cycling plan 2030"}
    assert all(c.status == "open" and c.closes_at > NOW for c in open_now)
    assert [c.status for c in upcoming] == ["upcoming"]
    assert [c.status for c in closed] == ["closed"]
    assert playground is not None and missing is None
    assert by_id is not None and by_id.title == "Radverkehrsplan 2030"
    kinds = {q.kind for q in playground.questions}
    assert kinds == {"single", "multiple", "scale", "text", "yesno"}
    swings = playground.questions[1].options[0]
    assert (swings.key, swings.label) == ("schaukel", "Swings")
    assert playground.questions[2].scale_labels == ("not important", "very important")
    assert playground.topic is not None and playground.topic.name == "Education & families"


async def _playground_id(sessions: Sessions, clock: Clock) -> int:
    async with services(sessions, clock) as store:
        found = await store.consultation("spielplatz-lindenpark", "de", NOW)
    assert found is not None
    return found.id


async def test_participation_can_pause_change_and_submit_once(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    playground = await _playground_id(sessions, clock)
    async with services(sessions, clock) as store:
        assert await store.participation(anna, playground) is None
        await store.save_answer(anna, playground, "alter", "klein")
        await store.save_answer(anna, playground, "geraete", ["sand", "schaukel", "sand"])
    # a later message, a later transaction: the answers are there to resume from
    async with services(sessions, clock) as store:
        paused = await store.participation(anna, playground)
        await store.save_answer(anna, playground, "alter", "alle")
        await store.save_answer(anna, playground, "schatten", 4)
        await store.save_answer(anna, playground, "mitbauen", True)
        receipt = await store.submit_participation(anna, playground, NOW)
    async with services(sessions, clock) as store:
        done = await store.participation(anna, playground)
        again = await store.submit_participation(anna, playground, NOW)
        with pytest.raises(ValueError):
            await store.save_answer(anna, playground, "schatten", 1)
        subscribed = await store.subscriptions(anna, "en")
    assert paused is not None and paused.submitted_at is None and paused.receipt is None
    assert paused.answers == {"alter": "klein", "geraete": ["schaukel", "sand"]}
    assert done is not None and done.submitted_at == NOW and done.receipt == receipt
    assert done.answers["alter"] == "alle" and done.answers["mitbauen"] is True
    assert receipt.startswith("P-") and again == receipt
    assert [(s.kind, s.label) for s in subscribed] == [
        ("consultation", "A new playground in Linden Park")
    ]


async def test_submitting_with_required_questions_open_is_refused(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    playground = await _playground_id(sessions, clock)
    async with services(sessions, clock) as store:
        await store.save_answer(anna, playground, "alter", "klein")
        with pytest.raises(ValueError, match="geraete"):
            await store.submit_participation(anna, playground, NOW)


async def test_answers_that_do_not_fit_the_question_are_refused(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    playground = await _playground_id(sessions, clock)
    wrong = [
        ("schatten", 7), ("schatten", "4"), ("schatten", True), ("alter", "greis"),
        ("geraete", ["rutsche"]), ("geraete", []), ("mitbauen", "ja"), ("nicht-da", "x"),
    ]  # fmt: skip
    for key, value in wrong:
        async with services(sessions, clock) as store:
            with pytest.raises(ValueError):
                await store.save_answer(anna, playground, key, value)  # type: ignore[arg-type]
    assert await count(sessions, ParticipationAnswer) == 0


async def test_consultation_closing_while_answering_keeps_the_answers(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    playground = await _playground_id(sessions, clock)
    async with services(sessions, clock) as store:
        await store.save_answer(anna, playground, "alter", "klein")
    clock.now = NOW + timedelta(days=40)
    async with services(sessions, clock) as store:
        with pytest.raises(ConsultationClosed):
            await store.save_answer(anna, playground, "schatten", 3)
        with pytest.raises(ConsultationClosed):
            await store.submit_participation(anna, playground, clock.now)
        kept = await store.participation(anna, playground)
    assert kept is not None and kept.answers == {"alter": "klein"} and kept.receipt is None


async def test_upcoming_and_closed_consultations_take_no_answers(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock) as store:
        upcoming = (await store.consultations("de", NOW, "upcoming"))[0]
        closed = (await store.consultations("de", NOW, "closed"))[0]
        with pytest.raises(ConsultationClosed):
            await store.save_answer(anna, upcoming.id, "abends", True)
        with pytest.raises(ConsultationClosed):
            await store.save_answer(anna, closed.id, "wiederkommen", True)


async def test_similar_public_questions_are_offered_in_the_citizens_language(
    sessions: Sessions, clock: Clock
) -> None:
    async with services(sessions, clock) as store:
        german = await store.similar_public_questions("Wann hat das Bürgerbüro offen?", "de")
        english = await store.similar_public_questions("when is the citizens office open", "en")
        unrelated = await store.similar_public_questions("Wie wird das Wetter morgen?", "de")
    assert [a.question for a in german] == ["Wie sind die Öffnungszeiten des Bürgerbüros?"]
    assert "8 bis 12 Uhr" in german[0].answer and 0.6 <= german[0].score <= 1
    assert english[0].question == "What are the opening hours of the citizens' office?"
    assert unrelated == []


async def test_private_answers_are_never_offered_to_others(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock) as store:
        ref = await store.create_question(anna, "Wann wird meine Mülltonne getauscht?", "de")
    async with sessions() as session, session.begin():
        question = await question_by_ref(session, ref)
        assert question is not None
        await record_answer(session, question, "Am Montag.", False, "Amt", NOW)
    async with services(sessions, clock) as store:
        offered = await store.similar_public_questions("Mülltonne getauscht", "de")
    assert offered == []


async def test_questions_get_a_reference_and_show_up_in_contributions(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock) as store:
        ref = await store.create_question(anna, "Wann öffnet das Freibad?", "de")
        before = (await store.contributions(anna, "de")).questions
    async with sessions() as session, session.begin():
        question = await question_by_ref(session, ref)
        assert question is not None
        await record_answer(session, question, "Am 15. Mai.", True, "Amt", NOW)
    async with services(sessions, clock) as store:
        after = (await store.contributions(anna, "de")).questions
    assert ref.startswith("Q-")
    assert [(q.ref, q.status, q.answer) for q in before] == [(ref, "open", None)]
    assert [(q.ref, q.status, q.answer) for q in after] == [(ref, "answered", "Am 15. Mai.")]


async def test_new_ideas_wait_for_moderation_but_their_author_sees_them(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    bernd = await new_citizen(sessions, "bernd")
    async with services(sessions, clock) as store:
        ref = await store.create_idea(anna, "Trinkbrunnen", "Am Markt", "umwelt", None, "de")
        listed = [i.ref for i in await store.ideas("de", limit=50)]
        own = await store.idea(ref, anna, "en")
        others = await store.idea(ref, bernd, "de")
        subscribed = await store.subscriptions(anna, "de")
    assert ref.startswith("I-") and ref not in listed
    assert own is not None and own.mine and own.summary.status == "submitted"
    assert own.summary.topic is not None and own.summary.topic.name == "Environment & climate"
    assert [h.status for h in own.history] == ["submitted"]
    assert others is None
    assert [(s.kind, s.target, s.label) for s in subscribed] == [
        ("idea", ref, f"{ref}: Trinkbrunnen")
    ]


async def test_published_ideas_newest_or_most_supported_by_topic_and_paged(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock, publish_ideas=True) as store:
        ref = await store.create_idea(anna, "Trinkbrunnen", "Am Markt", "umwelt", "Markt", "de")
        newest = await store.ideas("de")
        supported = await store.ideas("de", order="support", limit=3)
        second_page = await store.ideas("de", order="support", offset=3, limit=3)
        environment = await store.ideas("en", topic_slug="umwelt")
        nothing = await store.ideas("en", topic_slug="no-such-topic")
    assert newest[0].ref == ref and len(newest) == 5
    counts = [i.support_count for i in [*supported, *second_page]]
    assert counts == sorted(counts, reverse=True) and counts[0] == 31
    assert not {i.ref for i in supported} & {i.ref for i in second_page}
    assert {i.title for i in environment} == {"Trinkbrunnen", "Mehr Bäume in der Schulstraße"}
    assert nothing == []


async def test_support_counts_once_and_not_for_the_author(sessions: Sessions, clock: Clock) -> None:
    anna = await new_citizen(sessions, "anna")
    bernd = await new_citizen(sessions, "bernd")
    async with services(sessions, clock, publish_ideas=True) as store:
        ref = await store.create_idea(anna, "Trinkbrunnen", "Am Markt", None, None, "de")
        own = await store.idea(ref, anna, "de")
        assert own is not None
        idea_id = own.summary.id
    async with services(sessions, clock) as store:
        first = await store.support_idea(bernd, idea_id)
        second = await store.support_idea(bernd, idea_id)
        by_author = await store.support_idea(anna, idea_id)
        unknown = await store.support_idea(bernd, 999_999)
        seen_by_bernd = await store.idea(str(idea_id), bernd, "de")
    assert (first, second, by_author, unknown) == (
        SupportOutcome.ADDED,
        SupportOutcome.ALREADY,
        SupportOutcome.OWN_IDEA,
        SupportOutcome.NOT_FOUND,
    )
    assert seen_by_bernd is not None and seen_by_bernd.supported_by_me
    assert seen_by_bernd.summary.support_count == 1 and not seen_by_bernd.mine


async def test_unpublished_ideas_cannot_be_supported(sessions: Sessions, clock: Clock) -> None:
    anna = await new_citizen(sessions, "anna")
    bernd = await new_citizen(sessions, "bernd")
    async with services(sessions, clock) as store:
        ref = await store.create_idea(anna, "Trinkbrunnen", "Am Markt", None, None, "de")
        own = await store.idea(ref, anna, "de")
        assert own is not None
        outcome = await store.support_idea(bernd, own.summary.id)
    assert outcome == SupportOutcome.NOT_FOUND


async def test_subscriptions_to_topics_consultations_and_ideas(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock) as store:
        assert await store.subscribe(anna, "topic", "verkehr")
        assert not await store.subscribe(anna, "topic", "Verkehr")
        assert await store.subscribe(anna, "consultation", "radverkehrsplan")
        assert await store.subscribe(anna, "idea", "i-1")
        with pytest.raises(ValueError):
            await store.subscribe(anna, "topic", "no-such-topic")
        listed = await store.subscriptions(anna, "en")
        assert await store.unsubscribe(anna, "topic", "verkehr")
        assert not await store.unsubscribe(anna, "topic", "verkehr")
        assert await store.unsubscribe(anna, "consultation", "radverkehrsplan")
        left = await store.subscriptions(anna, "en")
    assert [(s.kind, s.label) for s in listed] == [
        ("topic", "Transport"),
        ("consultation", "Cycling plan 2030"),
        ("idea", "I-1: Fahrradständer am Bahnhof"),
    ]
    assert [s.target for s in left] == ["I-1"]


async def test_contributions_show_progress_of_participations(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    playground = await _playground_id(sessions, clock)
    async with services(sessions, clock) as store:
        await store.save_answer(anna, playground, "alter", "klein")
        await store.save_answer(anna, playground, "schatten", 5)
        ref = await store.create_idea(anna, "Trinkbrunnen", "Am Markt", None, None, "de")
        mine = await store.contributions(anna, "en")
    assert [i.ref for i in mine.ideas] == [ref]
    (progress,) = mine.participations
    assert (progress.title, progress.submitted, progress.answered, progress.total) == (
        "A new playground in Linden Park",
        False,
        2,
        5,
    )


async def _busy_citizen(sessions: Sessions, clock: Clock) -> tuple[int, int, str]:
    """A citizen who has done a bit of everything; returns (id, other citizen, idea ref)."""
    anna = await new_citizen(sessions, "anna")
    bernd = await new_citizen(sessions, "bernd")
    playground = await _playground_id(sessions, clock)
    async with services(sessions, clock, publish_ideas=True) as store:
        await store.record_consent(anna, "2026-01")
        await store.create_question(anna, "Wann öffnet das Freibad?", "de")
        ref = await store.create_idea(anna, "Trinkbrunnen", "Am Markt", "umwelt", "Markt", "de")
        await store.save_answer(anna, playground, "alter", "klein")
        await store.save_answer(anna, playground, "wuensche", "Mehr Bänke")
        await store.support_idea(anna, 1)
        await store.subscribe(anna, "topic", "verkehr")
        own = await store.idea(ref, bernd, "de")
        assert own is not None
        await store.support_idea(bernd, own.summary.id)
    async with sessions() as session, session.begin():
        state = {"flow_id": "idea", "step_id": "title", "slots": {"title": "Bänke"}}
        store_state(
            session, None, channel="terminal", chat="anna", user_key="anna",
            citizen_id=anna, state=state, now=NOW,
        )  # fmt: skip
        await outbox.enqueue(
            session, channel="terminal", address="anna", citizen_id=anna,
            payload={"text": "Hallo Anna"},
        )  # fmt: skip
    return anna, bernd, ref


async def test_export_contains_everything_stored_about_the_citizen(
    sessions: Sessions, clock: Clock
) -> None:
    anna, _, ref = await _busy_citizen(sessions, clock)
    async with services(sessions, clock) as store:
        data = json.loads(await store.export_data(anna))
    assert data["citizen"]["id"] == anna and data["citizen"]["consent_version"] == "2026-01"
    assert [i["user"] for i in data["identities"]] == ["anna"]
    assert data["conversations"][0]["state"]["slots"] == {"title": "Bänke"}
    assert [i["ref"] for i in data["ideas"]] == [ref]
    assert data["questions"][0]["text"] == "Wann öffnet das Freibad?"
    (participation,) = data["participations"]
    assert participation["consultation"] == "spielplatz-lindenpark"
    assert {a["question"]: a["value"] for a in participation["answers"]} == {
        "alter": "klein",
        "wuensche": "Mehr Bänke",
    }
    assert [s["idea"] for s in data["supports"]] == ["I-1"]
    kinds = {(s["kind"], s["target"]) for s in data["subscriptions"]}
    assert kinds == {("topic", "verkehr"), ("idea", ref)}
    assert [r["notice_version"] for r in data["consent_records"]] == ["2026-01"]
    assert [m["text"] for m in data["messages"]] == ["Hallo Anna"]


async def test_erasure_removes_the_person_and_keeps_contributions_anonymous(
    sessions: Sessions, clock: Clock
) -> None:
    anna, bernd, ref = await _busy_citizen(sessions, clock)
    async with services(sessions, clock) as store:
        await store.erase_citizen(anna)
    for model in (ChannelIdentity, Conversation, Subscription, ConsentRecord, OutboxMessage):
        assert await count(sessions, model, citizen_id=anna) == 0, model
    for kept in (Idea, Question, Participation, IdeaSupport):
        assert await count(sessions, kept, citizen_id=anna) == 0, kept
    assert await count(sessions, Citizen, id=anna) == 0
    assert await count(sessions, Question, text="Wann öffnet das Freibad?") == 1
    assert await count(sessions, ParticipationAnswer) == 2
    async with services(sessions, clock) as store:
        idea = await store.idea(ref, bernd, "de")
        first = await store.idea("I-1", bernd, "de")
        assert await store.subscriptions(bernd, "de") == []
    assert idea is not None and idea.summary.support_count == 1 and not idea.mine
    assert first is not None and first.summary.support_count == 24
    # the same chat identity coming back is a new, unlinked citizen
    async with sessions() as session, session.begin():
        again, created = await resolve_citizen(session, "terminal", "anna", "anna", "de", NOW)
    assert created and again != anna
    async with services(sessions, clock) as store:
        fresh = await store.contributions(again, "de")
    assert (fresh.ideas, fresh.questions, fresh.participations) == ((), (), ())
