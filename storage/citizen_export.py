"""Everything stored about one citizen, as JSON-ready data (GDPR Art. 15 and 20).

Report photos are named by count, not carried: the export is one JSON document the chat
sends as a file, the photos are the citizen's own pictures (kept without metadata), and a
photo id is a key to the staff app's copy, not something the citizen can use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.consultations.participations import participations_of
from storage.ideas import ideas_of, status_history
from storage.models.civic import (
    ConsentRecord,
    Consultation,
    Idea,
    IdeaSupport,
    ParticipationAnswer,
    Subscription,
)
from storage.models.core import ChannelIdentity, Citizen, Conversation, OutboxMessage
from storage.models.reports import Report, ReportFollower
from storage.models.understanding import UnclearMessage
from storage.questions import questions_of
from storage.reports import followed_by, reports_of
from storage.reports.status import history
from storage.topics import topics_by_id

FORMAT_VERSION = 1


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def citizen_data(session: AsyncSession, citizen_id: int, now: datetime) -> dict[str, Any]:
    """The whole record; LookupError when the citizen does not exist."""
    citizen = await session.get(Citizen, citizen_id)
    if citizen is None:
        raise LookupError(f"no citizen {citizen_id}")
    return {
        "format": "mitreden-personal-data",
        "format_version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "citizen": {
            "id": citizen.id,
            "language": citizen.language,
            "created_at": _when(citizen.created_at),
            "last_seen_at": _when(citizen.last_seen_at),
            "consent_at": _when(citizen.consent_at),
            "consent_version": citizen.consent_version,
            "consent_channel": citizen.consent_channel,
        },
        "identities": await _identities(session, citizen_id),
        "conversations": await _conversations(session, citizen_id),
        "ideas": await _ideas(session, citizen_id),
        "questions": [
            {
                "ref": q.ref,
                "text": q.text,
                "language": q.language,
                "status": q.status,
                "answer": q.answer_text,
                "answered_at": _when(q.answered_at),
                "public": q.public,
                "created_at": _when(q.created_at),
            }
            for q in await questions_of(session, citizen_id)
        ],
        "reports": [await _report(session, r) for r in await reports_of(session, citizen_id)],
        "followed_reports": await _followed_reports(session, citizen_id),
        "participations": await _participations(session, citizen_id),
        "supports": await _supports(session, citizen_id),
        "subscriptions": [
            {
                "kind": s.kind,
                "target": s.target,
                "created_at": _when(s.created_at),
                "paused_at": _when(s.paused_at),
            }
            for s in await _rows(session, Subscription, citizen_id)
        ],
        "consent_records": [
            {
                "notice_version": r.notice_version,
                "channel": r.channel,
                "given_at": _when(r.given_at),
                "withdrawn_at": _when(r.withdrawn_at),
            }
            for r in await _rows(session, ConsentRecord, citizen_id)
        ],
        "messages": await _messages(session, citizen_id),
        "messages_not_understood": [
            {
                "text": m.text,
                "language": m.language,
                "guessed_intent": m.guessed,
                "chosen_intent": m.chosen,
                "created_at": _when(m.created_at),
            }
            for m in await _rows(session, UnclearMessage, citizen_id)
        ],
    }


async def _rows(session: AsyncSession, model: Any, citizen_id: int) -> list[Any]:
    query = select(model).where(model.citizen_id == citizen_id).order_by(model.id)
    return list((await session.scalars(query)).all())


async def _identities(session: AsyncSession, citizen_id: int) -> list[dict[str, Any]]:
    return [
        {
            "channel": i.channel,
            "user": i.user_key,
            "address": i.address,
            "created_at": _when(i.created_at),
            "blocked_at": _when(i.blocked_at),
        }
        for i in await _rows(session, ChannelIdentity, citizen_id)
    ]


async def _conversations(session: AsyncSession, citizen_id: int) -> list[dict[str, Any]]:
    return [
        {
            "channel": c.channel,
            "chat": c.chat,
            "flow": c.flow_id,
            "state": c.state,
            "updated_at": _when(c.updated_at),
        }
        for c in await _rows(session, Conversation, citizen_id)
    ]


async def _ideas(session: AsyncSession, citizen_id: int) -> list[dict[str, Any]]:
    ideas = await ideas_of(session, citizen_id)
    topics = await topics_by_id(session, [i.topic_id for i in ideas])
    result = []
    for idea in ideas:
        topic = topics.get(idea.topic_id) if idea.topic_id is not None else None
        history = await status_history(session, idea.id)
        result.append(
            {
                "ref": idea.ref,
                "title": idea.title,
                "description": idea.description,
                "topic": topic.slug if topic is not None else None,
                "place": idea.place,
                "language": idea.language,
                "status": idea.status,
                "moderation": idea.moderation,
                "support_count": idea.support_count,
                "created_at": _when(idea.created_at),
                "history": [
                    {"status": h.status, "note": h.note, "at": _when(h.at)} for h in history
                ],
            }
        )
    return result


async def _report(session: AsyncSession, report: Report) -> dict[str, Any]:
    return {
        "ref": report.ref,
        "category": report.category_code,
        "description": report.description,
        "place": report.place,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "photo_count": len(report.photos or []),
        "language": report.language,
        "status": report.status,
        "created_at": _when(report.created_at),
        "updated_at": _when(report.updated_at),
        # who on the staff changed it is the staff member's data, not the citizen's
        "history": [
            {
                "status": h.status,
                "note_de": h.note_de,
                "note_en": h.note_en,
                "at": _when(h.created_at),
            }
            for h in await history(session, report.id)
        ],
    }


async def _followed_reports(session: AsyncSession, citizen_id: int) -> list[dict[str, Any]]:
    """Someone else's reports: what the citizen gets news of, not what that person wrote."""
    rows = await session.execute(
        select(ReportFollower.report_id, ReportFollower.created_at).where(
            ReportFollower.citizen_id == citizen_id
        )
    )
    since = {report_id: at for report_id, at in rows}
    return [
        {
            "ref": r.ref,
            "category": r.category_code,
            "status": r.status,
            "following_since": _when(since.get(r.id)),
        }
        for r in await followed_by(session, citizen_id)
    ]


