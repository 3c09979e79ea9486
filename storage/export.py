"""Open data: published ideas, public answers, consultation results and published problem
reports (storage/reports/open_data.py), without citizen ids.

Consultation results count submitted participations only. Free-text answers are counted, not
exported: people write names, addresses and phone numbers into them (see docs/privacy.md).
CSV cells that a spreadsheet would run as a formula get a leading apostrophe; JSON stays as
written.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.consultations import consultation_questions, consultation_status
from storage.models.civic import (
    Consultation,
    ConsultationQuestion,
    Idea,
    IdeaStatusChange,
    Participation,
    ParticipationAnswer,
)
from storage.questions import answered_public_questions
from storage.reports.open_data import COLUMNS as REPORT_COLUMNS
from storage.reports.open_data import report_records
from storage.topics import topics_by_id

Kind = Literal["ideas", "questions", "consultations", "reports"]
Format = Literal["json", "csv"]

CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "ideas": (
        "id", "ref", "title", "description", "topic", "place", "language", "status",
        "created_at", "updated_at", "support_count",
    ),
    "questions": (
        "id", "ref", "question", "answer", "language", "status", "asked_at", "answered_at",
    ),
    "consultations": (
        "consultation_id", "consultation", "title", "status", "closes_at", "participants",
        "question", "kind", "question_text", "answer", "count",
    ),
    "reports": REPORT_COLUMNS,
}  # fmt: skip


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export(session: AsyncSession, kind: Kind, fmt: Format, public_url: str = "") -> str:
    """The records of `kind` as a JSON list of objects or as CSV with a header row;
    `public_url` (MITREDEN_PUBLIC_URL) starts the addresses of published report photos."""
    if kind == "ideas":
        records = await idea_records(session)
        flat = [{k: v for k, v in r.items() if k != "history"} for r in records]
    elif kind == "questions":
        records = await question_records(session)
        flat = records
    elif kind == "consultations":
        records = await consultation_records(session, utcnow())
        flat = _tally_rows(records)
    elif kind == "reports":
        records = await report_records(session, public_url)
        flat = records
    else:
        raise ValueError(f"cannot export {kind!r}")
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2)
    if fmt == "csv":
        return _csv(flat, CSV_COLUMNS[kind])
    raise ValueError(f"unknown format {fmt!r}")


async def idea_records(session: AsyncSession) -> list[dict[str, Any]]:
    ideas = list(
        (
            await session.scalars(
                select(Idea).where(Idea.moderation == "published").order_by(Idea.id)
            )
        ).all()
    )
    topics = await topics_by_id(session, [i.topic_id for i in ideas])
    histories = await _histories(session)
    records = []
    for idea in ideas:
        topic = topics.get(idea.topic_id) if idea.topic_id is not None else None
        history = histories.get(idea.id, [])
        records.append(
            {
                "id": idea.id,
                "ref": idea.ref,
                "title": idea.title,
                "description": idea.description,
                "topic": topic.slug if topic is not None else None,
                "place": idea.place,
                "language": idea.language,
                "status": idea.status,
                "created_at": _when(idea.created_at),
                "updated_at": _when(history[-1].at if history else idea.created_at),
                "support_count": idea.support_count,
                "history": [
                    {"status": h.status, "note": h.note, "at": _when(h.at)} for h in history
                ],
            }
        )
    return records


async def _histories(session: AsyncSession) -> dict[int, list[IdeaStatusChange]]:
    """Every published idea's status history in one query (one per idea took seconds)."""
    rows = await session.scalars(
        select(IdeaStatusChange)
        .join(Idea, Idea.id == IdeaStatusChange.idea_id)
        .where(Idea.moderation == "published")
        .order_by(IdeaStatusChange.idea_id, IdeaStatusChange.at, IdeaStatusChange.id)
    )
    grouped: dict[int, list[IdeaStatusChange]] = {}
    for row in rows:
        grouped.setdefault(row.idea_id, []).append(row)
    return grouped


async def question_records(session: AsyncSession) -> list[dict[str, Any]]:
    return [
        {
            "id": q.id,
            "ref": q.ref,
            "question": q.text,
            "answer": q.answer_text,
            "language": q.language,
            "status": q.status,
            "asked_at": _when(q.created_at),
            "answered_at": _when(q.answered_at),
        }
        for q in await answered_public_questions(session)
    ]


