"""Publishing a decision reaches everyone concerned, each chat once, in their language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.council.sync import sync_council
from bot.civic.decisions import create_decision, publish_decision
from storage.council import reference_key
from storage.models.civic import (
    Consultation,
    Decision,
    Idea,
    IdeaSupport,
    Participation,
)
from tests.bot.civic.council.conftest import NOW, council_settings
from tests.bot.civic.council.oparl_server import OParlServer
from tests.bot.civic.council.support import add_citizen, follow, queued_messages

Sessions = async_sessionmaker[AsyncSession]


async def test_publishing_reaches_everyone_concerned_once(town: Sessions) -> None:
    async with town() as session, session.begin():
        idea = await session.scalar(select(Idea).order_by(Idea.id).limit(1))
        consultation = await session.scalar(select(Consultation).order_by(Consultation.id))
        assert idea is not None and consultation is not None
        fan = await add_citizen(session, "topic-fan", chats=2)
        author = await add_citizen(session, "author", language="en")
        supporter = await add_citizen(session, "supporter-and-fan")
        voter = await add_citizen(session, "voter")
        unfinished = await add_citizen(session, "unfinished")
        paper_fan = await add_citizen(session, "paper-fan")
        other = await add_citizen(session, "other-topic")
        paused = await add_citizen(session, "paused")
        blocked = await add_citizen(session, "blocked", blocked=True)
        idea.citizen_id = author
        session.add_all(
            [
                follow(fan, "topic", "verkehr"),
                follow(supporter, "topic", "verkehr"),
                IdeaSupport(idea_id=idea.id, citizen_id=supporter, created_at=NOW),
                Participation(
                    consultation_id=consultation.id,
                    citizen_id=voter,
                    started_at=NOW,
                    submitted_at=NOW,
                    receipt="R-1",
                ),
                Participation(
                    consultation_id=consultation.id, citizen_id=unfinished, started_at=NOW
                ),
                follow(paper_fan, "paper", reference_key("2026/123")),
                follow(other, "topic", "umwelt"),
                follow(paused, "topic", "verkehr", paused=True),
                follow(blocked, "topic", "verkehr"),
            ]
        )
        decision_id = await create_decision(
            session,
            title="Radweg an der Hauptstraße kommt",
            text="Der Rat hat den Bau beschlossen. Die Arbeiten beginnen im Frühjahr.",
            link="https://ratsinfo.musterstadt.example/top/9001",
            topic_slug="verkehr",
            idea_ids=[idea.id],
            consultation_ids=[consultation.id],
            by="staff",
            now=NOW,
            paper_reference="2026/123",
        )

    async with town() as session, session.begin():
        queued = await publish_decision(session, decision_id, by="clerk", now=NOW)
    async with town() as session, session.begin():
        again = await publish_decision(
            session, decision_id, by="clerk", now=NOW + timedelta(hours=1)
        )

    assert (queued, again) == (6, 0)
    messages = await queued_messages(town)
    assert sorted(m.address for m in messages) == [
        "author-0",
        "paper-fan-0",
        "supporter-and-fan-0",
        "topic-fan-0",
        "topic-fan-1",
        "voter-0",
    ]
    by_address = {m.address: m.payload for m in messages}
    german = by_address["topic-fan-0"]["text"]
    assert german.startswith("📣 Neue Entscheidung zum Thema „Verkehr & Mobilität“")
    assert "Vorlage 2026/123" in german and "Frühjahr" in german
    assert "Mehr dazu: https://ratsinfo.musterstadt.example/top/9001" in german
    assert "Schreiben Sie mir einfach" in german
    english = by_address["author-0"]
    assert english["text"].startswith("📣 New decision on “Transport”")
    assert ["🔔 My subscriptions", "/subscriptions"] in english["options"]
    async with town() as session:
        decision = await session.get(Decision, decision_id)
        assert decision is not None
        assert (decision.status, decision.published_by, decision.published_at) == (
            "published",
            "clerk",
            NOW,
        )


async def test_a_decision_needs_a_title_text_and_a_known_topic(town: Sessions) -> None:
    async with town() as session:
        with pytest.raises(ValueError, match="title and a text"):
            await create_decision(
                session,
                title="  ",
                text="x",
                link=None,
                topic_slug=None,
                idea_ids=(),
                consultation_ids=(),
                by="staff",
                now=NOW,
            )
        with pytest.raises(ValueError, match="no topic 'weltraum'"):
            await create_decision(
                session,
                title="T",
                text="x",
                link=None,
                topic_slug="weltraum",
                idea_ids=(),
                consultation_ids=(),
                by="staff",
                now=NOW,
            )
        with pytest.raises(LookupError):
            await publish_decision(session, 999_999, by="staff", now=NOW)


async def test_council_results_published_automatically_reach_paper_followers(
    town: Sessions, oparl: OParlServer
) -> None:
    async with town() as session, session.begin():
        follower = await add_citizen(session, "follows-2026-123")
        parent = await add_citizen(session, "follows-education", language="en")
        session.add_all(
            [
                follow(follower, "paper", reference_key("2026/123")),
                follow(parent, "topic", "bildung"),
            ]
        )

    settings = council_settings(oparl, oparl_auto_publish=True)
    report = await sync_council(town, settings, NOW)
    rerun = await sync_council(town, settings, NOW + timedelta(hours=2))

    assert report.published == 3 and report.messages_queued == 2
    assert rerun.published == 0 and rerun.messages_queued == 0
    messages = {m.address: m.payload["text"] for m in await queued_messages(town)}
    assert set(messages) == {"follows-2026-123-0", "follows-education-0"}
    assert "Radwegebau an der Hauptstraße" in messages["follows-2026-123-0"]
    assert "Vorlage 2026/123" in messages["follows-2026-123-0"]
    assert "Kita am Lindenweg" in messages["follows-education-0"]
    assert "Council paper VO/2026/0456" in messages["follows-education-0"]


async def test_staff_publish_a_reviewed_council_draft(town: Sessions, oparl: OParlServer) -> None:
    async with town() as session, session.begin():
        follower = await add_citizen(session, "follows-kita")
        session.add(follow(follower, "paper", reference_key("vo/2026/456")))
        # followed by the short number before the council data named the paper
        early = await add_citizen(session, "follows-kita-early")
        session.add(follow(early, "paper", reference_key("2026/456")))
        unrelated = await add_citizen(session, "follows-other-456")
        session.add(follow(unrelated, "paper", reference_key("2025/456")))
    report = await sync_council(town, council_settings(oparl), NOW)
    assert report.published == 0 and await queued_messages(town) == []

    async with town() as session, session.begin():
        kita = await session.scalar(select(Decision).where(Decision.external_id.like("%/9002")))
        assert kita is not None and kita.status == "draft"
        queued = await publish_decision(session, kita.id, by="clerk", now=NOW)

    assert queued == 2
    addresses = [m.address for m in await queued_messages(town)]
    assert addresses == ["follows-kita-0", "follows-kita-early-0"]