async def _participations(session: AsyncSession, citizen_id: int) -> list[dict[str, Any]]:
    result = []
    for participation in await participations_of(session, citizen_id):
        consultation = await session.get(Consultation, participation.consultation_id)
        answers = await session.scalars(
            select(ParticipationAnswer)
            .where(ParticipationAnswer.participation_id == participation.id)
            .order_by(ParticipationAnswer.id)
        )
        result.append(
            {
                "consultation": consultation.slug if consultation is not None else None,
                "title": consultation.title_de if consultation is not None else None,
                "started_at": _when(participation.started_at),
                "submitted_at": _when(participation.submitted_at),
                "receipt": participation.receipt,
                "answers": [
                    {
                        "question": a.question_key,
                        "value": a.value,
                        "updated_at": _when(a.updated_at),
                    }
                    for a in answers
                ],
            }
        )
    return result


async def _supports(session: AsyncSession, citizen_id: int) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(IdeaSupport.created_at, Idea.ref, Idea.title)
        .join(Idea, Idea.id == IdeaSupport.idea_id)
        .where(IdeaSupport.citizen_id == citizen_id)
        .order_by(IdeaSupport.id)
    )
    return [{"idea": ref, "title": title, "at": _when(at)} for at, ref, title in rows]


async def _messages(session: AsyncSession, citizen_id: int) -> list[dict[str, Any]]:
    """Messages the bot queued or sent to the citizen (texts only; files are left out)."""
    return [
        {
            "channel": m.channel,
            "state": m.state,
            "created_at": _when(m.created_at),
            "sent_at": _when(m.sent_at),
            "text": m.payload.get("text") if isinstance(m.payload, dict) else None,
        }
        for m in await _rows(session, OutboxMessage, citizen_id)
    ]
