"""Decisions: staff write them or council results arrive as drafts; publishing one tells
everyone who asked to hear about it, each chat once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.civic.council.mapping import web_link
from storage import outbox
from storage.decisions import (
    DRAFT,
    PUBLISHED,
    WITHDRAWN,
    add_decision,
    audience,
    cancel_decision_messages,
    corrections_of,
    decision_by_id,
    delete_decision,
    told_citizens,
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
        "correction": "📣 Korrektur: Eine Entscheidung, von der Sie gehört haben, "
        "hat sich geändert",
        "topic": " zum Thema „{topic}“",
        "paper": "Vorlage {reference}",
        "more": "Mehr dazu: {link}",
        "next": "Fragen dazu? Schreiben Sie mir einfach. Ihre Abos ändern Sie unter „Meine Abos“.",
    },
    "en": {
        "head": "📣 New decision",
        "correction": "📣 Correction: a decision you heard about has changed",
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
    council_result: str | None = None,
) -> int:
    """Store a draft decision and return its id. Raises ValueError for an empty title or
    text, a link that is not an http(s) address, or a topic that does not exist. Does not
    commit."""
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise ValueError("a decision needs a title and a text")
    if link and link.strip() and web_link(link) is None:
        raise ValueError("a decision's link must be an http(s) address")
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
        council_result=council_result,
    )
    return decision.id


def decision_message(decision: Decision, topic: Topic | None, language: str) -> str:
    texts = _TEXTS[language]
    head = texts["head"] if decision.corrects_id is None else texts["correction"]
    if topic is not None and decision.corrects_id is None:
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

    A correction goes to those who were told about the decision it corrects (or about an
    earlier correction of it), and to nobody else. Publishing again queues nothing new: each
    chat has one dedupe key per decision. Raises LookupError for an unknown decision and
    ValueError for a withdrawn one. Does not commit.
    """
    decision = await decision_by_id(session, decision_id)
    if decision is None:
        raise LookupError(f"no decision {decision_id}")
    if decision.status == WITHDRAWN:
        raise ValueError(f"decision {decision_id} was withdrawn and is not published again")
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
    if decision.corrects_id is None:
        citizens = audience(decision, topic)
    else:
        citizens = told_citizens(await _told_about(session, decision.corrects_id))
    return await outbox.enqueue_for_citizens(
        session,
        citizens,
        payloads,
        priority=DECISION_PRIORITY,
        dedupe_prefix=f"decision:{decision.id}",
        cause="decision",
        now=now,
    )


async def _told_about(session: AsyncSession, decision_id: int) -> list[int]:
    """The decision and its published corrections: what citizens may have heard."""
    corrections = await corrections_of(session, decision_id)
    return [decision_id, *(c.id for c in corrections if c.status == PUBLISHED)]


async def withdraw_decision(session: AsyncSession, decision: Decision) -> int:
    """Take a published decision and its corrections out of citizens' view: messages not
    yet handed to a platform are cancelled, a correction draft is dropped. Returns how many
    messages were cancelled. Does not commit."""
    published = [decision.id]
    for correction in await corrections_of(session, decision.id):
        if correction.status == DRAFT:
            await delete_decision(session, correction)
        else:
            published.append(correction.id)
            await update_decision(session, correction, {"status": WITHDRAWN})
    await update_decision(session, decision, {"status": WITHDRAWN})
    return await cancel_decision_messages(session, published)


__all__ = [
    "DRAFT",
    "PUBLISHED",
    "WITHDRAWN",
    "create_decision",
    "decision_message",
    "publish_decision",
    "withdraw_decision",
]
