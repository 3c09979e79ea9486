"""Changing a consultation without breaking the answers citizens already gave.

Answers are stored by question key as plain values (an option key, a list of them, a number,
a boolean, a text). Texts, labels, times and the order may change at any time; a question
that has answers may not lose its key or change its kind, and an option somebody chose may
not disappear — the answer would then point at nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.consultations import consultation_questions
from storage.consultations.spec import (
    ConsultationSpec,
    OptionSpec,
    QuestionSpec,
    ScaleLabels,
    Texts,
)
from storage.models.civic import (
    Consultation,
    ConsultationQuestion,
    Participation,
    ParticipationAnswer,
)
from storage.topics import topics_by_id

ConflictKind = Literal["question_removed", "kind_changed", "option_removed"]


@dataclass(frozen=True)
class AnswerConflict:
    """One change the answers already given do not allow."""

    kind: ConflictKind
    question: str
    answers: int  # how many answers the change would break
    old_kind: str = ""
    new_kind: str = ""
    option: str = ""


class BreaksAnswers(ValueError):
    """The change would orphan answers; `conflicts` say which and how many."""

    def __init__(self, conflicts: list[AnswerConflict]) -> None:
        super().__init__("; ".join(f"{c.kind} {c.question} {c.option}".strip() for c in conflicts))
        self.conflicts = conflicts


class SlugTaken(ValueError):
    """Another consultation already uses this slug."""


async def answer_values(session: AsyncSession, consultation_id: int) -> dict[str, list[Any]]:
    """Every stored answer (submitted or still in progress) by question key."""
    rows = await session.execute(
        select(ParticipationAnswer.question_key, ParticipationAnswer.value)
        .join(Participation, Participation.id == ParticipationAnswer.participation_id)
        .where(Participation.consultation_id == consultation_id)
    )
    values: dict[str, list[Any]] = {}
    for key, value in rows:
        values.setdefault(key, []).append(value)
    return values


async def participation_count(session: AsyncSession, consultation_id: int) -> int:
    found = await session.scalar(
        select(func.count(Participation.id)).where(Participation.consultation_id == consultation_id)
    )
    return int(found or 0)


def _picked(values: list[Any]) -> Counter[str]:
    picked: Counter[str] = Counter()
    for value in values:
        if isinstance(value, str):
            picked[value] += 1
        elif isinstance(value, list):
            picked.update(str(item) for item in value)
    return picked


def conflicts_with_answers(
    current: list[ConsultationQuestion], answers: dict[str, list[Any]], spec: ConsultationSpec
) -> list[AnswerConflict]:
    """What in `spec` would break the `answers` given to the `current` questions."""
    wanted = {question.key: question for question in spec.questions}
    conflicts: list[AnswerConflict] = []
    for question in current:
        given = [v for v in answers.get(question.key, []) if v not in ("", [], None)]
        if not given:
            continue
        new = wanted.get(question.key)
        if new is None:
            conflicts.append(AnswerConflict("question_removed", question.key, len(given)))
            continue
        if new.kind != question.kind:
            conflicts.append(
                AnswerConflict(
                    "kind_changed",
                    question.key,
                    len(given),
                    old_kind=question.kind,
                    new_kind=new.kind,
                )
            )
            continue
        if question.kind in ("single", "multiple"):
            kept = {option.key for option in new.options}
            for option, count in sorted(_picked(given).items()):
                if option not in kept:
                    conflicts.append(
                        AnswerConflict("option_removed", question.key, count, option=option)
                    )
    return conflicts


def _question_rows(consultation_id: int, spec: ConsultationSpec) -> list[ConsultationQuestion]:
    return [
        ConsultationQuestion(
            consultation_id=consultation_id,
            position=position,
            key=question.key,
            kind=question.kind,
            text_de=question.text.de,
            text_en=question.text.en,
            options=[o.model_dump(exclude_defaults=True) for o in question.options],
            required=question.required,
            scale_labels=(
                {"de": list(question.scale.de), "en": list(question.scale.en)}
                if question.scale is not None
                else None
            ),
        )
        for position, question in enumerate(spec.questions, start=1)
    ]


async def apply_spec(
    session: AsyncSession, row: Consultation | None, spec: ConsultationSpec, topic_id: int | None
) -> Consultation:
    """Writes `spec` onto `row` (None: a new consultation) and replaces its questions, unless
    answers would break.

    Raises BreaksAnswers (nothing changed) or SlugTaken. Does not commit.
    """
    row = row or Consultation()
    if row.id is not None:
        other = await session.scalar(
            select(Consultation.id).where(Consultation.slug == spec.slug, Consultation.id != row.id)
        )
        if other is not None:
            raise SlugTaken(f"the slug {spec.slug!r} belongs to another consultation")
        current = await consultation_questions(session, row.id)
        conflicts = conflicts_with_answers(current, await answer_values(session, row.id), spec)
        if conflicts:
            raise BreaksAnswers(conflicts)
        for question in current:
            await session.delete(question)
    elif await session.scalar(select(Consultation.id).where(Consultation.slug == spec.slug)):
        raise SlugTaken(f"the slug {spec.slug!r} belongs to another consultation")
    row.slug = spec.slug
    row.title_de, row.title_en = spec.title.de, spec.title.en
    row.description_de, row.description_en = spec.description.de, spec.description.en
    row.topic_id = topic_id
    row.opens_at, row.closes_at = spec.opens, spec.closes
    session.add(row)
    await session.flush()  # the old questions go before the new ones take their keys
    session.add_all(_question_rows(row.id, spec))
    await session.flush()
    return row


async def spec_of(session: AsyncSession, consultation: Consultation) -> ConsultationSpec:
    """The stored consultation as a spec, e.g. to fill the edit form."""
    topic = (await topics_by_id(session, [consultation.topic_id])).get(consultation.topic_id or 0)
    questions = []
    for question in await consultation_questions(session, consultation.id):
        labels = question.scale_labels
        questions.append(
            QuestionSpec(
                key=question.key,
                kind=question.kind,  # stored from a checked spec
                text=Texts(de=question.text_de, en=question.text_en),
                options=[OptionSpec(**option) for option in question.options],
                required=question.required,
                scale=(
                    ScaleLabels(
                        de=(labels["de"][0], labels["de"][1]), en=(labels["en"][0], labels["en"][1])
                    )
                    if labels
                    else None
                ),
            )
        )
    return ConsultationSpec(
        slug=consultation.slug,
        title=Texts(de=consultation.title_de, en=consultation.title_en),
        description=Texts(de=consultation.description_de, en=consultation.description_en),
        topic=topic.slug if topic is not None else None,
        opens=consultation.opens_at,
        closes=consultation.closes_at,
        questions=questions,
    )


_CONFLICT_TEXTS = {
    "question_removed": {
        "de": "Die Frage „{question}“ hat schon {answers} Antwort(en) und kann nicht entfernt "
        "werden. Ändern Sie lieber ihren Text.",
        "en": "Question “{question}” already has {answers} answer(s) and cannot be removed. "
        "Change its text instead.",
    },
    "kind_changed": {
        "de": "Die Frage „{question}“ hat schon {answers} Antwort(en) als {old_kind}; sie kann "
        "nicht zu {new_kind} werden. Legen Sie dafür eine neue Frage mit eigenem Schlüssel an.",
        "en": "Question “{question}” already has {answers} answer(s) as {old_kind}; it cannot "
        "become {new_kind}. Add a new question with its own key instead.",
    },
    "option_removed": {
        "de": "Die Antwort „{option}“ der Frage „{question}“ wurde schon {answers}-mal gewählt "
        "und kann nicht entfernt werden. Ihren Text können Sie ändern.",
        "en": "Option “{option}” of question “{question}” was already chosen {answers} time(s) "
        "and cannot be removed. You can change its text.",
    },
}


def describe_conflict(conflict: AnswerConflict, language: str) -> str:
    """The conflict in plain words, German or English."""
    texts = _CONFLICT_TEXTS[conflict.kind]
    return texts.get(language, texts["en"]).format(
        question=conflict.question,
        answers=conflict.answers,
        old_kind=conflict.old_kind,
        new_kind=conflict.new_kind,
        option=conflict.option,
    )