def _tally(
    question: ConsultationQuestion, counted: list[tuple[Any, int]], total: int
) -> dict[str, Any]:
    """Counts per option (or per scale point) from (answer value, how often) pairs."""
    if question.kind in ("single", "multiple"):
        counts: Counter[str] = Counter()
        for value, times in counted:
            if question.kind == "single" and isinstance(value, str):
                counts[value] += times
            elif question.kind == "multiple" and isinstance(value, list):
                for key in value:
                    counts[str(key)] += times
        return {"counts": {o["key"]: counts[o["key"]] for o in question.options}}
    if question.kind == "scale":
        points = {n: sum(t for v, t in counted if type(v) is int and v == n) for n in range(1, 6)}
        answered = sum(points.values())
        mean = round(sum(n * t for n, t in points.items()) / answered, 2) if answered else None
        return {"mean": mean, "distribution": {str(n): points[n] for n in range(1, 6)}}
    if question.kind == "yesno":
        yes = sum(t for v, t in counted if v is True)
        no = sum(t for v, t in counted if v is False)
        return {"counts": {"yes": yes, "no": no}}
    return {"counts": {"answered": total}}


async def consultation_records(session: AsyncSession, now: datetime) -> list[dict[str, Any]]:
    consultations = list(
        (await session.scalars(select(Consultation).order_by(Consultation.id))).all()
    )
    return [await consultation_record(session, c, now) for c in consultations]


async def consultation_record(
    session: AsyncSession, consultation: Consultation, now: datetime
) -> dict[str, Any]:
    """One consultation's anonymised tallies, counting submitted participations only."""
    questions = await consultation_questions(session, consultation.id)
    submitted = (
        Participation.consultation_id == consultation.id,
        Participation.submitted_at.is_not(None),
    )
    answers = (
        select(ParticipationAnswer.question_key, func.count())
        .join(Participation, Participation.id == ParticipationAnswer.participation_id)
        .where(*submitted)
    )
    totals = {
        key: int(n)
        for key, n in await session.execute(answers.group_by(ParticipationAnswer.question_key))
    }
    # counted in the database, grouped by value: a few rows per question, however many took
    # part; free texts are only counted (they are neither grouped nor read)
    text_keys = [q.key for q in questions if q.kind == "text"]
    grouped = (
        select(ParticipationAnswer.question_key, ParticipationAnswer.value, func.count())
        .join(Participation, Participation.id == ParticipationAnswer.participation_id)
        .where(*submitted, ParticipationAnswer.question_key.not_in(text_keys))
        .group_by(ParticipationAnswer.question_key, ParticipationAnswer.value)
    )
    by_key: dict[str, list[tuple[Any, int]]] = {}
    for key, value, times in await session.execute(grouped):
        by_key.setdefault(key, []).append((value, int(times)))
    participants = await session.scalar(
        select(func.count(Participation.id)).where(
            Participation.consultation_id == consultation.id,
            Participation.submitted_at.is_not(None),
        )
    )
    topics = await topics_by_id(session, [consultation.topic_id])
    topic = topics.get(consultation.topic_id) if consultation.topic_id is not None else None
    return {
        "id": consultation.id,
        "slug": consultation.slug,
        "title": consultation.title_de,
        "title_en": consultation.title_en,
        "topic": topic.slug if topic is not None else None,
        "status": consultation_status(consultation, now),
        "opens_at": _when(consultation.opens_at),
        "closes_at": _when(consultation.closes_at),
        "participants": int(participants or 0),
        "questions": [
            {
                "key": q.key,
                "kind": q.kind,
                "text": q.text_de,
                "text_en": q.text_en,
                "answers": totals.get(q.key, 0),
                **_tally(q, by_key.get(q.key, []), totals.get(q.key, 0)),
            }
            for q in questions
        ],
    }


async def export_consultation(
    session: AsyncSession, consultation: Consultation, fmt: Format, now: datetime
) -> str:
    """One consultation's results: a JSON object, or CSV rows as in the full export."""
    record = await consultation_record(session, consultation, now)
    if fmt == "json":
        return json.dumps(record, ensure_ascii=False, indent=2)
    if fmt == "csv":
        return _csv(_tally_rows([record]), CSV_COLUMNS["consultations"])
    raise ValueError(f"unknown format {fmt!r}")


def _tally_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One CSV row per consultation, question and answer value, with its count."""
    rows = []
    for record in records:
        for question in record["questions"]:
            counts = question.get("counts") or question.get("distribution") or {}
            for answer, count in counts.items():
                rows.append(
                    {
                        "consultation_id": record["id"],
                        "consultation": record["slug"],
                        "title": record["title"],
                        "status": record["status"],
                        "closes_at": record["closes_at"],
                        "participants": record["participants"],
                        "question": question["key"],
                        "kind": question["kind"],
                        "question_text": question["text"],
                        "answer": answer,
                        "count": count,
                    }
                )
    return rows


# What a spreadsheet takes for the start of a formula ("=HYPERLINK(...)", "@SUM(...)", ...)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, with the usual leading apostrophe
    that makes it plain text; anything else unchanged (numbers stay numbers)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """Every CSV this module writes (the command line's export and the staff downloads)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows({key: inert_cell(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()
