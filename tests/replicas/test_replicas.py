"""Two or three `mitreden run` processes on one PostgreSQL database behind nginx, which
sends any request to any process: citizens see one bot."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage import outbox
from storage.database import create_engine, session_factory
from storage.models import Citizen
from tests.replicas.chat_client import client, first_event, say
from tests.replicas.cluster import Replica
from tests.replicas.conftest import replicas

APOLOGY = "etwas schiefgegangen"


@pytest.fixture
def two(shared_database: str, tmp_path: Path, nlu_cache: Path) -> Iterator[list[Replica]]:
    with replicas(shared_database, tmp_path, nlu_cache, 2) as started:
        yield started


async def test_a_newcomer_picks_from_the_menu_on_another_process(two: list[Replica]) -> None:
    first, second = two
    async with client() as http:
        greeting = await say(http, first.url, "newcomer-1", "Hallo")
        assert "Umfragen" in greeting
        # "2" is the menu's second option, offered by the other process
        picked = await say(http, second.url, "newcomer-1", "2")
    assert "Diese Umfragen laufen gerade" in picked


async def test_messages_of_one_chat_sent_to_two_processes_at_once_are_each_answered_once(
    two: list[Replica], shared_database: str
) -> None:
    first, second = two
    async with client() as http:
        await say(http, first.url, "citizen-1", "/idee")
        # the title and the description arrive at the same moment at different processes
        answers = await asyncio.gather(
            say(http, first.url, "citizen-1", "Trinkbrunnen am Markt"),
            say(http, second.url, "citizen-1", "Im Sommer wäre ein Trinkbrunnen am Markt gut."),
        )
        assert not any(APOLOGY in answer for answer in answers)
        # both were taken in, one after the other: the flow now asks for the topic
        after = await say(http, second.url, "citizen-1", "1")
    assert APOLOGY not in after
    engine = create_engine(shared_database)
    try:
        async with session_factory(engine)() as session:
            citizens = await session.scalar(select(func.count()).select_from(Citizen))
    finally:
        await engine.dispose()
    assert citizens == 1


async def test_a_page_open_at_one_process_receives_what_another_sends(
    two: list[Replica], shared_database: str
) -> None:
    page_at = two[0]
    engine = create_engine(shared_database)
    sessions = session_factory(engine)
    try:
        async with client() as http:
            for number in range(4):
                sender = f"page-{number}"
                opened = asyncio.Event()
                page = asyncio.create_task(first_event(http, page_at.url, sender, opened))
                await opened.wait()
                async with sessions() as session, session.begin():
                    await outbox.enqueue(
                        session,
                        channel="web",
                        address=sender,
                        citizen_id=None,
                        payload={"text": f"Antwort {number}"},
                        now=datetime.now(UTC),
                    )
                # whichever process's delivery worker claims it, the open page gets it at
                # once (the page's own look into the outbox comes only every 15 seconds)
                event = await asyncio.wait_for(page, timeout=10)
                assert event["text"] == f"Antwort {number}"
    finally:
        await engine.dispose()
