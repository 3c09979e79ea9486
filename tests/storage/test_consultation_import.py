"""Importing consultations from YAML: the shipped example, updates, and errors with lines."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.consultations import consultation_questions, find_consultation
from storage.consultations.file_import import (
    ConsultationFileError,
    import_consultations,
    parse_consultations,
)
from storage.consultations.participations import answers_of, find_participation, save_answer
from storage.identities import resolve_citizen
from storage.topics import upsert_topic

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "consultation.yml"
Sessions = async_sessionmaker[AsyncSession]

VALID = """\
slug: bank
topic: stadtentwicklung
opens: 2026-03-01T08:00:00+01:00
closes: 2026-03-31T23:59:00+02:00
title: {de: Bänke, en: Benches}
description: {de: Neue Bänke, en: New benches}
questions:
  - key: lehne
    kind: yesno
    text: {de: Mit Lehne, en: With a backrest}
"""


async def _with_topic(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await upsert_topic(session, "stadtentwicklung", "Bauen", "Building")


async def test_the_shipped_example_imports_and_updates_by_slug(
    db_sessions: Sessions, tmp_path: Path
) -> None:
    await _with_topic(db_sessions)
    async with db_sessions() as session, session.begin():
        assert await import_consultations(session, EXAMPLE) == ["marktplatz-sitzbank"]
        citizen, _ = await resolve_citizen(
            session, "terminal", "anna", "anna", "de", datetime(2026, 3, 2, tzinfo=UTC)
        )
        found = await find_consultation(session, "marktplatz-sitzbank")
        assert found is not None
        await save_answer(session, citizen, found, "lehne", True, datetime(2026, 3, 2, tzinfo=UTC))
    changed = tmp_path / "changed.yml"
    changed.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            "Neue Sitzbänke am Marktplatz", "Sitzbänke für den Marktplatz"
        ),
        encoding="utf-8",
    )
    async with db_sessions() as session, session.begin():
        assert await import_consultations(session, changed) == ["marktplatz-sitzbank"]
    async with db_sessions() as session:
        found = await find_consultation(session, "marktplatz-sitzbank")
        assert found is not None
        questions = await consultation_questions(session, found.id)
        participation = await find_participation(session, citizen, found.id)
        assert participation is not None
        kept = await answers_of(session, participation.id)
    assert found.title_de == "Sitzbänke für den Marktplatz"
    assert found.opens_at == datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
    assert [q.kind for q in questions] == ["single", "multiple", "yesno", "scale", "text"]
    assert questions[3].scale_labels == {
        "de": ["unwichtig", "sehr wichtig"],
        "en": ["not important", "very important"],
    }
    assert not questions[4].required
    assert kept == {"lehne": True}


async def test_an_unknown_topic_is_named_with_its_line_and_nothing_is_written(
    db_sessions: Sessions, tmp_path: Path
) -> None:
    path = tmp_path / "c.yml"
    path.write_text(VALID.replace("topic: stadtentwicklung", "topic: raumfahrt"), "utf-8")
    await _with_topic(db_sessions)
    async with db_sessions() as session, session.begin():
        with pytest.raises(ConsultationFileError) as raised:
            await import_consultations(session, path)
        assert await find_consultation(session, "bank") is None
    assert str(raised.value) == (
        f"{path}:2: unknown topic 'raumfahrt' (known topics: stadtentwicklung)"
    )


@pytest.mark.parametrize(
    ("broken", "line", "words"),
    [
        (VALID.replace("kind: yesno", "kind: maybe"), 9, "questions.0.kind"),
        (VALID.replace("en: With a backrest", "fr: Dossier"), 10, "questions.0.text"),
        (VALID.replace("+02:00", ""), 1, "needs a time zone"),
        (VALID.replace("2026-03-31", "2026-02-01"), 1, "'closes' must be after 'opens'"),
        (VALID.replace("title: {de: Bänke, en: Benches}", "title: [oops"), 6, "broken YAML"),
        (VALID.replace("    kind: yesno", "    kind: single"), 8, "at least two options"),
        (VALID + "colour: blue\n", 11, "colour: Extra inputs are not permitted"),
        (VALID.replace("slug: bank", "slug: Bank Platz"), 1, "slug"),
        ("- " + VALID.replace("\n", "\n  ") + "\n- " + VALID.replace("\n", "\n  "), None,
         "slug 'bank' appears more than once"),
        ("", 1, "no consultation in this file"),
    ],
)  # fmt: skip
def test_file_problems_name_the_line_and_what_is_wrong(
    broken: str, line: int | None, words: str
) -> None:
    with pytest.raises(ConsultationFileError) as raised:
        parse_consultations(broken, "c.yml")
    problems = raised.value.problems
    assert any(p.line == line and words in p.message for p in problems), problems
    assert all(str(p).startswith("c.yml") for p in problems)


def test_a_list_of_consultations_and_a_consultations_key_both_work() -> None:
    second = VALID.replace("slug: bank", "slug: bank-zwei")
    as_list = "- " + VALID.replace("\n", "\n  ") + "\n- " + second.replace("\n", "\n  ")
    as_key = "consultations:\n" + "\n".join("  " + line for line in as_list.splitlines())
    assert [s.slug for s, _ in parse_consultations(as_list, "a.yml")] == ["bank", "bank-zwei"]
    assert [line for _, line in parse_consultations(as_key, "b.yml")] == [3, 14]
