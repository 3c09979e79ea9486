"""Rasa's callback channel: "success" at once, the replies POSTed to the operator's address
through the outbox, so they are retried and survive a restart."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from nlu.types import IntentRecognizer
from tests.bot.web.chat.chat_server import running_chat

FRONT_END = "shared-secret-of-the-town-portal"
PORTAL = {"Authorization": f"Bearer {FRONT_END}"}
PATIENCE = 60.0


@dataclass
class Receiver:
    """The operator's server that takes the replies; refuses them while `down`."""

    url: str = ""
    down: bool = False
    attempts: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def take(self, request: web.Request) -> web.Response:
        self.attempts += 1
        self.arrived.set()
        if self.down:
            return web.Response(status=503, text="down for maintenance")
        self.received.append(await request.json())
        return web.Response(text="ok")

    async def wait_for(self, count: int) -> list[dict[str, Any]]:
        async def enough() -> None:
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(enough(), PATIENCE)
        return self.received

    async def wait_for_attempt(self) -> None:
        self.arrived.clear()
        await asyncio.wait_for(self.arrived.wait(), PATIENCE)


@contextlib.asynccontextmanager
async def receiver() -> AsyncIterator[Receiver]:
    taker = Receiver()
    app = web.Application()
    app.router.add_post("/bot-replies", taker.take)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    taker.url = f"http://127.0.0.1:{port}/bot-replies"
    try:
        yield taker
    finally:
        await runner.cleanup()


async def test_without_an_address_the_callback_channel_is_off(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(sqlite_url, recognizer) as chat, chat.client() as client:
        body = {"sender": "portal-user", "message": "Hallo"}
        answer = await client.post("/webhooks/callback/webhook", json=body, headers=PORTAL)
        assert answer.status_code == 404
        assert "MITREDEN_CALLBACK_URL" in answer.json()["error"]


async def test_replies_go_to_the_callback_address_retried_and_across_a_restart(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with receiver() as taker:
        settings = {"callback_url": taker.url, "web_chat_frontend_secret": FRONT_END}
        async with running_chat(db_url, recognizer, **settings) as chat, chat.client() as client:
            for path in ("/webhooks/callback", "/webhooks/callback/"):
                assert (await client.get(path)).json() == {"status": "ok"}
            body = {"sender": "Jürgen", "message": "Hallo"}
            refused = await client.post("/webhooks/callback/webhook", json=body)
            assert refused.status_code == 401  # the token rules hold here too

            taker.down = True
            answer = await client.post("/webhooks/callback/webhook", json=body, headers=PORTAL)
            assert answer.status_code == 200
            assert answer.text == "success"
            await taker.wait_for_attempt()  # refused: the reply waits in the outbox
        assert taker.received == []

        # a new process finds the reply in the outbox and delivers it
        taker.down = False
        async with running_chat(db_url, recognizer, **settings):
            received = await taker.wait_for(1)
        assert taker.attempts >= 2
        assert received[0]["recipient_id"] == "Jürgen"
        assert "willkommen" in received[0]["text"].lower()
        assert all(button["payload"].startswith("/choose{") for button in received[0]["buttons"])
