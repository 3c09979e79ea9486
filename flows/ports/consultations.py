"""The consultations port: consultations with their questions, a citizen's participation in
one, and the anonymised results once it closed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from flows.ports.topics import TopicView

AnswerValue = str | int | bool | list[str]
QuestionKind = Literal["single", "multiple", "scale", "text", "yesno"]
ConsultationStatus = Literal["upcoming", "open", "closed"]


@dataclass(frozen=True)
class ChoiceView:
    """One answer option of a consultation question; `key` is what is stored."""

    key: str
    label: str
    words: tuple[str, ...] = ()  # other words that pick it when typed


@dataclass(frozen=True)
class ConsultationQuestionView:
    key: str
    kind: QuestionKind
    text: str
    options: tuple[ChoiceView, ...] = ()  # single and multiple choice
    required: bool = True
    scale_labels: tuple[str, str] | None = None  # meaning of 1 and 5 on a scale


@dataclass(frozen=True)
class ConsultationView:
    id: int
    slug: str
    title: str
    description: str
    topic: TopicView | None
    opens_at: datetime
    closes_at: datetime
    status: ConsultationStatus
    questions: tuple[ConsultationQuestionView, ...] = ()


@dataclass(frozen=True)
class ResultLineView:
    """How many chose one answer (an option, yes or no, a point of a scale)."""

    label: str
    count: int


@dataclass(frozen=True)
class QuestionResultView:
    text: str
    kind: QuestionKind
    answers: int  # how many answered it
    lines: tuple[ResultLineView, ...] = ()  # empty for free text: counted, never shown
    mean: float | None = None  # scale questions


@dataclass(frozen=True)
class ConsultationResultsView:
    """Anonymised tallies of the submitted participations; only once the consultation closed
    (before that `questions` is empty and `participants` 0)."""

    consultation: ConsultationView
    participants: int
    questions: tuple[QuestionResultView, ...] = ()


@dataclass(frozen=True)
class ParticipationView:
    consultation_id: int
    answers: dict[str, AnswerValue]
    submitted_at: datetime | None
    receipt: str | None  # reference number, set once submitted


@dataclass(frozen=True)
class ParticipationStatusView:
    """How far the citizen got in one consultation, for their list of contributions."""

    consultation_id: int
    title: str
    submitted: bool
    answered: int
    total: int
    closes_at: datetime


class ConsultationClosed(Exception):
    """Raised by save_answer and submit when the consultation is not open."""


class ConsultationPort(Protocol):
    async def listed(
        self, language: str, now: datetime, status: ConsultationStatus = "open"
    ) -> Sequence[ConsultationView]:
        """Without their questions."""
        ...

    async def find(self, reference: str, language: str, now: datetime) -> ConsultationView | None:
        """By id or slug, with its questions."""
        ...

    async def results(
        self, reference: str, language: str, now: datetime
    ) -> ConsultationResultsView | None:
        """By id or slug; tallies only for a closed consultation, never who answered what."""
        ...

    async def participation(
        self, citizen_id: int, consultation_id: int
    ) -> ParticipationView | None: ...
    async def save_answer(
        self, citizen_id: int, consultation_id: int, question_key: str, value: AnswerValue
    ) -> None:
        """Stores or replaces one answer of an unsubmitted participation (starts it if needed)."""
        ...

    async def submit(self, citizen_id: int, consultation_id: int, now: datetime) -> str:
        """Submits and returns the receipt's reference; subscribes the citizen to it."""
        ...
