"""Editing consultations: texts change freely, answers already given are never orphaned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.consultations import consultation_questions, find_consultation
from storage.consultations.editing import (
    BreaksAnswers,
    SlugTaken,
    apply_spec,
    describe_conflict,
    spec_of,
)
from storage.consultations.file_import import ConsultationFileError, import_consultations
from storage.consultations.participations import answers_of, find_participation, save_answer, submit
from storage.consultations.results import consultation_results
from storage.consultations.spec import ConsultationSpec
from storage.export import export_consultation
from storage.identities import resolve_citizen
from storage.models.civic import Consultation
from storage.seed import seed_demo

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def _answered_playground(sessions: Sessions) -> int:
    """The demo playground consultation with two submitted participations and one started."""
    async with sessions() as session, session.begin():
        assert await seed_demo(session, NOW)
        playground = await find_consultation(session, "spielplatz-lindenpark")
        assert playground is not None
        for user, age, shade in (("anna", "klein", 5), ("bernd", "alle", 4)):
            citizen, _ = await resolve_citizen(session, "terminal", user, user, "de", NOW)
            await save_answer(session, citizen, playground, "alter", age, NOW)
            await save_answer(session, citizen, playground, "geraete", ["sand"], NOW)
            await save_answer(session, citizen, playground, "schatten", shade, NOW)
            await save_answer(session, citizen, playground, "mitbauen", True, NOW)
            await save_answer(session, citizen, playground, "wuensche", f"Ich bin {user}", NOW)
            await submit(session, citizen, playground, NOW)
        carl, _ = await resolve_citizen(session, "terminal", "carl", "carl", "de", NOW)
        await save_answer(session, carl, playground, "alter", "schulkind", NOW)
        return playground.id


def _changed(spec: ConsultationSpec, **changes: object) -> ConsultationSpec:
    data = spec.model_dump()
    data.update(changes)
    return ConsultationSpec.model_validate(data)


async def test_texts_times_order_and_new_questions_change_and_answers_stay(
    db_sessions: Sessions,
) -> None:
    consultation_id = await _answered_playground(db_sessions)
    async with db_sessions() as session, session.begin():
        row = await session.get(Consultation, consultation_id)
        assert row is not None
        spec = await spec_of(session, row)
        questions = [q.model_dump() for q in spec.questions]
        questions[0]["text"]["de"] = "Für wen vor allem?"
        questions[0]["options"][0]["de"] = "Kleinkinder"
        questions[0]["options"].append({"key": "teens", "de": "Jugendliche", "en": "Teenagers"})
        questions.reverse()
        questions.append(
            {"key": "bank", "kind": "yesno", "text": {"de": "Bänke?", "en": "Benches?"}}
        )
        new = _changed(
            spec,
            title={"de": "Spielplatz Lindenpark", "en": "Linden Park playground"},
            closes=NOW + timedelta(days=40),
            questions=questions,
        )
        await apply_spec(session, row, new, row.topic_id)
    async with db_sessions() as session:
        stored = await consultation_questions(session, consultation_id)
        row = await session.get(Consultation, consultation_id)
        assert row is not None
        participation = await find_participation(session, 1, consultation_id)
        assert participation is not None
        kept = await answers_of(session, participation.id)
    assert row.title_de == "Spielplatz Lindenpark" and row.closes_at == NOW + timedelta(days=40)
    assert [q.key for q in stored] == [
        "wuensche",
        "mitbauen",
        "schatten",
        "geraete",
        "alter",
        "bank",
    ]
    small = stored[4].options[0]
    assert {name: small[name] for name in ("key", "de", "en")} == {
        "key": "klein",
        "de": "Kleinkinder",
        "en": "Under 6",
    }
    assert "little ones" in small["words"]  # the words typed answers match stay
    assert kept["alter"] == "klein" and kept["schatten"] == 5


async def test_a_change_that_would_orphan_answers_is_refused_and_nothing_changes(
    db_sessions: Sessions,
) -> None:
    consultation_id = await _answered_playground(db_sessions)
    async with db_sessions() as session:
        row = await session.get(Consultation, consultation_id)
        assert row is not None
        spec = await spec_of(session, row)
    questions = [q.model_dump() for q in spec.questions]
    questions[0]["options"] = [o for o in questions[0]["options"] if o["key"] != "klein"]
    questions[1]["kind"] = "single"  # geraete was a multiple choice
    del questions[2]  # schatten has answers
    broken = _changed(spec, title={"de": "Neu", "en": "New"}, questions=questions)
    with pytest.raises(BreaksAnswers) as refused:
        async with db_sessions() as session, session.begin():
            row = await session.get(Consultation, consultation_id)
            assert row is not None
            await apply_spec(session, row, broken, row.topic_id)
    conflicts = refused.value.conflicts
    assert [(c.kind, c.question, c.option, c.answers) for c in conflicts] == [
        ("option_removed", "alter", "klein", 1),
        ("kind_changed", "geraete", "", 2),
        ("question_removed", "schatten", "", 2),
    ]
    assert describe_conflict(conflicts[0], "de") == (
        "Die Antwort „klein“ der Frage „alter“ wurde schon 1-mal gewählt und kann nicht "
        "entfernt werden. Ihren Text können Sie ändern."
    )
    assert "cannot become single" in describe_conflict(conflicts[1], "en")
    async with db_sessions() as session:
        row = await session.get(Consultation, consultation_id)
        assert row is not None and row.title_de == "Neuer Spielplatz im Lindenpark"
        assert len(await consultation_questions(session, consultation_id)) == 5


async def test_unanswered_questions_and_unchosen_options_may_go(db_sessions: Sessions) -> None:
    consultation_id = await _answered_playground(db_sessions)
    async with db_sessions() as session, session.begin():
        row = await session.get(Consultation, consultation_id)
        assert row is not None
        spec = await spec_of(session, row)
        questions = [q.model_dump() for q in spec.questions]
        questions[1]["options"] = [o for o in questions[1]["options"] if o["key"] != "schaukel"]
        await apply_spec(session, row, _changed(spec, questions=questions), row.topic_id)
        radweg = await find_consultation(session, "radverkehrsplan")
        assert radweg is not None
        other = await spec_of(session, radweg)
        await apply_spec(session, radweg, _changed(other, questions=other.questions[:1]), None)
        assert len(await consultation_questions(session, radweg.id)) == 1
        with pytest.raises(SlugTaken):
            await apply_spec(session, radweg, _changed(other, slug="spielplatz-lindenpark"), None)
        with pytest.raises(SlugTaken):
            await apply_spec(session, Consultation(), other, None)


async def test_importing_a_file_that_would_orphan_answers_names_the_problem(
    db_sessions: Sessions, tmp_path: Path
) -> None:
    await _answered_playground(db_sessions)
    broken = tmp_path / "spielplatz.yml"
    broken.write_text(
        "slug: spielplatz-lindenpark\n"
        "opens: 2026-04-01T00:00:00+02:00\ncloses: 2026-06-01T00:00:00+02:00\n"
        "title: {de: Spielplatz, en: Playground}\ndescription: {de: D, en: D}\n"
        "questions:\n  - {key: neu, kind: yesno, text: {de: Neu, en: New}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConsultationFileError) as refused:
        async with db_sessions() as session, session.begin():
            await import_consultations(session, broken)
    message = str(refused.value)
    assert "spielplatz-lindenpark: Question “alter” already has 3 answer(s)" in message
    assert "Question “wuensche” already has 2 answer(s)" in message


async def test_results_count_submitted_answers_with_labels_and_export_one_consultation(
    db_sessions: Sessions,
) -> None:
    consultation_id = await _answered_playground(db_sessions)
    async with db_sessions() as session:
        row = await session.get(Consultation, consultation_id)
        assert row is not None
        results = await consultation_results(session, row, NOW)
        as_csv = await export_consultation(session, row, "csv", NOW)
        as_json = await export_consultation(session, row, "json", NOW)
    assert (results.participants, results.started, results.status) == (2, 3, "open")
    age, devices, shade, build, wishes = results.questions
    assert [(b.label_de, b.count) for b in age.bars] == [
        ("Unter 6 Jahren", 1),
        ("6 bis 12 Jahre", 0),
        ("Für alle Altersgruppen", 1),
    ]
    assert [b.count for b in devices.bars] == [0, 0, 0, 2] and devices.most == 2
    assert [b.label("en") for b in shade.bars] == [
        "1 – not important", "2", "3", "4", "5 – very important"
    ]  # fmt: skip
    assert shade.mean == 4.5 and [b.count for b in shade.bars] == [0, 0, 0, 1, 1]
    assert [(b.label_en, b.count) for b in build.bars] == [("Yes", 2), ("No", 0)]
    assert wishes.bars == () and wishes.answers == 2
    assert "Ich bin" not in as_csv + as_json and "citizen" not in as_json
    assert as_csv.splitlines()[1].startswith(f"{consultation_id},spielplatz-lindenpark,")
    assert '"participants": 2' in as_json
