"""The flows' Services over the store: one instance per inbound message and its transaction.

Never commits; the dispatcher owns the transaction. Views come back in the language asked for.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

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
    QuestionKind,
    QuestionResultView,
    QuestionStatusView,
    ResultLineView,
    StatusChangeView,
    SubscriptionKind,
    SubscriptionView,
    SupportOutcome,
    TopicView,
)
from storage import (
    citizens,
    consultations,
    council,
    ideas,
    participations,
    questions,
    subscriptions,
)
from storage.base import utcnow
from storage.citizen_export import citizen_data
from storage.consultation_results import consultation_results
from storage.content_cache import (
    ConsultationEntry,
    Content,
    ContentCache,
    TopicEntry,
    consultation_entry,
)
from storage.models.civic import Consultation, ConsultationQuestion, Idea


def _topic_view(topic: TopicEntry | None, language: str) -> TopicView | None:
    return None if topic is None else TopicView(topic.slug, topic.name(language))


def _question_view(question: ConsultationQuestion, language: str) -> ConsultationQuestionView:
    options = tuple(
        ChoiceView(o["key"], o.get(language) or o.get("de") or o["key"]) for o in question.options
    )
    labels = (question.scale_labels or {}).get(language) or (question.scale_labels or {}).get("de")
    return ConsultationQuestionView(
        key=question.key,
        kind=cast(QuestionKind, question.kind),
        text=question.text_en if language == "en" else question.text_de,
        options=options,
        required=question.required,
        scale_labels=(labels[0], labels[1]) if labels else None,
    )


class StoreServices:
    """Implements flows.services.Services on an AsyncSession.

    Given a session factory instead of a session, it opens one only when a step first asks
    the store for something: most turns of a conversation never do.
    """

    def __init__(
        self,
        session: AsyncSession | Callable[[], AsyncSession],
        channel: str = "terminal",
        *,
        clock: Callable[[], datetime] = utcnow,
        publish_ideas: bool = False,
        content: ContentCache | None = None,
    ) -> None:
        # save_answer has no `now` in the protocol; the clock serves it (and tests set it)
        self.opened_session = session if isinstance(session, AsyncSession) else None
        self._open = session if not isinstance(session, AsyncSession) else None
        self._channel = channel
        self._clock = clock
        # without a shared cache: read once for this instance's turn
        self._content = content or ContentCache(lifetime=math.inf)
        self._moderation = "published" if publish_ideas else "pending"
        self.erased = False  # the dispatcher must not save a conversation erased just now

    @property
    def _session(self) -> AsyncSession:
        if self.opened_session is None:
            assert self._open is not None
            self.opened_session = self._open()
        return self.opened_session

    # citizens and consent

    async def citizen(self, citizen_id: int) -> CitizenView:
        found = await citizens.get_citizen(self._session, citizen_id)
        if found is None:
            raise LookupError(f"no citizen {citizen_id}")
        return CitizenView(found.id, found.language, found.consent_at is not None, found.created_at)

    async def record_consent(self, citizen_id: int, notice_version: str) -> None:
        await citizens.record_consent(
            self._session, citizen_id, notice_version, self._channel, self._clock()
        )

    async def set_language(self, citizen_id: int, language: str) -> None:
        await citizens.set_language(self._session, citizen_id, language)

    async def _cached(self) -> Content:
        return await self._content.content(self._session)

    async def _topic(self, slug: str) -> TopicEntry | None:
        return (await self._cached()).topic_by_slug(slug)

    async def topics(self, language: str) -> Sequence[TopicView]:
        return [TopicView(t.slug, t.name(language)) for t in (await self._cached()).topics]

    # consultations

    async def _consultation_view(
        self,
        row: ConsultationEntry,
        language: str,
        now: datetime,
        with_questions: bool,
        topic: TopicEntry | None,
    ) -> ConsultationView:
        title, description = consultations.localized(row, language)
        asked = (
            await consultations.consultation_questions(self._session, row.id)
            if with_questions
            else []
        )
        return ConsultationView(
            id=row.id,
            slug=row.slug,
            title=title,
            description=description,
            topic=_topic_view(topic, language),
            opens_at=row.opens_at,
            closes_at=row.closes_at,
            status=consultations.consultation_status(row, now),
            questions=tuple(_question_view(q, language) for q in asked),
        )

    async def consultations(
        self, language: str, now: datetime, status: ConsultationStatus = "open"
    ) -> Sequence[ConsultationView]:
        content = await self._cached()
        rows = content.consultations_by_status(now, status)
        topics = content.topics_by_id(row.topic_id for row in rows)
        return [
            await self._consultation_view(row, language, now, False, topics.get(row.topic_id or 0))
            for row in rows
        ]

    async def consultation(
        self, reference: str, language: str, now: datetime
    ) -> ConsultationView | None:
        row = await consultations.find_consultation(self._session, reference)
        return None if row is None else await self._single_view(row, language, now, True)

    async def _single_view(
        self, row: Consultation, language: str, now: datetime, with_questions: bool
    ) -> ConsultationView:
        topic = (await self._cached()).topics_by_id([row.topic_id]).get(row.topic_id or 0)
        view_of = consultation_entry(row)
        return await self._consultation_view(view_of, language, now, with_questions, topic)

    async def consultation_results(
        self, reference: str, language: str, now: datetime
    ) -> ConsultationResultsView | None:
        row = await consultations.find_consultation(self._session, reference)
        if row is None:
            return None
        view = await self._single_view(row, language, now, False)
        if view.status != "closed":
            return ConsultationResultsView(view, 0)
        tallies = await consultation_results(self._session, row, now)
        return ConsultationResultsView(
            view,
            tallies.participants,
            tuple(
                QuestionResultView(
                    text=question.text(language),
                    kind=cast(QuestionKind, question.kind),
                    answers=question.answers,
                    lines=tuple(
                        ResultLineView(bar.label(language), bar.count) for bar in question.bars
                    ),
                    mean=question.mean,
                )
                for question in tallies.questions
            ),
        )

    async def participation(
        self, citizen_id: int, consultation_id: int
    ) -> ParticipationView | None:
        found = await participations.find_participation(self._session, citizen_id, consultation_id)
        if found is None:
            return None
        answers = await participations.answers_of(self._session, found.id)
        return ParticipationView(consultation_id, answers, found.submitted_at, found.receipt)

    async def _open_consultation(self, consultation_id: int) -> Consultation:
        row = await self._session.get(Consultation, consultation_id)
        if row is None:
            raise ValueError(f"no consultation {consultation_id}")
        return row

    async def save_answer(
        self, citizen_id: int, consultation_id: int, question_key: str, value: AnswerValue
    ) -> None:
        row = await self._open_consultation(consultation_id)
        try:
            await participations.save_answer(
                self._session, citizen_id, row, question_key, value, self._clock()
            )
        except consultations.ConsultationNotOpen as closed:
            raise ConsultationClosed(str(closed)) from closed

    async def submit_participation(
        self, citizen_id: int, consultation_id: int, now: datetime
    ) -> str:
        row = await self._open_consultation(consultation_id)
        try:
            done = await participations.submit(self._session, citizen_id, row, now)
        except consultations.ConsultationNotOpen as closed:
            raise ConsultationClosed(str(closed)) from closed
        await subscriptions.subscribe(self._session, citizen_id, "consultation", str(row.id), now)
        return done.receipt or ""

    # questions to the administration

    async def similar_public_questions(
        self, text: str, language: str, limit: int = 3
    ) -> Sequence[PublicAnswerView]:
        found = await questions.similar_public_questions(self._session, text, language, limit)
        return [
            PublicAnswerView(q.ref or "", q.text, q.answer_text or "", round(score, 3))
            for q, score in found
        ]

    async def create_question(self, citizen_id: int, text: str, language: str) -> str:
        row = await questions.create_question(
            self._session, citizen_id, text, language, self._clock()
        )
        return row.ref or ""

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
        now = self._clock()
        topic = await self._topic(topic_slug) if topic_slug else None
        created = await ideas.create_idea(
            self._session,
            citizen_id=citizen_id,
            title=title,
            description=description,
            topic_id=topic.id if topic is not None else None,
            place=place or None,
            language=language,
            now=now,
            moderation=self._moderation,
        )
        await subscriptions.subscribe(self._session, citizen_id, "idea", created.ref, now)
        return created.ref

    async def _summaries(self, rows: Sequence[Idea], language: str) -> list[IdeaSummaryView]:
        topics = (await self._cached()).topics_by_id(row.topic_id for row in rows)
        return [
            IdeaSummaryView(
                id=row.id,
                ref=row.ref or "",
                title=row.title,
                topic=_topic_view(topics.get(row.topic_id or 0), language),
                status=cast(IdeaStatus, row.status),
                support_count=row.support_count,
                created_at=row.created_at,
            )
            for row in rows
        ]

    async def ideas(
        self,
        language: str,
        order: IdeaOrder = "newest",
        topic_slug: str | None = None,
        offset: int = 0,
        limit: int = 5,
    ) -> Sequence[IdeaSummaryView]:
        topic_id = None
        if topic_slug:
            topic = await self._topic(topic_slug)
            if topic is None:
                return []
            topic_id = topic.id
        rows = await ideas.published_ideas(
            self._session, order=order, topic_id=topic_id, offset=offset, limit=limit
        )
        return await self._summaries(rows, language)

    async def idea(self, reference: str, citizen_id: int, language: str) -> IdeaView | None:
        row = await ideas.find_idea(self._session, reference)
        mine = row is not None and row.citizen_id == citizen_id
        if row is None or (row.moderation != "published" and not mine):
            return None
        history = await ideas.status_history(self._session, row.id)
        return IdeaView(
            summary=(await self._summaries([row], language))[0],
            description=row.description,
            place=row.place,
            history=tuple(
                StatusChangeView(cast(IdeaStatus, h.status), h.note, h.at) for h in history
            ),
            supported_by_me=await ideas.has_supported(self._session, row.id, citizen_id),
            mine=mine,
        )

    async def support_idea(self, citizen_id: int, idea_id: int) -> str:
        row = await self._session.get(Idea, idea_id)
        if row is None or row.moderation != "published":
            return SupportOutcome.NOT_FOUND
        outcome = await ideas.add_support(self._session, row, citizen_id, self._clock())
        return {
            "added": SupportOutcome.ADDED,
            "already": SupportOutcome.ALREADY,
            "own_idea": SupportOutcome.OWN_IDEA,
        }[outcome]

    # council papers

    async def council_paper(self, reference: str) -> CouncilPaperView | None:
        paper = await council.find_paper(self._session, reference)
        if paper is None:
            return None
        latest = await council.latest_item_for_paper(self._session, paper.external_id)
        return CouncilPaperView(
            reference=paper.reference or reference,
            title=paper.name,
            paper_type=paper.paper_type,
            date=paper.paper_date,
            result=latest.result if latest is not None else None,
            meeting=latest.meeting_name if latest is not None else None,
            meeting_start=latest.meeting_start if latest is not None else None,
            link=paper.web_url,
        )

    # subscriptions

    async def _target(self, kind: SubscriptionKind, target: str) -> str | None:
        """The stored form of a target (slug, consultation id, idea ref, paper reference),
        None if unknown. A paper may be followed before the council data has it."""
        if kind == "paper":
            paper = await council.find_paper(self._session, target)
            key = council.reference_key(paper.reference if paper and paper.reference else target)
            return key or None
        if kind == "topic":
            topic = await self._topic(target)
            return topic.slug if topic is not None else None
        if kind == "consultation":
            consultation = await consultations.find_consultation(self._session, target)
            return str(consultation.id) if consultation is not None else None
        idea = await ideas.find_idea(self._session, target)
        return idea.ref if idea is not None else None

    async def subscribe(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        stored = await self._target(kind, target)
        if stored is None:
            raise ValueError(f"nothing to subscribe to: {kind} {target!r}")
        return await subscriptions.subscribe(self._session, citizen_id, kind, stored, self._clock())

    async def subscriptions(self, citizen_id: int, language: str) -> Sequence[SubscriptionView]:
        rows = await subscriptions.subscriptions_of(self._session, citizen_id)
        return [
            SubscriptionView(
                cast(SubscriptionKind, row.kind),
                row.target,
                await self._label(row.kind, row.target, language),
            )
            for row in rows
        ]

    async def _label(self, kind: str, target: str, language: str) -> str:
        if kind == "topic":
            topic = await self._topic(target)
            return topic.name(language) if topic is not None else target
        if kind == "consultation":
            consultation = await consultations.find_consultation(self._session, target)
            if consultation is not None:
                return consultations.localized(consultation, language)[0]
            return target
        if kind == "paper":
            paper = await council.find_paper(self._session, target)
            if paper is not None and paper.reference:
                return f"{paper.reference}: {paper.name}" if paper.name else paper.reference
            return target
        idea = await ideas.find_idea(self._session, target)
        return f"{idea.ref}: {idea.title}" if idea is not None else target

    async def unsubscribe(self, citizen_id: int, kind: SubscriptionKind, target: str) -> bool:
        stored = await self._target(kind, target) or target
        return await subscriptions.unsubscribe(self._session, citizen_id, kind, stored)

    # the citizen's own things and data

    async def contributions(self, citizen_id: int, language: str) -> ContributionsView:
        own_ideas = await ideas.ideas_of(self._session, citizen_id)
        asked = await questions.questions_of(self._session, citizen_id)
        return ContributionsView(
            ideas=tuple(await self._summaries(own_ideas, language)),
            questions=tuple(
                QuestionStatusView(
                    ref=q.ref or "",
                    text=q.text,
                    status="answered" if q.status == "answered" else "open",
                    created_at=q.created_at,
                    answer=q.answer_text,
                )
                for q in asked
            ),
            participations=tuple(await self._participation_statuses(citizen_id, language)),
        )

    async def _participation_statuses(
        self, citizen_id: int, language: str
    ) -> list[ParticipationStatusView]:
        result = []
        for row in await participations.participations_of(self._session, citizen_id):
            consultation = await self._open_consultation(row.consultation_id)
            answers: dict[str, Any] = await participations.answers_of(self._session, row.id)
            asked = await consultations.consultation_questions(self._session, consultation.id)
            result.append(
                ParticipationStatusView(
                    consultation_id=consultation.id,
                    title=consultations.localized(consultation, language)[0],
                    submitted=row.submitted_at is not None,
                    answered=sum(1 for q in asked if q.key in answers),
                    total=len(asked),
                    closes_at=consultation.closes_at,
                )
            )
        return result

    async def export_data(self, citizen_id: int) -> str:
        data = await citizen_data(self._session, citizen_id, self._clock())
        return json.dumps(data, ensure_ascii=False, indent=2)

    async def erase_citizen(self, citizen_id: int) -> None:
        await citizens.erase_citizen(self._session, citizen_id)
        self.erased = True
