"""What the fake ports hold between them: rows in dictionaries, as the store would keep them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flows.ports.consultations import (
    AnswerValue,
    ChoiceView,
    ConsultationQuestionView,
    ConsultationStatus,
    ConsultationView,
)
from flows.ports.council import CouncilPaperView
from flows.ports.ideas import IdeaStatus, IdeaSummaryView, StatusChangeView
from flows.ports.subscriptions import SubscriptionKind
from flows.ports.topics import TopicView

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)

TOPICS = {
    "verkehr": ("Verkehr & Mobilität", "Transport"),
    "umwelt": ("Umwelt & Klima", "Environment & climate"),
    "kultur": ("Kultur & Freizeit", "Culture & leisure"),
}


@dataclass
class Consultation:
    view: ConsultationView

    def status(self, now: datetime) -> ConsultationStatus:
        if now < self.view.opens_at:
            return "upcoming"
        return "open" if now < self.view.closes_at else "closed"


@dataclass
class Idea:
    id: int
    ref: str
    author: int | None
    title: str
    description: str
    topic: str | None
    place: str | None
    created_at: datetime
    published: bool = True
    status: IdeaStatus = "submitted"
    supporters: set[int] = field(default_factory=set)
    history: list[StatusChangeView] = field(default_factory=list)


@dataclass
class Question:
    ref: str
    citizen: int | None
    text: str
    language: str
    created_at: datetime
    answer: str | None = None
    public: bool = False


@dataclass
class Participation:
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    submitted_at: datetime | None = None
    receipt: str | None = None


def paper_2026_123() -> CouncilPaperView:
    return CouncilPaperView(
        reference="2026/123",
        title="Radwegebau an der Hauptstraße",
        paper_type="Beschlussvorlage",
        date="2026-04-12",
        result="Geändert beschlossen",
        meeting="Sitzung des Rates",
        meeting_start=datetime(2026, 4, 28, 16, 0, tzinfo=UTC),
        link="https://ratsinfo.musterstadt.example/vorlage/1001",
    )


def playground(now: datetime = NOW, opens: int = -3, closes: int = 20) -> ConsultationView:
    """A consultation with one question of every kind."""
    return ConsultationView(
        id=1,
        slug="spielplatz",
        title="Spielplatz Lindenpark",
        description="Wie soll der neue Spielplatz im Lindenpark aussehen?",
        topic=TopicView("kultur", "Kultur & Freizeit"),
        opens_at=now + timedelta(days=opens),
        closes_at=now + timedelta(days=closes),
        status="open",
        questions=(
            ConsultationQuestionView(
                "age",
                "single",
                "Wie alt sind die Kinder, mit denen Sie kommen?",
                (ChoiceView("small", "unter 6"), ChoiceView("big", "6 bis 12")),
            ),
            ConsultationQuestionView(
                "wishes",
                "multiple",
                "Was wünschen Sie sich?",
                (
                    ChoiceView("swing", "Schaukel"),
                    ChoiceView("sand", "Sandkasten"),
                    ChoiceView("bench", "Bänke"),
                ),
            ),
            ConsultationQuestionView(
                "rating",
                "scale",
                "Wie gefällt Ihnen der Park heute?",
                scale_labels=("gar nicht", "sehr"),
            ),
            ConsultationQuestionView("shade", "yesno", "Brauchen wir mehr Schatten?"),
            ConsultationQuestionView(
                "other", "text", "Was möchten Sie uns noch sagen?", required=False
            ),
        ),
    )


class Memory:
    """The rows, and the few rules more than one port needs (subscribing, idea summaries)."""

    def __init__(self, now: datetime = NOW) -> None:
        self.citizen_rows: dict[int, dict[str, object]] = {}
        self.consultation_rows: dict[int, Consultation] = {1: Consultation(playground(now))}
        self.participations: dict[tuple[int, int], Participation] = {}
        self.idea_rows: dict[int, Idea] = {}
        self.question_rows: list[Question] = []
        self.subs: dict[int, set[tuple[SubscriptionKind, str]]] = {}
        self.papers: list[CouncilPaperView] = [paper_2026_123()]
        self.calls: list[str] = []
        self.clock = now  # what save_answer and submit take as "now"

    def citizen(self, citizen_id: int) -> dict[str, object]:
        return self.citizen_rows.setdefault(
            citizen_id, {"language": "de", "consent": None, "created": NOW}
        )

    def topic(self, slug: str | None, language: str) -> TopicView | None:
        if slug not in TOPICS:
            return None
        de, en = TOPICS[slug]
        return TopicView(slug, de if language == "de" else en)

    def subscribe(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        mine = self.subs.setdefault(citizen_id, set())
        if (kind, target) in mine:
            return False
        mine.add((kind, target))
        return True

    def summary(self, idea: Idea, language: str) -> IdeaSummaryView:
        return IdeaSummaryView(
            idea.id,
            idea.ref,
            idea.title,
            self.topic(idea.topic, language),
            idea.status,
            len(idea.supporters),
            idea.created_at,
        )

    def add_idea(self, title: str, topic: str | None = None, supporters: int = 0) -> Idea:
        """A published idea of nobody in particular."""
        number = len(self.idea_rows) + 1
        idea = Idea(
            number,
            f"I-{number}",
            None,
            title,
            f"Beschreibung von {title}",
            topic,
            None,
            NOW + timedelta(minutes=number),
            supporters=set(range(1000, 1000 + supporters)),
        )
        self.idea_rows[number] = idea
        return idea
