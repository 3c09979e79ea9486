"""Two `mitreden run` processes on one PostgreSQL database behind nginx, which sends any
request to any process: citizens see one bot, also while processes restart or die (no
request fails, no message is handled twice or lost)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from storage import outbox
from storage.database import create_engine, session_factory
from storage.models import ChannelIdentity
from tests.replicas.chat_client import client, first_event, say
from tests.replicas.cluster import Replica, restart
from tests.replicas.conftest import Cluster
from tests.replicas.conversation import keep_page_open, propose_ideas, stored_titles

APOLOGY = "etwas schiefgegangen"


@pytest.fixture
def two(cluster: Cluster) -> list[Replica]:
    """The module's two processes, addressed directly (not through the proxy)."""
    return cluster.processes


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
            citizens = await session.scalar(
                select(func.count(func.distinct(ChannelIdentity.citizen_id))).where(
                    ChannelIdentity.address == "citizen-1"
                )
            )
    finally:
        await engine.dispose()
    assert citizens == 1  # the module's other tests share the database


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


SENDERS = 3


def stop_and_start_again(cluster: Cluster, number: int) -> int:
    """SIGTERM, wait for the exit, start it again on its port, wait until ready."""
    replica = cluster.processes[number]
    code = replica.stop()
    cluster.processes[number] = restart(replica, cluster.database_url, cluster.nlu_cache)
    return code


async def test_a_rolling_restart_fails_no_request_and_handles_every_message_once(
    cluster: Cluster,
) -> None:
    enough = asyncio.Event()
    async with client() as http:
        names = [f"rolling-{number}" for number in range(SENDERS)]
        # each citizen's page listens on its event stream the whole time
        pages = [
            asyncio.create_task(keep_page_open(http, cluster.proxy.url, name, enough))
            for name in names
        ]
        writing = [
            asyncio.create_task(propose_ideas(http, cluster.proxy.url, name, enough))
            for name in names
        ]
        codes = []
        for number in range(len(cluster.processes)):
            codes.append(await asyncio.to_thread(stop_and_start_again, cluster, number))
        enough.set()
        proposed = await asyncio.gather(*writing)  # a failed request fails its sender
        opened = await asyncio.gather(*pages)
    assert codes == [0, 0]  # each stopped cleanly
    assert all(count >= 2 for count in opened)  # the pages moved to another process
    titles = sorted(title for titles in proposed for title in titles)
    assert all(proposed)
    assert await stored_titles(cluster.database_url, "Brunnen rolling-") == titles


async def test_a_killed_process_leaves_the_conversation_to_the_other(cluster: Cluster) -> None:
    async def kill_the_first() -> None:
        cluster.processes[0].kill()  # SIGKILL: no chance to finish or hand anything over

    done = asyncio.Event()
    done.set()
    async with client() as http:
        # the first process dies between two messages of an idea: the rest of the
        # conversation (its state is in the store) goes on at the other one
        proposed = await propose_ideas(
            http, cluster.proxy.url, "killed-1", done, midway=kill_the_first
        )
    cluster.processes[0] = await asyncio.to_thread(
        restart, cluster.processes[0], cluster.database_url, cluster.nlu_cache
    )
    assert await stored_titles(cluster.database_url, "Brunnen killed-1 ") == proposed
