"""The questions port over the store: similar public answers, new questions."""

from __future__ import annotations

from storage.questions import question_by_ref, record_answer
from tests.bot.civic.turns import (
    NOW,
    Clock,
    Sessions,
    new_citizen,
    services,
)


async def test_similar_public_questions_are_offered_in_the_citizens_language(
    sessions: Sessions, clock: Clock
) -> None:
    async with services(sessions, clock) as store:
        german = await store.questions.similar_public("Wann hat das Bürgerbüro offen?", "de")
        english = await store.questions.similar_public("when is the citizens office open", "en")
        unrelated = await store.questions.similar_public("Wie wird das Wetter morgen?", "de")
    assert [a.question for a in german] == ["Wie sind die Öffnungszeiten des Bürgerbüros?"]
    assert "8 bis 12 Uhr" in german[0].answer and 0.6 <= german[0].score <= 1
    assert english[0].question == "What are the opening hours of the citizens' office?"
    assert unrelated == []


async def test_private_answers_are_never_offered_to_others(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock) as store:
        ref = await store.questions.create(anna, "Wann wird meine Mülltonne getauscht?", "de")
    async with sessions() as session, session.begin():
        question = await question_by_ref(session, ref)
        assert question is not None
        await record_answer(session, question, "Am Montag.", False, "Amt", NOW)
    async with services(sessions, clock) as store:
        offered = await store.questions.similar_public("Mülltonne getauscht", "de")
    assert offered == []


async def test_questions_get_a_reference_and_show_up_in_contributions(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock) as store:
        ref = await store.questions.create(anna, "Wann öffnet das Freibad?", "de")
        before = (await store.personal_data.contributions(anna, "de")).questions
    async with sessions() as session, session.begin():
        question = await question_by_ref(session, ref)
        assert question is not None
        await record_answer(session, question, "Am 15. Mai.", True, "Amt", NOW)
    async with services(sessions, clock) as store:
        after = (await store.personal_data.contributions(anna, "de")).questions
    assert ref.startswith("Q-")
    assert [(q.ref, q.status, q.answer) for q in before] == [(ref, "open", None)]
    assert [(q.ref, q.status, q.answer) for q in after] == [(ref, "answered", "Am 15. Mai.")]
