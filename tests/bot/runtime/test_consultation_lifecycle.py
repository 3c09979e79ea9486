"""Opening news, deadline reminders and thanks reach the right citizens, exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.consultations.lifecycle import run_consultation_lifecycle
from bot.config import Settings
from storage import subscriptions
from storage.consultations import participations
from storage.database import create_engine, session_factory
from storage.identities import resolve_citizen
from storage.models.civic import Consultation, ConsultationQuestion, Subscription, Topic
from storage.models.core import ChannelIdentity, OutboxMessage
from storage.models.lifecycle import ConsultationNotice

OPENS = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(days=7)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


async def _consultation(
    session: AsyncSession, slug: str, topic_id: int | None, opens: datetime, closes: datetime
) -> Consultation:
    row = Consultation(
        slug=slug,
        title_de="Neuer Spielplatz im Lindenpark",
        title_en="New playground in Linden Park",
        description_de="Was soll auf den Spielplatz?",
        description_en="What should the playground have?",
        topic_id=topic_id,
        opens_at=opens,
        closes_at=closes,
    )
    session.add(row)
    await session.flush()
    session.add(
        ConsultationQuestion(
            consultation_id=row.id,
            position=1,
            key="equipment",
            kind="single",
            text_de="Was wünschen Sie sich?",
            text_en="What would you like?",
            options=[{"key": "swing", "de": "Schaukel", "en": "Swing"}],
            required=True,
        )
    )
    await session.flush()
    return row


async def _citizen(session: AsyncSession, name: str, language: str, *more: str) -> int:
    """A citizen with a Telegram chat and, for each of `more`, a chat on that channel."""
    citizen_id, _ = await resolve_citizen(session, "telegram", name, name, language, OPENS)
    for channel in more:
        session.add(
            ChannelIdentity(citizen_id=citizen_id, channel=channel, user_key=name, address=name)
        )
    await session.flush()
    return citizen_id


async def _answer(
    sessions: async_sessionmaker[AsyncSession],
    citizen_id: int,
    consultation_id: int,
    at: datetime,
    *,
    submit: bool,
) -> None:
    async with sessions() as session, session.begin():
        row = await session.get(Consultation, consultation_id)
        assert row is not None
        await participations.save_answer(session, citizen_id, row, "equipment", "swing", at)
        if submit:
            await participations.submit(session, citizen_id, row, at)


Sent = list[tuple[str, str, Any]]


async def _messages(sessions: async_sessionmaker[AsyncSession]) -> Sent:
    """(cause, "channel:chat", payload) of every queued message, oldest first."""
    async with sessions() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(m.cause or "", f"{m.channel}:{m.address}", m.payload) for m in rows]


def _who(messages: Sent, cause: str) -> Counter[str]:
    return Counter(chat for kind, chat, _ in messages if kind == cause)


async def test_each_citizen_hears_of_opening_reminder_and_closing_once(
    db_url: str,
) -> None:
    settings = Settings(database_url=db_url, public_url="https://mitreden.musterstadt.example/")
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        traffic = Topic(slug="verkehr", name_de="Verkehr", name_en="Traffic", keywords=[])
        parks = Topic(slug="parks", name_de="Parks", name_en="Parks", keywords=[])
        session.add_all([traffic, parks])
        await session.flush()
        consultation = await _consultation(session, "spielplatz", parks.id, OPENS, CLOSES)
        cid = consultation.id
        anna = await _citizen(session, "anna", "de", "matrix")  # two chats
        ben = await _citizen(session, "ben", "en")
        carla = await _citizen(session, "carla", "de")
        dora = await _citizen(session, "dora", "de")
        emil = await _citizen(session, "emil", "de")
        for citizen, kind, target in [
            (anna, "topic", "parks"),
            (ben, "topic", "parks"),
            (ben, "consultation", str(cid)),  # asked to hear when it starts
            (carla, "topic", "verkehr"),  # another topic
            (dora, "topic", "parks"),
        ]:
            await subscriptions.subscribe(session, citizen, kind, target, OPENS - HOUR)
        paused = await session.scalar(select(Subscription).where(Subscription.citizen_id == dora))
        assert paused is not None
        paused.paused_at = OPENS - HOUR

    # before the opening: nothing
    await run_consultation_lifecycle(sessions, settings, OPENS - MINUTE)
    assert await _messages(sessions) == []

    # the opening reaches the topic's and the consultation's subscribers, each chat once
    report = await run_consultation_lifecycle(sessions, settings, OPENS + MINUTE)
    await run_consultation_lifecycle(sessions, settings, OPENS + 2 * MINUTE)
    sent = await _messages(sessions)
    assert _who(sent, "consultation-opened") == Counter(
        {"telegram:anna": 1, "matrix:anna": 1, "telegram:ben": 1}
    )
    assert (report.opened, report.messages) == (1, 3)
    by_chat = {chat: payload for _, chat, payload in sent}
    assert "Neue Umfrage: „Neuer Spielplatz im Lindenpark“" in by_chat["telegram:anna"]["text"]
    assert "Sie können bis 08.12.2026 mitmachen" in by_chat["telegram:anna"]["text"]
    assert ["📝 Mitmachen", f"/start c-{cid}"] in by_chat["telegram:anna"]["options"]
    assert "New consultation: “New playground in Linden Park”" in by_chat["telegram:ben"]["text"]

    # anna starts and leaves it unfinished; ben submits; emil starts late
    await _answer(sessions, anna, cid, OPENS + HOUR, submit=False)
    await _answer(sessions, ben, cid, OPENS + 2 * HOUR, submit=True)

    # a day and more before the deadline: no reminder yet
    await run_consultation_lifecycle(sessions, settings, CLOSES - 25 * HOUR)
    assert _who(await _messages(sessions), "consultation-reminder") == Counter()

    await _answer(sessions, emil, cid, CLOSES - 23 * HOUR - 30 * MINUTE, submit=False)
    await run_consultation_lifecycle(sessions, settings, CLOSES - 23 * HOUR)
    await run_consultation_lifecycle(sessions, settings, CLOSES - 22 * HOUR - 50 * MINUTE)
    reminders = _who(await _messages(sessions), "consultation-reminder")
    # emil answered 30 minutes ago and may still be at it: not yet
    assert reminders == Counter({"telegram:anna": 1, "matrix:anna": 1})

    # a restart: a new engine, nothing in memory
    await engine.dispose()
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    try:
        await run_consultation_lifecycle(sessions, settings, CLOSES - 2 * HOUR)
        await run_consultation_lifecycle(sessions, settings, CLOSES - HOUR)
        reminders = _who(await _messages(sessions), "consultation-reminder")
        assert reminders == Counter({"telegram:anna": 1, "matrix:anna": 1, "telegram:emil": 1})

        # the closing thanks those who submitted, with the results
        await run_consultation_lifecycle(sessions, settings, CLOSES + MINUTE)
        await run_consultation_lifecycle(sessions, settings, CLOSES + 2 * MINUTE)
        sent = await _messages(sessions)
        assert _who(sent, "consultation-closed") == Counter({"telegram:ben": 1})
        thanks = next(p for cause, _, p in sent if cause == "consultation-closed")
        assert f"https://mitreden.musterstadt.example/results/{cid}" in thanks["text"]
        assert ["📊 Results in the chat", f"/start r-{cid}"] in thanks["options"]

        # every further run, days later, adds nothing
        before = len(sent)
        for later in (CLOSES + HOUR, CLOSES + 2 * timedelta(days=1)):
            await run_consultation_lifecycle(sessions, settings, later)
        assert len(await _messages(sessions)) == before
        assert Counter(cause for cause, _, _ in await _messages(sessions)) == Counter(
            {"consultation-opened": 3, "consultation-reminder": 3, "consultation-closed": 1}
        )
    finally:
        await engine.dispose()


async def test_old_openings_and_closings_are_recorded_without_messages(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = OPENS + timedelta(days=30)
    async with db_sessions() as session, session.begin():
        parks = Topic(slug="parks", name_de="Parks", name_en="Parks", keywords=[])
        session.add(parks)
        await session.flush()
        long_open = await _consultation(
            session, "lange-offen", parks.id, now - timedelta(days=5), now + timedelta(days=5)
        )
        long_closed = await _consultation(
            session, "lange-zu", parks.id, now - timedelta(days=40), now - timedelta(days=10)
        )
        fresh = await _consultation(session, "neu", parks.id, now - HOUR, now + timedelta(days=5))
        reader = await _citizen(session, "reader", "de")
        await subscriptions.subscribe(session, reader, "topic", "parks", now - timedelta(days=60))
        await participations.save_answer(
            session, reader, long_closed, "equipment", "swing", now - timedelta(days=20)
        )
        await participations.submit(session, reader, long_closed, now - timedelta(days=20))

    report = await run_consultation_lifecycle(db_sessions, Settings(), now)

    assert (report.opened, report.closed, report.messages) == (1, 0, 1)
    sent = await _messages(db_sessions)
    assert [(cause, payload["options"][0][1]) for cause, _, payload in sent] == [
        ("consultation-opened", f"/start c-{fresh.id}")
    ]
    async with db_sessions() as session:
        notices = {
            (n.consultation_id, n.kind): n.skipped
            for n in await session.scalars(select(ConsultationNotice))
        }
    assert notices == {
        (long_open.id, "opened"): True,
        (long_closed.id, "closed"): True,
        (fresh.id, "opened"): False,
    }


async def test_informal_german_and_reminders_switched_off(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    settings = Settings(formal=False, reminder_before_hours=0)
    async with db_sessions() as session, session.begin():
        parks = Topic(slug="parks", name_de="Parks", name_en="Parks", keywords=[])
        session.add(parks)
        await session.flush()
        consultation = await _consultation(session, "spielplatz", parks.id, OPENS, CLOSES)
        lena = await _citizen(session, "lena", "de")
        await subscriptions.subscribe(session, lena, "topic", "parks", OPENS - HOUR)
    await run_consultation_lifecycle(db_sessions, settings, OPENS + MINUTE)
    await _answer(db_sessions, lena, consultation.id, OPENS + HOUR, submit=False)

    report = await run_consultation_lifecycle(db_sessions, settings, CLOSES - 2 * HOUR)

    assert report.reminded == 0
    sent = await _messages(db_sessions)
    assert [cause for cause, _, _ in sent] == ["consultation-opened"]
    assert "Du kannst bis 08.12.2026 mitmachen. Tipp auf „Mitmachen“" in sent[0][2]["text"]


async def test_nothing_is_sent_again_after_retention_deleted_the_sent_messages(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    settings = Settings()
    async with db_sessions() as session, session.begin():
        parks = Topic(slug="parks", name_de="Parks", name_en="Parks", keywords=[])
        session.add(parks)
        await session.flush()
        consultation = await _consultation(session, "spielplatz", parks.id, OPENS, CLOSES)
        mia = await _citizen(session, "mia", "de")
        noah = await _citizen(session, "noah", "de")
        await subscriptions.subscribe(session, mia, "topic", "parks", OPENS - HOUR)

    async def delivered_and_forgotten() -> list[str]:
        """Causes of the messages queued since the last call; then they are gone, as after
        delivery and the outbox's retention period."""
        causes = [cause for cause, _, _ in await _messages(db_sessions)]
        async with db_sessions() as session, session.begin():
            await session.execute(delete(OutboxMessage))
        return causes

    await run_consultation_lifecycle(db_sessions, settings, OPENS + MINUTE)
    assert await delivered_and_forgotten() == ["consultation-opened"]
    await run_consultation_lifecycle(db_sessions, settings, OPENS + 2 * MINUTE)
    assert await delivered_and_forgotten() == []

    await _answer(db_sessions, mia, consultation.id, OPENS + HOUR, submit=False)
    await _answer(db_sessions, noah, consultation.id, OPENS + HOUR, submit=True)
    await run_consultation_lifecycle(db_sessions, settings, CLOSES - 2 * HOUR)
    assert await delivered_and_forgotten() == ["consultation-reminder"]
    await run_consultation_lifecycle(db_sessions, settings, CLOSES - HOUR)
    assert await delivered_and_forgotten() == []

    await run_consultation_lifecycle(db_sessions, settings, CLOSES + MINUTE)
    assert await delivered_and_forgotten() == ["consultation-closed"]
    await run_consultation_lifecycle(db_sessions, settings, CLOSES + HOUR)
    assert await delivered_and_forgotten() == []
