"""A consultation as a citizen meets it in the chat, played through the real flow engine.

The preview opens the consultation the way a link does (`/start c-ID`), presses "start"
and answers every question with a sample answer, up to the review before submitting. The
engine talks to `PreviewPorts`, which hold the one consultation in memory: a draft that
was never saved looks exactly like a stored one, and nothing is written anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from flows import engine
from flows.library import FlowLibrary
from flows.ports.citizens import CitizenView
from flows.ports.consultations import (
    AnswerValue,
    ChoiceView,
    ConsultationQuestionView,
    ConsultationResultsView,
    ConsultationStatus,
    ConsultationView,
    ParticipationView,
)
from flows.ports.council import CouncilPort
from flows.ports.ideas import IdeaPort
from flows.ports.personal_data import PersonalDataPort
from flows.ports.questions import QuestionPort
from flows.ports.reports import ReportPort
from flows.ports.subscriptions import SubscriptionPort
from flows.ports.topics import TopicPort, TopicView
from flows.ports.understanding import UnderstandingPort
from flows.steps.consultation import DONE
from flows.types import ConversationState, Option, TurnContext, UserInput
from storage.consultations.spec import ConsultationSpec

PREVIEW_CITIZEN = 1
SAMPLE_TEXT = {"de": "(Beispielantwort)", "en": "(sample answer)"}
START_VALUE = "start"  # the intro's option that begins the questions


class PreviewOnly(RuntimeError):
    """The preview plays one consultation; nothing else of the bot is behind it."""


@dataclass(frozen=True)
class Bubble:
    """One message in the preview: from the bot, or what the sample citizen sent."""

    sender: str  # "bot" or "citizen"
    text: str
    options: tuple[Option, ...] = ()


def consultation_view(
    spec: ConsultationSpec,
    consultation_id: int,
    language: str,
    now: datetime,
    topic_name: str | None = None,
) -> ConsultationView:
    """The spec as the engine sees a stored consultation, in one language."""
    if now < spec.opens:
        status: ConsultationStatus = "upcoming"
    else:
        status = "open" if now < spec.closes else "closed"
    questions = tuple(
        ConsultationQuestionView(
            key=q.key,
            kind=q.kind,
            text=q.text.en if language == "en" else q.text.de,
            options=tuple(
                ChoiceView(o.key, o.en if language == "en" else o.de, tuple(o.words))
                for o in q.options
            ),
            required=q.required,
            scale_labels=(
                (q.scale.en if language == "en" else q.scale.de) if q.scale is not None else None
            ),
        )
        for q in spec.questions
    )
    return ConsultationView(
        id=consultation_id,
        slug=spec.slug,
        title=spec.title.en if language == "en" else spec.title.de,
        description=spec.description.en if language == "en" else spec.description.de,
        topic=TopicView(spec.topic, topic_name or spec.topic) if spec.topic else None,
        opens_at=spec.opens,
        closes_at=spec.closes,
        status=status,
        questions=questions,
    )


class SampleCitizen:
    """The one citizen of a preview: consenting, the language chosen by the page."""

    async def get(self, citizen_id: int) -> CitizenView:
        return CitizenView(citizen_id, "de", True, datetime(2026, 1, 1, tzinfo=UTC))

    async def record_consent(self, citizen_id: int, notice_version: str) -> None:
        """The sample citizen has agreed already."""

    async def set_language(self, citizen_id: int, language: str) -> None:
        """The preview's language is chosen by the page."""


@dataclass
class OneConsultation:
    """The consultations port for the previewed consultation alone; answers stay in memory."""

    spec: ConsultationSpec
    consultation_id: int
    topic_name: str | None = None
    answers: dict[str, AnswerValue] = field(default_factory=dict)

    def _view(self, language: str, now: datetime) -> ConsultationView:
        return consultation_view(self.spec, self.consultation_id, language, now, self.topic_name)

    async def listed(
        self, language: str, now: datetime, status: ConsultationStatus = "open"
    ) -> Sequence[ConsultationView]:
        view = self._view(language, now)
        return [view] if view.status == status else []

    async def find(self, reference: str, language: str, now: datetime) -> ConsultationView | None:
        wanted = reference.strip().lower().removeprefix("c-")
        if wanted in (str(self.consultation_id), self.spec.slug):
            return self._view(language, now)
        return None

    async def results(
        self, reference: str, language: str, now: datetime
    ) -> ConsultationResultsView | None:
        """A preview has no participants, so no results."""
        return None

    async def participation(
        self, citizen_id: int, consultation_id: int
    ) -> ParticipationView | None:
        if not self.answers:
            return None
        return ParticipationView(consultation_id, dict(self.answers), None, None)

    async def save_answer(
        self, citizen_id: int, consultation_id: int, question_key: str, value: AnswerValue
    ) -> None:
        self.answers[question_key] = value

    async def submit(self, citizen_id: int, consultation_id: int, now: datetime) -> str:
        raise PreviewOnly("the preview stops before submitting")


