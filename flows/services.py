"""What the flow engine may ask of the rest of mitreden, and the views it gets back.

The engine never touches the database. It calls these methods; the bot core implements
them over the store inside the one transaction that handles the citizen's message, so a
message is either applied whole or not at all. Tests use an in-memory implementation.
All texts in the views are already in the language asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

AnswerValue = str | int | bool | list[str]
QuestionKind = Literal["single", "multiple", "scale", "text", "yesno"]
ConsultationStatus = Literal["upcoming", "open", "closed"]
IdeaStatus = Literal["submitted", "in_review", "accepted", "rejected", "implemented"]
SubscriptionKind = Literal["topic", "consultation", "idea", "paper"]
IdeaOrder = Literal["newest", "support"]


@dataclass(frozen=True)
class CitizenView:
    id: int
    language: str
    consent_given: bool
    created_at: datetime


@dataclass(frozen=True)
class TopicView:
    slug: str
    name: str


@dataclass(frozen=True)
class ChoiceView:
    """One answer option of a consultation question; `key` is what is stored."""

    key: str
    label: str


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
class PublicAnswerView:
    """An already answered public question that looks like the citizen's."""

    ref: str
    question: str
    answer: str
    score: float  # 0..1, how alike


@dataclass(frozen=True)
class IdeaSummaryView:
    id: int
    ref: str
    title: str
    topic: TopicView | None
    status: IdeaStatus
    support_count: int
    created_at: datetime


@dataclass(frozen=True)
class StatusChangeView:
    status: IdeaStatus
    note: str
    at: datetime


@dataclass(frozen=True)
class IdeaView:
    summary: IdeaSummaryView
    description: str
    place: str | None
    history: tuple[StatusChangeView, ...]
    supported_by_me: bool
    mine: bool


@dataclass(frozen=True)
class SubscriptionView:
    kind: SubscriptionKind
    target: str  # topic slug, consultation id, idea ref or council paper reference
    label: str  # what the citizen sees, e.g. the topic's name


@dataclass(frozen=True)
class CouncilPaperView:
    """What the synced council data says about a paper; None fields are not known."""

    reference: str
    title: str
    paper_type: str | None
    date: str | None  # ISO date
    result: str | None  # the latest result, as the council wrote it
    meeting: str | None  # the latest meeting that dealt with it
    meeting_start: datetime | None
    link: str | None


@dataclass(frozen=True)
class QuestionStatusView:
    ref: str
    text: str
    status: Literal["open", "answered"]
    created_at: datetime
    answer: str | None


@dataclass(frozen=True)
class ParticipationStatusView:
    consultation_id: int
    title: str
    submitted: bool
    answered: int
    total: int
    closes_at: datetime


@dataclass(frozen=True)
class ContributionsView:
    ideas: tuple[IdeaSummaryView, ...]
    questions: tuple[QuestionStatusView, ...]
    participations: tuple[ParticipationStatusView, ...]


class SupportOutcome:
    """Possible answers of `support_idea`."""

    ADDED = "added"
    ALREADY = "already"
    OWN_IDEA = "own_idea"
    NOT_FOUND = "not_found"


class ConsultationClosed(Exception):
    """Raised by save_answer and submit_participation when the consultation is not open."""


class Services(Protocol):
    """Everything a flow can read or change. Implemented by the bot core over the store."""

    # citizens and consent
    async def citizen(self, citizen_id: int) -> CitizenView: ...
    async def record_consent(self, citizen_id: int, notice_version: str) -> None: ...
    async def set_language(self, citizen_id: int, language: str) -> None: ...

    # topics
    async def topics(self, language: str) -> Sequence[TopicView]: ...

    # consultations
    async def consultations(
        self, language: str, now: datetime, status: ConsultationStatus = "open"
    ) -> Sequence[ConsultationView]: ...
    async def consultation(
        self, reference: str, language: str, now: datetime
    ) -> ConsultationView | None:
        """By id or slug, with its questions."""
        ...

    async def participation(
        self, citizen_id: int, consultation_id: int
    ) -> ParticipationView | None: ...
    async def consultation_results(
        self, reference: str, language: str, now: datetime
    ) -> ConsultationResultsView | None:
        """By id or slug; tallies only for a closed consultation, never who answered what."""
        ...

    async def save_answer(
        self, citizen_id: int, consultation_id: int, question_key: str, value: AnswerValue
    ) -> None:
        """Stores or replaces one answer of an unsubmitted participation (starts it if needed)."""
        ...

    async def submit_participation(
        self, citizen_id: int, consultation_id: int, now: datetime
    ) -> str:
        """Submits and returns the receipt's reference; subscribes the citizen to it."""
        ...

    # questions to the administration
    async def similar_public_questions(
        self, text: str, language: str, limit: int = 3
    ) -> Sequence[PublicAnswerView]: ...
    async def create_question(self, citizen_id: int, text: str, language: str) -> str:
        """Stores the question and returns its reference number."""
        ...

    # ideas
    async def create_idea(
        self,
        citizen_id: int,
        title: str,
        description: str,
        topic_slug: str | None,
        place: str | None,
        language: str,
    ) -> str:
        """Stores an idea with status submitted, subscribes its author, returns its reference."""
        ...

    async def ideas(
        self,
        language: str,
        order: IdeaOrder = "newest",
        topic_slug: str | None = None,
        offset: int = 0,
        limit: int = 5,
    ) -> Sequence[IdeaSummaryView]:
        """Published ideas only."""
        ...

    async def idea(self, reference: str, citizen_id: int, language: str) -> IdeaView | None:
        """A published idea, or the citizen's own, by id or reference number."""
        ...

    async def support_idea(self, citizen_id: int, idea_id: int) -> str:
        """One of SupportOutcome's values."""
        ...

    # council papers
    async def council_paper(self, reference: str) -> CouncilPaperView | None:
        """A paper from the synced council data by its reference; None when unknown."""
        ...

    # subscriptions
    async def subscribe(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        """True if new, False if it already existed."""
        ...

    async def subscriptions(self, citizen_id: int, language: str) -> Sequence[SubscriptionView]: ...
    async def unsubscribe(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool: ...

    # the citizen's own things and data
    async def contributions(self, citizen_id: int, language: str) -> ContributionsView: ...
    async def export_data(self, citizen_id: int) -> str:
        """Everything stored about the citizen as a JSON document."""
        ...

    async def erase_citizen(self, citizen_id: int) -> None:
        """Deletes identity, subscriptions, sessions, pending deliveries; anonymises the rest."""
        ...
