"""The personal data port over the store: contributions, export, erasure."""

from __future__ import annotations

import json

from storage import outbox
from storage.conversations import save_states, state_row
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
from tests.bot.civic.turns import (
    NOW,
    Clock,
    Sessions,
    count,
    new_citizen,
    playground_id,
    services,
)


async def test_contributions_show_progress_of_participations(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    playground = await playground_id(sessions, clock)
    async with services(sessions, clock) as store:
        await store.consultations.save_answer(anna, playground, "alter", "klein")
        await store.consultations.save_answer(anna, playground, "schatten", 5)
        ref = await store.ideas.create(anna, "Trinkbrunnen", "Am Markt", None, None, "de")
        mine = await store.personal_data.contributions(anna, "en")
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
    playground = await playground_id(sessions, clock)
    async with services(sessions, clock, publish_ideas=True) as store:
        await store.citizens.record_consent(anna, "2026-01")
        await store.questions.create(anna, "Wann öffnet das Freibad?", "de")
        ref = await store.ideas.create(anna, "Trinkbrunnen", "Am Markt", "umwelt", "Markt", "de")
        await store.consultations.save_answer(anna, playground, "alter", "klein")
        await store.consultations.save_answer(anna, playground, "wuensche", "Mehr Bänke")
        await store.ideas.support(anna, 1)
        await store.subscriptions.add(anna, "topic", "verkehr")
        own = await store.ideas.find(ref, bernd, "de")
        assert own is not None
        await store.ideas.support(bernd, own.summary.id)
    async with sessions() as session, session.begin():
        state = {"flow_id": "idea", "step_id": "title", "slots": {"title": "Bänke"}}
        row = state_row(
            ("terminal", "anna", "anna"), citizen_id=anna, state=state, now=NOW, read_version=0
        )
        await save_states(session, [row])
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
        data = json.loads(await store.personal_data.export(anna))
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
        await store.personal_data.erase(anna)
    for model in (ChannelIdentity, Conversation, Subscription, ConsentRecord, OutboxMessage):
        assert await count(sessions, model, citizen_id=anna) == 0, model
    for kept in (Idea, Question, Participation, IdeaSupport):
        assert await count(sessions, kept, citizen_id=anna) == 0, kept
    assert await count(sessions, Citizen, id=anna) == 0
    assert await count(sessions, Question, text="Wann öffnet das Freibad?") == 1
    assert await count(sessions, ParticipationAnswer) == 2
    async with services(sessions, clock) as store:
        idea = await store.ideas.find(ref, bernd, "de")
        first = await store.ideas.find("I-1", bernd, "de")
        assert await store.subscriptions.listed(bernd, "de") == []
    assert idea is not None and idea.summary.support_count == 1 and not idea.mine
    assert first is not None and first.summary.support_count == 24
    # the same chat identity coming back is a new, unlinked citizen
    async with sessions() as session, session.begin():
        again, created = await resolve_citizen(session, "terminal", "anna", "anna", "de", NOW)
    assert created and again != anna
    async with services(sessions, clock) as store:
        fresh = await store.personal_data.contributions(again, "de")
    assert (fresh.ideas, fresh.questions, fresh.participations) == ((), (), ())
