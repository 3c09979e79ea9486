"""A consultation's results ready to show: one bar per answer, labelled in both languages.

Built on the open-data tallies (storage/export.py): submitted participations only, no
citizen ids, free-text answers counted but never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.consultations import Status, consultation_questions
from storage.consultations.participations import participation_counts
from storage.export import consultation_record
from storage.models.civic import Consultation, ConsultationQuestion

YES_NO = {"yes": ("Ja", "Yes"), "no": ("Nein", "No")}


@dataclass(frozen=True)
class Bar:
    key: str
    label_de: str
    label_en: str
    count: int

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_de


@dataclass(frozen=True)
class QuestionResult:
    key: str
    kind: str
    text_de: str
    text_en: str
    answers: int  # how many participants answered it
    bars: tuple[Bar, ...]  # empty for free text: counted, never shown
    mean: float | None = None  # scale questions

    def text(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_de

    @property
    def most(self) -> int:
        return max((bar.count for bar in self.bars), default=0)


@dataclass(frozen=True)
class Results:
    consultation: Consultation
    status: Status
    participants: int  # submitted
    started: int  # began answering, submitted or not
    questions: tuple[QuestionResult, ...]


def _scale_label(number: int, labels: dict[str, list[str]] | None, language: str) -> str:
    words = (labels or {}).get(language)
    if words and number == 1:
        return f"1 – {words[0]}"
    if words and number == 5:
        return f"5 – {words[1]}"
    return str(number)


def _bars(question: ConsultationQuestion, tally: dict[str, Any]) -> tuple[Bar, ...]:
    if question.kind in ("single", "multiple"):
        counts = tally.get("counts", {})
        return tuple(
            Bar(o["key"], o.get("de") or o["key"], o.get("en") or o["key"], counts.get(o["key"], 0))
            for o in question.options
        )
    if question.kind == "yesno":
        counts = tally.get("counts", {})
        return tuple(Bar(k, de, en, counts.get(k, 0)) for k, (de, en) in YES_NO.items())
    if question.kind == "scale":
        spread = tally.get("distribution", {})
        labels = question.scale_labels
        return tuple(
            Bar(
                str(n),
                _scale_label(n, labels, "de"),
                _scale_label(n, labels, "en"),
                spread.get(str(n), 0),
            )
            for n in range(1, 6)
        )
    return ()


async def consultation_results(
    session: AsyncSession, consultation: Consultation, now: datetime
) -> Results:
    record = await consultation_record(session, consultation, now)
    tallies = {q["key"]: q for q in record["questions"]}
    questions = tuple(
        QuestionResult(
            key=q.key,
            kind=q.kind,
            text_de=q.text_de,
            text_en=q.text_en,
            answers=int(tallies[q.key]["answers"]),
            bars=_bars(q, tallies[q.key]),
            mean=tallies[q.key].get("mean"),
        )
        for q in await consultation_questions(session, consultation.id)
    )
    begun = (await participation_counts(session, consultation_ids=[consultation.id])).get(
        consultation.id, 0
    )
    return Results(consultation, record["status"], record["participants"], begun, questions)
