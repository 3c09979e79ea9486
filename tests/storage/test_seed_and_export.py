"""The demo town and the open-data export built from it."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.consultations import consultation_questions, find_consultation, list_consultations
from storage.consultations.participations import save_answer, submit
from storage.export import export
from storage.ideas import add_support, find_idea, published_ideas
from storage.identities import resolve_citizen
from storage.questions import answered_public_questions, create_question
from storage.seed import ensure_default_topics, seed_demo
from storage.topics import list_topics

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def test_demo_town_is_loaded_once_with_everything_a_newcomer_needs(
    db_sessions: Sessions,
) -> None:
    async with db_sessions() as session, session.begin():
        assert await seed_demo(session, NOW)
    async with db_sessions() as session, session.begin():
        assert not await seed_demo(session, NOW)
        topics = await list_topics(session)
        open_now = await list_consultations(session, NOW, "open")
        upcoming = await list_consultations(session, NOW, "upcoming")
        closed = await list_consultations(session, NOW, "closed")
        kinds = [{q.kind for q in await consultation_questions(session, c.id)} for c in open_now]
        ideas = await published_ideas(session, limit=100)
        answered = await answered_public_questions(session)
    assert [t.slug for t in topics][:3] == ["verkehr", "umwelt", "bildung"] and len(topics) == 8
    assert len(open_now) == 2 and len(upcoming) == 1 and len(closed) == 1
    assert kinds == [{"single", "multiple", "scale", "text", "yesno"}] * 2
    assert 5 <= len(ideas) <= 8 and any(i.status == "implemented" for i in ideas)
    assert {q.language for q in answered} == {"de", "en"} and len(answered) == 6


async def test_standard_topics_are_added_only_where_a_town_has_none(
    db_sessions: Sessions,
) -> None:
    async with db_sessions() as session, session.begin():
        assert await ensure_default_topics(session) == 8
        assert await ensure_default_topics(session) == 0
        names = {t.slug: t.name_en for t in await list_topics(session)}
    assert names["sicherheit"] == "Safety & public order"


async def _activity(sessions: Sessions) -> None:
    """Two citizens take part in the playground consultation and support an idea."""
    async with sessions() as session, session.begin():
        assert await seed_demo(session, NOW)
        playground = await find_consultation(session, "spielplatz-lindenpark")
        idea = await find_idea(session, "I-2")
        assert playground is not None and idea is not None
        for user, shade, build in (("anna", 5, True), ("bernd", 2, False)):
            citizen, _ = await resolve_citizen(session, "terminal", user, user, "de", NOW)
            await save_answer(session, citizen, playground, "alter", "klein", NOW)
            await save_answer(session, citizen, playground, "geraete", ["sand", "wasser"], NOW)
            await save_answer(session, citizen, playground, "schatten", shade, NOW)
            await save_answer(session, citizen, playground, "mitbauen", build, NOW)
            await save_answer(session, citizen, playground, "wuensche", f"Ich bin {user}", NOW)
            await submit(session, citizen, playground, NOW)
            await add_support(session, idea, citizen, NOW)
            await create_question(session, citizen, f"Private Frage von {user}", "de", NOW)
        # a started but unsubmitted participation is no result yet
        carl, _ = await resolve_citizen(session, "terminal", "carl", "carl", "de", NOW)
        await save_answer(session, carl, playground, "schatten", 1, NOW)


async def test_export_is_anonymous_open_data_with_tallies(db_sessions: Sessions) -> None:
    await _activity(db_sessions)
    async with db_sessions() as session:
        ideas = json.loads(await export(session, "ideas", "json"))
        questions = json.loads(await export(session, "questions", "json"))
        consultations = json.loads(await export(session, "consultations", "json"))
        everything = "".join(
            [await export(session, kind, fmt) for kind in ("ideas", "questions", "consultations")
             for fmt in ("json", "csv")]
        )  # fmt: skip
    assert '"citizen_id"' not in everything and "Ich bin anna" not in everything
    assert "Private Frage" not in everything
    trees = next(i for i in ideas if i["ref"] == "I-2")
    assert trees["support_count"] == 19 and trees["topic"] == "umwelt"
    assert [h["status"] for h in trees["history"]] == ["submitted", "in_review"]
    assert {q["ref"] for q in questions} == {f"Q-{n}" for n in range(1, 7)}
    playground = next(c for c in consultations if c["slug"] == "spielplatz-lindenpark")
    assert playground["participants"] == 2
    tallies = {q["key"]: q for q in playground["questions"]}
    assert tallies["alter"]["counts"] == {"klein": 2, "schulkind": 0, "alle": 0}
    assert tallies["geraete"]["counts"] == {"schaukel": 0, "klettern": 0, "wasser": 2, "sand": 2}
    assert tallies["schatten"]["mean"] == 3.5
    assert tallies["schatten"]["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert tallies["mitbauen"]["counts"] == {"yes": 1, "no": 1}
    assert tallies["wuensche"]["counts"] == {"answered": 2}


async def test_csv_export_has_a_header_and_one_row_per_answer_value(
    db_sessions: Sessions,
) -> None:
    await _activity(db_sessions)
    async with db_sessions() as session:
        rows = list(csv.DictReader(io.StringIO(await export(session, "consultations", "csv"))))
        ideas = list(csv.DictReader(io.StringIO(await export(session, "ideas", "csv"))))
    shade = {r["answer"]: r["count"] for r in rows if r["question"] == "schatten"}
    assert shade == {"1": "0", "2": "1", "3": "0", "4": "0", "5": "1"}
    assert {r["participants"] for r in rows if r["consultation"] == "radverkehrsplan"} == {"0"}
    assert len(ideas) == 7 and ideas[0]["ref"] == "I-1" and ideas[0]["support_count"] == "23"


async def test_an_empty_database_exports_empty_lists_and_headers(sqlite_url: str) -> None:
    from storage.database import create_engine, session_factory

    engine = create_engine(sqlite_url)
    try:
        async with session_factory(engine)() as session:
            assert json.loads(await export(session, "ideas", "json")) == []
            header = await export(session, "questions", "csv")
    finally:
        await engine.dispose()
    assert header.strip() == "id,ref,question,answer,language,status,asked_at,answered_at"
