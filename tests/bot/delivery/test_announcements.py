"""Announcements: to whom, when, in which language, how far along, and stopping one."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import SendResult
from bot.civic.announcements import (
    announcement_progress,
    cancel_announcement,
    create_announcement,
    in_flight,
    list_announcements,
    release_due_announcements,
)
from bot.delivery.worker import DeliveryWorker
from bot.messages import Outbound
from storage.models import (
    Announcement,
    Consultation,
    OutboxMessage,
    Participation,
    Subscription,
    Topic,
)
from storage.subscriptions import subscribe
from tests.bot.delivery.people import START, RecordingChannel, add_citizen

GERMAN = "Am Samstag ist Markttag auf dem Rathausplatz."
ENGLISH = "Market day on the town hall square this Saturday."


async def announce(
    sessions: async_sessionmaker[AsyncSession],
    audience: str = "all",
    *,
    text_en: str | None = ENGLISH,
    send_at: timedelta | None = None,
) -> int:
    async with sessions() as session, session.begin():
        return await create_announcement(
            session,
            text_de=GERMAN,
            text_en=text_en,
            audience=audience,
            send_at=START + send_at if send_at is not None else None,
            created_by="presse",
            now=START,
        )


async def queued(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    async with sessions() as session:
        rows = await session.execute(select(OutboxMessage.address, OutboxMessage.payload))
        return {address: payload["text"] for address, payload in rows.all()}


async def test_an_announcement_to_all_reaches_every_consenting_chat_in_its_language(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        await add_citizen(session, "anna")
        await add_citizen(session, "ben", language="en", channels=("telegram", "matrix"))
        await add_citizen(session, "carl", consented=False)  # never agreed: gets nothing
        await add_citizen(session, "dora", blocked=True)
    announcement = await announce(db_sessions)

    assert await queued(db_sessions) == {
        "telegram:anna": GERMAN,
        "telegram:ben": ENGLISH,
        "matrix:ben": ENGLISH,
    }
    async with db_sessions() as session:
        progress = await announcement_progress(session, announcement, START)
    assert (progress.state, progress.total, progress.remaining, progress.sent) == (
        "sending",
        3,
        3,
        0,
    )
    assert progress.rate_per_second is None and progress.seconds_left is None

    channels = {name: RecordingChannel(name) for name in ("telegram", "matrix")}
    worker = DeliveryWorker(db_sessions, channels, clock=lambda: START + timedelta(seconds=6))
    assert await worker.drain_once() == 3
    await release_due_announcements(db_sessions, START + timedelta(seconds=7))
    async with db_sessions() as session:
        progress = await announcement_progress(session, announcement, START + timedelta(minutes=1))
        stored = await session.get(Announcement, announcement)
    assert (progress.state, progress.sent, progress.remaining, progress.seconds_left) == (
        "done",
        3,
        0,
        0.0,
    )
    assert progress.rate_per_second == pytest.approx(3 / 6)
    assert stored is not None and stored.state == "done"


async def test_without_an_english_text_english_speakers_read_the_german_one_with_english_buttons(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        await add_citizen(session, "ben", language="en")
    await announce(db_sessions, text_en=None)
    async with db_sessions() as session:
        payload = await session.scalar(select(OutboxMessage.payload))
    assert payload == {"text": GERMAN, "options": [["Main menu", "/hilfe"]]}


async def test_a_topic_announcement_reaches_its_active_subscribers_only(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        session.add(Topic(slug="verkehr", name_de="Verkehr", name_en="Traffic", keywords=[]))
        anna = await add_citizen(session, "anna")
        ben = await add_citizen(session, "ben")
        await add_citizen(session, "carl")
        await subscribe(session, anna, "topic", "verkehr", START)
        await subscribe(session, ben, "topic", "verkehr", START)
        await session.execute(
            update(Subscription).where(Subscription.citizen_id == ben).values(paused_at=START)
        )
    await announce(db_sessions, "topic:verkehr")
    assert list(await queued(db_sessions)) == ["telegram:anna"]
    async with db_sessions() as session:
        payload = await session.scalar(select(OutboxMessage.payload))
    assert payload is not None
    assert payload["options"] == [["Meine Abos", "/abo"], ["Hauptmenü", "/hilfe"]]


async def test_a_consultation_announcement_reaches_its_participants(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        consultation = Consultation(
            slug="spielplatz",
            title_de="Spielplatz",
            title_en="Playground",
            description_de="",
            description_en="",
            opens_at=START,
            closes_at=START + timedelta(days=7),
        )
        session.add(consultation)
        anna = await add_citizen(session, "anna")
        await add_citizen(session, "ben")
        await session.flush()
        session.add(Participation(consultation_id=consultation.id, citizen_id=anna))
    await announce(db_sessions, f"consultation:{consultation.id}")
    assert list(await queued(db_sessions)) == ["telegram:anna"]


@pytest.mark.parametrize(
    ("audience", "message"),
    [
        ("everyone", "unknown audience 'everyone'"),
        ("topic:", "unknown audience"),
        ("consultation:abc", "unknown audience"),
        ("topic:gibtsnicht", "there is no topic 'gibtsnicht'"),
        ("consultation:999", "there is no consultation 999"),
    ],
)
async def test_a_wrong_audience_is_refused_with_a_plain_message(
    db_sessions: async_sessionmaker[AsyncSession], audience: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await announce(db_sessions, audience)
    async with db_sessions() as session:
        assert await session.scalar(select(Announcement.id)) is None


async def test_empty_long_or_past_announcements_are_refused(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session:
        for text, send_at, message in [
            ("  ", None, "German text is empty"),
            ("x" * 4001, None, "4001 characters"),
            (GERMAN, START - timedelta(hours=1), "lies in the past"),
        ]:
            with pytest.raises(ValueError, match=message):
                await create_announcement(
                    session,
                    text_de=text,
                    text_en=None,
                    audience="all",
                    send_at=send_at,
                    created_by=None,
                    now=START,
                )


async def test_a_scheduled_announcement_goes_out_when_due_and_only_once(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        await add_citizen(session, "anna")
    announcement = await announce(db_sessions, send_at=timedelta(hours=2))
    assert await queued(db_sessions) == {}
    assert await release_due_announcements(db_sessions, START + timedelta(hours=1)) == 0
    async with db_sessions() as session:
        progress = await announcement_progress(session, announcement, START)
    assert (progress.state, progress.total) == ("scheduled", 0)

    assert await release_due_announcements(db_sessions, START + timedelta(hours=2)) == 1
    assert await release_due_announcements(db_sessions, START + timedelta(hours=3)) == 0
    assert await queued(db_sessions) == {"telegram:anna": GERMAN}


async def test_a_cancelled_scheduled_announcement_never_goes_out(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        await add_citizen(session, "anna")
    announcement = await announce(db_sessions, send_at=timedelta(hours=2))
    async with db_sessions() as session, session.begin():
        assert await cancel_announcement(session, announcement, START)
        assert not await cancel_announcement(session, announcement, START)  # once is enough
    assert await release_due_announcements(db_sessions, START + timedelta(days=1)) == 0
    assert await queued(db_sessions) == {}


class GatedChannel(RecordingChannel):
    """Holds the first send until the test opens the gate: a message on the wire."""

    def __init__(self) -> None:
        super().__init__("telegram")
        self.on_the_wire = asyncio.Event()
        self.gate = asyncio.Event()

    async def send(self, message: Outbound) -> SendResult:
        if not self.on_the_wire.is_set():
            self.on_the_wire.set()
            await self.gate.wait()
        return await super().send(message)


async def test_after_a_cancel_nothing_more_goes_out_but_the_message_already_on_its_way(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        for n in range(6):
            await add_citizen(session, f"citizen-{n}")
    announcement = await announce(db_sessions)
    channel = GatedChannel()
    worker = DeliveryWorker(db_sessions, {"telegram": channel}, parallel=1, clock=lambda: START)
    draining = asyncio.create_task(worker.drain_once())  # claims all six, sends one at a time
    await asyncio.wait_for(channel.on_the_wire.wait(), 10)

    async with db_sessions() as session, session.begin():
        assert await cancel_announcement(session, announcement, START)
    async with db_sessions() as session:
        assert await in_flight(session, announcement) == 1
    channel.gate.set()
    await asyncio.wait_for(draining, 10)

    assert len(channel.sent) == 1
    async with db_sessions() as session:
        progress = await announcement_progress(session, announcement, START)
        assert await in_flight(session, announcement) == 0
    assert (progress.state, progress.sent, progress.cancelled, progress.remaining) == (
        "cancelled",
        1,
        5,
        0,
    )


async def test_progress_tells_the_pace_of_the_last_minute_and_the_time_left(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        for n in range(10):
            await add_citizen(session, f"citizen-{n}")
    announcement = await announce(db_sessions)
    async with db_sessions() as session, session.begin():
        ids = list(await session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))
        for position, message_id in enumerate(ids[:4]):
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(state="sent", sent_at=START + timedelta(seconds=0.5 * (position + 1)))
            )
    async with db_sessions() as session:
        progress = await announcement_progress(session, announcement, START + timedelta(seconds=2))
    assert (progress.sent, progress.remaining) == (4, 6)
    assert progress.rate_per_second == pytest.approx(2.0)
    assert progress.seconds_left == pytest.approx(3.0)

    async with db_sessions() as session:
        with pytest.raises(LookupError, match="no announcement 999"):
            await announcement_progress(session, 999, START)


async def test_the_list_shows_the_newest_first(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    first = await announce(db_sessions)
    second = await announce(db_sessions, send_at=timedelta(days=1))
    async with db_sessions() as session:
        listed = await list_announcements(session)
    assert [(item.id, item.state, item.created_by) for item in listed] == [
        (second, "scheduled", "presse"),
        (first, "done", "presse"),  # nobody to reach: done at once
    ]


async def test_a_finished_announcement_keeps_its_tally_after_its_messages_are_deleted(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    from storage.retention import forget_finished_deliveries

    async with db_sessions() as session, session.begin():
        for n in range(5):
            await add_citizen(session, f"citizen-{n}")
    announcement = await announce(db_sessions)
    async with db_sessions() as session, session.begin():
        ids = list(await session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))
        for position, message_id in enumerate(ids):
            state = "failed" if position == 0 else "sent"
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(state=state, sent_at=START + timedelta(seconds=position + 1))
            )
    a_year_later = START + timedelta(days=365)
    # retention before the tally is written must not take the only record away
    async with db_sessions() as session, session.begin():
        assert await forget_finished_deliveries(session, a_year_later) == 0
    await release_due_announcements(db_sessions, START + timedelta(seconds=10))
    async with db_sessions() as session, session.begin():
        assert await forget_finished_deliveries(session, a_year_later) == 5
    async with db_sessions() as session:
        progress = await announcement_progress(session, announcement, a_year_later)
    assert progress.state == "done"
    assert (progress.sent, progress.failed, progress.remaining) == (4, 1, 0)
    assert progress.rate_per_second == pytest.approx(4 / 5)