class NotOffered:
    """A port the preview does not offer: whatever a flow asks of it raises PreviewOnly."""

    def __init__(self, concept: str) -> None:
        self._concept = concept

    def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, NoReturn]]:
        if name.startswith("_"):  # copy, pickle and friends look for optional dunders
            raise AttributeError(name)

        async def refuse(*args: object, **kwargs: object) -> NoReturn:
            raise PreviewOnly(f"the consultation preview does not offer {self._concept}")

        return refuse


class PreviewPorts:
    """flows.ports.Ports for one consultation and one consenting sample citizen."""

    def __init__(
        self, spec: ConsultationSpec, consultation_id: int, topic_name: str | None
    ) -> None:
        self.citizens = SampleCitizen()
        self.consultations = OneConsultation(spec, consultation_id, topic_name)
        self.topics: TopicPort = NotOffered("topics")
        self.questions: QuestionPort = NotOffered("questions")
        self.reports: ReportPort = NotOffered("reports")
        self.ideas: IdeaPort = NotOffered("ideas")
        self.council: CouncilPort = NotOffered("council papers")
        self.subscriptions: SubscriptionPort = NotOffered("subscriptions")
        self.personal_data: PersonalDataPort = NotOffered("personal data")
        self.understanding: UnderstandingPort = NotOffered("understanding")


def _sample_input(
    question: ConsultationQuestionView, picked: bool, language: str
) -> tuple[str, UserInput]:
    """What the sample citizen sends for `question`: shown text and the input."""
    if question.kind == "single":
        first = question.options[0]
        return first.label, UserInput(first.label, first.key)
    if question.kind == "multiple":
        if picked:
            done = {"de": "✅ Fertig", "en": "✅ Done"}[language]
            return done, UserInput(done, DONE)
        first = question.options[0]
        return first.label, UserInput(first.label, first.key)
    if question.kind == "scale":
        return "4", UserInput("4", "4")
    if question.kind == "yesno":
        yes = {"de": "Ja", "en": "Yes"}[language]
        return yes, UserInput(yes, "yes")
    sample = SAMPLE_TEXT[language]
    return sample, UserInput(sample)


def _preview_time(spec: ConsultationSpec, now: datetime) -> datetime:
    """A moment at which the consultation is open, so every question can be shown."""
    if spec.opens <= now < spec.closes:
        return now
    return spec.opens + min(timedelta(minutes=1), (spec.closes - spec.opens) / 2)


async def play_preview(
    spec: ConsultationSpec,
    consultation_id: int,
    library: FlowLibrary,
    language: str,
    now: datetime,
    *,
    formal: bool = True,
    variables: Mapping[str, str] | None = None,
    topic_name: str | None = None,
) -> list[Bubble]:
    """The conversation from opening the consultation to the review before submitting."""
    ports = PreviewPorts(spec, consultation_id, topic_name)
    ctx = TurnContext(
        PREVIEW_CITIZEN,
        _preview_time(spec, now),
        language_hint=language,
        formal=formal,
        variables=dict(variables or {}),
    )
    state = ConversationState(language=language, greeted=True)
    bubbles: list[Bubble] = []
    opening = f"/start c-{consultation_id}"
    user_input = UserInput(opening)
    shown = opening
    by_key = {q.key: q for q in consultation_view(spec, consultation_id, language, now).questions}
    # each question takes one answer (two for a multiple choice), plus start and review
    for _ in range(2 * len(spec.questions) + 3):
        bubbles.append(Bubble("citizen", shown))
        turn = await engine.advance(state, user_input, ctx, library, ports)
        state = turn.state
        bubbles += [Bubble("bot", reply.text, reply.options) for reply in turn.replies]
        asked = state.slots.get("_question")
        flow = library.get(state.flow_id, state.flow_version or 0) if state.flow_id else None
        step = flow.step(state.step_id) if flow is not None else None
        step_type = step.type if step is not None else ""
        if step_type == "consultation_questions" and isinstance(asked, str) and asked in by_key:
            shown, user_input = _sample_input(
                by_key[asked], bool(state.slots.get("_multi")), language
            )
        elif any(option.value == START_VALUE for option in state.options):
            start = next(o for o in state.options if o.value == START_VALUE)
            shown, user_input = start.label, UserInput(start.label, start.value)
        else:
            break  # the review (or anything the flow says instead): the preview ends here
    return bubbles
