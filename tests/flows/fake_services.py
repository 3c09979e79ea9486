"""An in-memory Services with the semantics flows/services.py describes, for engine tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from flows.services import (
    AnswerValue,
    ChoiceView,
    CitizenView,
    ConsultationClosed,
    ConsultationQuestionView,
    ConsultationResultsView,
    ConsultationStatus,
    ConsultationView,
    ContributionsView,
    CouncilPaperView,
    IdeaOrder,
    IdeaStatus,
    IdeaSummaryView,
    IdeaView,
    ParticipationStatusView,
    ParticipationView,
    PublicAnswerView,
    QuestionResultView,
    QuestionStatusView,
    ResultLineView,
    StatusChangeView,
    SubscriptionKind,
    SubscriptionView,
    SupportOutcome,
    TopicView,
)

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


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


TOPICS = {
    "verkehr": ("Verkehr & Mobilität", "Transport"),
    "umwelt": ("Umwelt & Klima", "Environment & climate"),
    "kultur": ("Kultur & Freizeit", "Culture & leisure"),
}


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


class FakeServices:
    """Everything a flow can read or change, held in dictionaries."""

    def __init__(self, now: datetime = NOW) -> None:
        self.citizens: dict[int, dict[str, object]] = {}
        self.consultation_rows: dict[int, Consultation] = {1: Consultation(playground(now))}
        self.participations: dict[tuple[int, int], Participation] = {}
        self.idea_rows: dict[int, Idea] = {}
        self.questions: list[Question] = []
        self.subs: dict[int, set[tuple[SubscriptionKind, str]]] = {}
        self.papers: list[CouncilPaperView] = [paper_2026_123()]
        self.calls: list[str] = []
        self.clock = now  # what save_answer and submit_participation take as "now"
        self._receipts = 0

    # citizens and consent
    def _citizen(self, citizen_id: int) -> dict[str, object]:
        return self.citizens.setdefault(
            citizen_id, {"language": "de", "consent": None, "created": NOW}
        )

    async def citizen(self, citizen_id: int) -> CitizenView:
        data = self._citizen(citizen_id)
        return CitizenView(citizen_id, str(data["language"]), data["consent"] is not None, NOW)

    async def record_consent(self, citizen_id: int, notice_version: str) -> None:
        self.calls.append("record_consent")
        self._citizen(citizen_id)["consent"] = notice_version

    async def set_language(self, citizen_id: int, language: str) -> None:
        self._citizen(citizen_id)["language"] = language

    async def topics(self, language: str) -> Sequence[TopicView]:
        return [
            TopicView(slug, de if language == "de" else en) for slug, (de, en) in TOPICS.items()
        ]

    def _topic(self, slug: str | None, language: str) -> TopicView | None:
        if slug not in TOPICS:
            return None
        de, en = TOPICS[slug]
        return TopicView(slug, de if language == "de" else en)

    # consultations
    def _view(self, item: Consultation, now: datetime) -> ConsultationView:
        return replace(item.view, status=item.status(now))

    async def consultations(
        self, language: str, now: datetime, status: ConsultationStatus = "open"
    ) -> Sequence[ConsultationView]:
        views = [self._view(item, now) for item in self.consultation_rows.values()]
        return [replace(view, questions=()) for view in views if view.status == status]

    async def consultation(
        self, reference: str, language: str, now: datetime
    ) -> ConsultationView | None:
        for item in self.consultation_rows.values():
            if reference in (str(item.view.id), item.view.slug):
                return self._view(item, now)
        return None

    async def participation(
        self, citizen_id: int, consultation_id: int
    ) -> ParticipationView | None:
        found = self.participations.get((citizen_id, consultation_id))
        if found is None:
            return None
        return ParticipationView(
            consultation_id, dict(found.answers), found.submitted_at, found.receipt
        )

    async def consultation_results(
        self, reference: str, language: str, now: datetime
    ) -> ConsultationResultsView | None:
        view = await self.consultation(reference, language, now)
        if view is None:
            return None
        if view.status != "closed":
            return ConsultationResultsView(view, 0)
        submitted = [
            p.answers
            for (_, cid), p in self.participations.items()
            if cid == view.id and p.submitted_at is not None
        ]
        questions = []
        for question in view.questions:
            given = [answers[question.key] for answers in submitted if question.key in answers]
            picked = [v for value in given for v in (value if isinstance(value, list) else [value])]
            lines = tuple(
                ResultLineView(choice.label, picked.count(choice.key))
                for choice in question.options
            )
            if question.kind == "yesno":
                lines = (
                    ResultLineView("Ja", picked.count(True)),
                    ResultLineView("Nein", picked.count(False)),
                )
            numbers = [v for v in given if type(v) is int]
            mean = sum(numbers) / len(numbers) if question.kind == "scale" and numbers else None
            questions.append(
                QuestionResultView(question.text, question.kind, len(given), lines, mean)
            )
        return ConsultationResultsView(view, len(submitted), tuple(questions))

    def _open_or_raise(self, consultation_id: int) -> None:
        item = self.consultation_rows[consultation_id]
        if item.status(self.clock) != "open":
            raise ConsultationClosed(item.view.slug)

    async def save_answer(
        self, citizen_id: int, consultation_id: int, question_key: str, value: AnswerValue
    ) -> None:
        self._open_or_raise(consultation_id)
        found = self.participations.setdefault((citizen_id, consultation_id), Participation())
        if found.submitted_at is not None:
            raise ValueError("already submitted")
        found.answers[question_key] = value

    async def submit_participation(
        self, citizen_id: int, consultation_id: int, now: datetime
    ) -> str:
        self._open_or_raise(consultation_id)
        found = self.participations.setdefault((citizen_id, consultation_id), Participation())
        self._receipts += 1
        found.submitted_at, found.receipt = now, f"P-{self._receipts}"
        await self.subscribe(citizen_id, "consultation", str(consultation_id))
        return found.receipt

    # questions
    async def similar_public_questions(
        self, text: str, language: str, limit: int = 3
    ) -> Sequence[PublicAnswerView]:
        words = set(text.casefold().split())
        found = []
        for question in self.questions:
            if question.public and question.answer and question.language == language:
                shared = words & set(question.text.casefold().split())
                score = len(shared) / max(len(words), 1)
                if score >= 0.5:
                    found.append(
                        PublicAnswerView(question.ref, question.text, question.answer, score)
                    )
        return sorted(found, key=lambda item: -item.score)[:limit]

    async def create_question(self, citizen_id: int, text: str, language: str) -> str:
        ref = f"Q-{len(self.questions) + 1}"
        self.questions.append(Question(ref, citizen_id, text, language, NOW))
        return ref

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
        number = len(self.idea_rows) + 1
        self.idea_rows[number] = Idea(
            number,
            f"I-{number}",
            citizen_id,
            title,
            description,
            topic_slug,
            place,
            NOW + timedelta(minutes=number),
            published=False,
        )
        await self.subscribe(citizen_id, "idea", f"I-{number}")
        return f"I-{number}"

    def add_idea(self, title: str, topic: str | None = None, supporters: int = 0) -> Idea:
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

    def _summary(self, idea: Idea, language: str) -> IdeaSummaryView:
        return IdeaSummaryView(
            idea.id,
            idea.ref,
            idea.title,
            self._topic(idea.topic, language),
            idea.status,
            len(idea.supporters),
            idea.created_at,
        )

    async def ideas(
        self,
        language: str,
        order: IdeaOrder = "newest",
        topic_slug: str | None = None,
        offset: int = 0,
        limit: int = 5,
    ) -> Sequence[IdeaSummaryView]:
        chosen = [
            i
            for i in self.idea_rows.values()
            if i.published and (topic_slug is None or i.topic == topic_slug)
        ]
        if order == "support":
            chosen.sort(key=lambda i: (-len(i.supporters), -i.id))
        else:
            chosen.sort(key=lambda i: -i.created_at.timestamp())
        return [self._summary(i, language) for i in chosen[offset : offset + limit]]

    async def idea(self, reference: str, citizen_id: int, language: str) -> IdeaView | None:
        for idea in self.idea_rows.values():
            if reference.upper() in (idea.ref, str(idea.id)) and (
                idea.published or idea.author == citizen_id
            ):
                return IdeaView(
                    self._summary(idea, language),
                    idea.description,
                    idea.place,
                    tuple(idea.history),
                    citizen_id in idea.supporters,
                    idea.author == citizen_id,
                )
        return None

    async def support_idea(self, citizen_id: int, idea_id: int) -> str:
        idea = self.idea_rows.get(idea_id)
        if idea is None or not idea.published:
            return SupportOutcome.NOT_FOUND
        if idea.author == citizen_id:
            return SupportOutcome.OWN_IDEA
        if citizen_id in idea.supporters:
            return SupportOutcome.ALREADY
        idea.supporters.add(citizen_id)
        return SupportOutcome.ADDED

    # council papers
    async def council_paper(self, reference: str) -> CouncilPaperView | None:
        wanted = reference.strip().lower()
        return next((p for p in self.papers if p.reference.lower() == wanted), None)

    # subscriptions
    async def subscribe(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        mine = self.subs.setdefault(citizen_id, set())
        if (kind, target) in mine:
            return False
        mine.add((kind, target))
        return True

    async def subscriptions(self, citizen_id: int, language: str) -> Sequence[SubscriptionView]:
        found = []
        for kind, target in sorted(self.subs.get(citizen_id, set())):
            label = target
            if kind == "topic":
                topic = self._topic(target, language)
                label = topic.name if topic else target
            elif kind == "consultation" and int(target) in self.consultation_rows:
                label = self.consultation_rows[int(target)].view.title
            elif kind == "paper":
                paper = next((p for p in self.papers if p.reference == target), None)
                label = f"{paper.reference}: {paper.title}" if paper else target
            elif kind == "idea":
                label = next((i.title for i in self.idea_rows.values() if i.ref == target), target)
            found.append(SubscriptionView(kind, target, label))
        return found

    async def unsubscribe(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        mine = self.subs.get(citizen_id, set())
        if (kind, target) not in mine:
            return False
        mine.discard((kind, target))
        return True

    # the citizen's own things
    async def contributions(self, citizen_id: int, language: str) -> ContributionsView:
        ideas = tuple(
            self._summary(i, language) for i in self.idea_rows.values() if i.author == citizen_id
        )
        questions = tuple(
            QuestionStatusView(
                q.ref, q.text, "answered" if q.answer else "open", q.created_at, q.answer
            )
            for q in self.questions
            if q.citizen == citizen_id
        )
        participations = tuple(
            ParticipationStatusView(
                cid,
                self.consultation_rows[cid].view.title,
                p.submitted_at is not None,
                len(p.answers),
                len(self.consultation_rows[cid].view.questions),
                self.consultation_rows[cid].view.closes_at,
            )
            for (who, cid), p in self.participations.items()
            if who == citizen_id
        )
        return ContributionsView(ideas, questions, participations)

    async def export_data(self, citizen_id: int) -> str:
        data = {
            "citizen": {
                "id": citizen_id,
                **{k: str(v) for k, v in self._citizen(citizen_id).items()},
            },
            "ideas": [i.title for i in self.idea_rows.values() if i.author == citizen_id],
            "questions": [q.text for q in self.questions if q.citizen == citizen_id],
            "subscriptions": sorted(f"{k}:{t}" for k, t in self.subs.get(citizen_id, set())),
        }
        return json.dumps(data, ensure_ascii=False)

    async def erase_citizen(self, citizen_id: int) -> None:
        self.calls.append("erase_citizen")
        self.citizens.pop(citizen_id, None)
        self.subs.pop(citizen_id, None)
        for idea in self.idea_rows.values():
            if idea.author == citizen_id:
                idea.author = None
        for question in self.questions:
            if question.citizen == citizen_id:
                question.citizen = None
