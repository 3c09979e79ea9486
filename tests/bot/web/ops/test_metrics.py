"""`/metrics`: off by default, behind a bearer token, and its counters match what happened."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from bot.app import build_app
from bot.channels.base import SendResult
from bot.channels.recording import RecordingChannel
from bot.config import Settings
from bot.messages import ConversationKey, InboundMessage, Outbound
from bot.runtime import metrics
from bot.runtime.leader import Leadership
from bot.web.server import WebServer, create_web_app
from nlu.types import IntentRecognizer
from tests.bot.web.chat.chat_server import running_chat
from tests.bot.web.chat.rest_client import new_session, say
from tests.bot.web.ops.scrape import grown, scrape
from tests.conftest import _with_database
from tests.storage.postgres_cluster import DatabasePool

TOKEN = "scrape-me-0123456789"


class RefusingChannel(RecordingChannel):
    """A messenger whose platform refuses every message: the chat does not exist."""

    def __init__(self) -> None:
        super().__init__("refusing")
        self.tried: list[int] = []

    async def send(self, message: Outbound) -> SendResult:
        self.tried.append(message.outbox_id)
        return SendResult("failed", "chat not found")


async def test_metrics_are_off_unless_enabled_with_a_token(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(sqlite_url, recognizer) as server, server.client() as client:
        assert (await client.get("/metrics")).status_code == 404
    async with (
        running_chat(sqlite_url, recognizer, metrics_enabled=True) as server,
        server.client() as client,
    ):  # no token set: nothing is served rather than everything to everyone
        assert (await client.get("/metrics")).status_code == 404


async def test_metrics_need_the_bearer_token(sqlite_url: str, recognizer: IntentRecognizer) -> None:
    async with (
        running_chat(sqlite_url, recognizer, metrics_enabled=True, metrics_token=TOKEN) as server,
        server.client() as client,
    ):
        refused = await client.get("/metrics")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 401
        assert "mitreden_outbox_depth" in await scrape(client, TOKEN)


async def test_counters_match_the_messages_sent(db_url: str, recognizer: IntentRecognizer) -> None:
    async with (
        running_chat(db_url, recognizer, metrics_enabled=True, metrics_token=TOKEN) as server,
        server.client() as client,
    ):
        before = await scrape(client, TOKEN)
        sender, token = await new_session(client)
        replies = 0
        texts = ["Hallo", "Ich habe eine Idee", "Was kann ich hier machen?", "danke", "tschüss"]
        for text in texts:
            replies += len(await say(client, sender, token, text))
        after = await scrape(client, TOKEN)

    web = '{channel="web"}'
    assert grown(before, after, "mitreden_messages_received_total" + web) == len(texts)
    assert grown(before, after, "mitreden_messages_sent_total" + web) == replies
    assert grown(before, after, "mitreden_turn_seconds_count" + web) == len(texts)
    assert grown(before, after, 'mitreden_turn_seconds_bucket{channel="web",le="+Inf"}') == len(
        texts
    )
    decided = sum(
        grown(before, after, f'mitreden_understanding_total{{decision="{kind}"}}')
        for kind in ("act", "ask", "fallback")
    )
    assert decided == len(texts)  # every message was typed text
    assert after["mitreden_database_up"] == 1
    assert after["mitreden_database_pool_size"] >= 1
    assert 0 <= after["mitreden_database_pool_checked_out"] <= after["mitreden_database_pool_size"]


async def test_delivery_failures_and_the_outbox_are_counted(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    refusing = RefusingChannel()
    settings = Settings(
        database_url=sqlite_url, demo_data="false", metrics_enabled=True, metrics_token=TOKEN
    )
    app = await build_app(settings, {"refusing": refusing}, recognizer)
    server = WebServer(create_web_app(app), "127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            before = await scrape(client, TOKEN)
            key = ConversationKey("refusing", "chat-1", "chat-1")
            queued = await app.dispatcher.handle(InboundMessage(key, "Hallo"))
            assert queued
            waiting = await scrape(client, TOKEN)  # the delivery worker does not run yet
            await app.start(app.dispatcher.handle_and_forget)
            assert await app.worker.wait_until_delivered(queued)
            after = await scrape(client, TOKEN)
    finally:
        await server.stop()
        await app.close()

    assert waiting["mitreden_outbox_depth"] == len(queued)
    assert waiting["mitreden_outbox_oldest_age_seconds"] >= 0
    failures = 'mitreden_delivery_failures_total{channel="refusing",reason="failed"}'
    assert grown(before, after, failures) == len(queued) == len(refusing.tried)
    assert grown(before, after, 'mitreden_messages_received_total{channel="refusing"}') == 1
    assert grown(before, after, 'mitreden_messages_sent_total{channel="refusing"}') == 0
    assert after["mitreden_outbox_depth"] == 0  # nothing waits: the failed ones gave up
    assert after["mitreden_outbox_oldest_age_seconds"] == 0


def _leading(leadership: Leadership) -> Callable[[], bool]:
    return lambda: leadership.leading


async def test_the_scheduler_leader_is_shown(
    postgres_admin_url: str, postgres_pool: DatabasePool, recognizer: IntentRecognizer
) -> None:
    name = postgres_pool.take()
    url = _with_database(postgres_admin_url, name)
    first, second = Leadership(url), Leadership(url)
    try:
        assert await first.check() and not await second.check()
        settings = {"metrics_enabled": True, "metrics_token": TOKEN}
        async with running_chat(url, recognizer, **settings) as server, server.client() as client:
            shown = []
            for leadership in (first, second):
                metrics.watch_leader(_leading(leadership))
                shown.append((await scrape(client, TOKEN))["mitreden_scheduler_leader"])
    finally:
        metrics.forget_leader()
        await first.release()
        await second.release()
        postgres_pool.release(name)
    assert shown == [1, 0]
