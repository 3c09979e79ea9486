"""The consultations port over the store: listing, participating, closing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.ports.consultations import ConsultationClosed
from storage.models.civic import (
    ParticipationAnswer,
)
from tests.bot.civic.turns import (
    NOW,
    Clock,
    Sessions,
    count,
    new_citizen,
    playground_id,
    services,
)


async def test_consultations_by_status_and_with_localised_questions(
    sessions: Sessions, clock: Clock
) -> None:
    async with services(sessions, clock) as store:
        open_now = await store.consultations.listed("en", NOW)
        upcoming = await store.consultations.listed("de", NOW, "upcoming")
        closed = await store.consultations.listed("de", NOW, "closed")
        playground = await store.consultations.find("spielplatz-lindenpark", "en", NOW)
        by_id = await store.consultations.find(str(open_now[0].id), "de", NOW)
        missing = await store.consultations.find("no-such-thing", "de", NOW)
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


async def test_participation_can_pause_change_and_submit_once(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    playground = await playground_id(sessions, clock)
    async with services(sessions, clock) as store:
        assert await store.consultations.participation(anna, playground) is None
        await store.consultations.save_answer(anna, playground, "alter", "klein")
        await store.consultations.save_answer(
            anna, playground, "geraete", ["sand", "schaukel", "sand"]
        )
    # a later message, a later transaction: the answers are there to resume from
    async with services(sessions, clock) as store:
        paused = await store.consultations.participation(anna, playground)
        await store.consultations.save_answer(anna, playground, "alter", "alle")
        await store.consultations.save_answer(anna, playground, "schatten", 4)
        await store.consultations.save_answer(anna, playground, "mitbauen", True)
        receipt = await store.consultations.submit(anna, playground, NOW)
    async with services(sessions, clock) as store:
        done = await store.consultations.participation(anna, playground)
        again = await store.consultations.submit(anna, playground, NOW)
        with pytest.raises(ValueError):
            await store.consultations.save_answer(anna, playground, "schatten", 1)
        subscribed = await store.subscriptions.listed(anna, "en")
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
    playground = await playground_id(sessions, clock)
    async with services(sessions, clock) as store:
        await store.consultations.save_answer(anna, playground, "alter", "klein")
        with pytest.raises(ValueError, match="geraete"):
            await store.consultations.submit(anna, playground, NOW)


async def test_answers_that_do_not_fit_the_question_are_refused(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    playground = await playground_id(sessions, clock)
    wrong = [
        ("schatten", 7), ("schatten", "4"), ("schatten", True), ("alter", "greis"),
        ("geraete", ["rutsche"]), ("geraete", []), ("mitbauen", "ja"), ("nicht-da", "x"),
    ]  # fmt: skip
    for key, value in wrong:
        async with services(sessions, clock) as store:
            with pytest.raises(ValueError):
                await store.consultations.save_answer(anna, playground, key, value)  # type: ignore[arg-type]
    assert await count(sessions, ParticipationAnswer) == 0


async def test_consultation_closing_while_answering_keeps_the_answers(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    playground = await playground_id(sessions, clock)
    async with services(sessions, clock) as store:
        await store.consultations.save_answer(anna, playground, "alter", "klein")
    clock.now = NOW + timedelta(days=40)
    async with services(sessions, clock) as store:
        with pytest.raises(ConsultationClosed):
            await store.consultations.save_answer(anna, playground, "schatten", 3)
        with pytest.raises(ConsultationClosed):
            await store.consultations.submit(anna, playground, clock.now)
        kept = await store.consultations.participation(anna, playground)
    assert kept is not None and kept.answers == {"alter": "klein"} and kept.receipt is None


async def test_upcoming_and_closed_consultations_take_no_answers(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock) as store:
        upcoming = (await store.consultations.listed("de", NOW, "upcoming"))[0]
        closed = (await store.consultations.listed("de", NOW, "closed"))[0]
        with pytest.raises(ConsultationClosed):
            await store.consultations.save_answer(anna, upcoming.id, "abends", True)
        with pytest.raises(ConsultationClosed):
            await store.consultations.save_answer(anna, closed.id, "wiederkommen", True)
