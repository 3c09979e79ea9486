"""Decisions: staff write them or council results arrive as drafts; publishing one tells
everyone who asked to hear about it, each chat once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage import outbox
from storage.decisions import (
    DRAFT,
    PUBLISHED,
    add_decision,
    audience,
    decision_by_id,
    update_decision,
)
from storage.models.civic import Decision, Topic
from storage.topics import topic_by_id, topic_by_slug

# after replies to citizens who wait (0) and personal notices (1), before broadcasts
DECISION_PRIORITY = 2
MAX_TEXT = 1200  # a chat message stays readable; the link leads to the full text

_TEXTS = {
    "de": {
        "head": "📣 Neue Entscheidung",
        "topic": " zum Thema „{topic}“",
        "paper": "Vorlage {reference}",
        "more": "Mehr dazu: {link}",
        "next": "Fragen dazu? Schreiben Sie mir einfach. Ihre Abos ändern Sie unter „Meine Abos“.",
    },
    "en": {
        "head": "📣 New decision",
        "topic": " on “{topic}”",
        "paper": "Council paper {reference}",
        "more": "Read more: {link}",
        "next": "Questions about it? Just write to me. "
        "Change what you follow under “My subscriptions”.",
    },
}
_OPTIONS = {
    "de": [["🔔 Meine Abos", "/abo"], ["❓ Frage stellen", "/frage"], ["Menü", "/hilfe"]],
    "en": [
        ["🔔 My subscriptions", "/subscriptions"],
        ["❓ Ask a question", "/question"],
        ["Menu", "/help"],
    ],
}


async def create_decision(
    session: AsyncSession,
    *,
    title: str,
    text: str,
    link: str | None,
    topic_slug: str | None,
    idea_ids: Sequence[int],
    consultation_ids: Sequence[int],
    by: str | None,
    now: datetime,
    source: str = "staff",
    external_id: str | None = None,
    paper_reference: str | None = None,
) -> int:
    """Store a draft decision and return its id. Raises ValueError for an empty title or
    text, or a topic that does not exist. Does not commit."""
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise ValueError("a decision needs a title and a text")
    topic_id = None
    if topic_slug:
        topic = await topic_by_slug(session, topic_slug)
        if topic is None:
            raise ValueError(f"there is no topic {topic_slug!r}")
        topic_id = topic.id
    decision = await add_decision(
        session,
        title=title[:300],
        text=text,
        link=(link or "").strip()[:1000] or None,
        topic_id=topic_id,
        idea_ids=idea_ids,
        consultation_ids=consultation_ids,
        created_by=by,
        now=now,
        source=source,
        external_id=external_id,
        paper_reference=paper_reference,
    )
    return decision.id


def decision_message(decision: Decision, topic: Topic | None, language: str) -> str:
    texts = _TEXTS[language]
    head = texts["head"]
    if topic is not None:
        name = topic.name_en if language == "en" else topic.name_de
        head += texts["topic"].format(topic=name)
    lines = [f"{head}:", decision.title]
    if decision.paper_reference:
        lines.append(texts["paper"].format(reference=decision.paper_reference))
    body = decision.text.strip()
    if len(body) > MAX_TEXT:
        body = body[: MAX_TEXT - 1].rsplit(" ", 1)[0] + " …"
    lines += ["", body]
    if decision.link:
        lines += ["", texts["more"].format(link=decision.link)]
    lines += ["", texts["next"]]
    return "\n".join(lines)


async def publish_decision(
    session: AsyncSession, decision_id: int, *, by: str | None, now: datetime
) -> int:
    """Publish the decision and queue it to everyone concerned; returns messages queued.

    Publishing again queues nothing new: each chat has one dedupe key per decision.
    Raises LookupError for an unknown decision. Does not commit.
    """
    decision = await decision_by_id(session, decision_id)
    if decision is None:
        raise LookupError(f"no decision {decision_id}")
    if decision.status != PUBLISHED:
        await update_decision(
            session, decision, {"status": PUBLISHED, "published_at": now, "published_by": by}
        )
    topic = await topic_by_id(session, decision.topic_id)
    payloads = {
        language: {
            "text": decision_message(decision, topic, language),
            "options": _OPTIONS[language],
        }
        for language in ("de", "en")
    }
    return await outbox.enqueue_for_citizens(
        session,
        audience(decision, topic),
        payloads,
        priority=DECISION_PRIORITY,
        dedupe_prefix=f"decision:{decision.id}",
        cause="decision",
        now=now,
    )


__all__ = ["DRAFT", "PUBLISHED", "create_decision", "decision_message", "publish_decision"]
