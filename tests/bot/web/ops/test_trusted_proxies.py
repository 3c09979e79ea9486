"""Behind a reverse proxy, the limits per address count the citizen's address, which only a
trusted proxy may name (MITREDEN_TRUSTED_PROXIES). Real HTTP from 127.0.0.1, once with the
loopback trusted as the proxy and once not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from bot.web.server import WebServer, create_web_app
from nlu.types import IntentRecognizer
from tests.bot.web.support import add_staff, log_in, running_app

ATTACKER, DESK = "203.0.113.9", "198.51.100.7"


@asynccontextmanager
async def _served(url: str, recognizer: IntentRecognizer, **settings: Any) -> AsyncIterator[Any]:
    async with running_app(url, recognizer, {}, **settings) as app:
        server = WebServer(create_web_app(app), "127.0.0.1", 0)
        await server.start()
        try:
            yield app, f"http://127.0.0.1:{server.port}"
        finally:
            await server.stop()


def _browser(base: str, **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base, headers={"accept": "text/html", **headers})


async def test_a_trusted_proxy_names_the_client_for_the_login_throttle(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with _served(sqlite_url, recognizer, trusted_proxies="127.0.0.1, 10.0.0.0/8") as (
        app,
        base,
    ):
        await add_staff(app, "anna", "admin")
        async with _browser(base, **{"X-Forwarded-For": ATTACKER}) as attacker:
            guesses = [(await log_in(attacker, "anna", f"guess {n}")).status_code for n in range(6)]
        # the attacker puts the desk's address in front: the proxy appended the real one
        async with _browser(base, **{"X-Forwarded-For": f"{DESK}, {ATTACKER}"}) as spoofing:
            spoofed = (await log_in(spoofing, "anna")).status_code
        # the desk's request passed two proxies of ours (10.1.2.3 inside, the loopback)
        async with _browser(base, **{"X-Forwarded-For": f"{DESK}, 10.1.2.3"}) as desk:
            at_desk = (await log_in(desk, "anna")).status_code
        async with _browser(base, **{"X-Real-IP": ATTACKER}) as attacker_again:
            real_ip = (await log_in(attacker_again, "anna")).status_code
    assert guesses == [401] * 5 + [429]
    assert spoofed == 429
    assert at_desk == 303
    assert real_ip == 429


async def test_an_untrusted_peer_cannot_name_another_address(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with _served(sqlite_url, recognizer, trusted_proxies="10.0.0.0/8") as (app, base):
        await add_staff(app, "anna", "admin")
        async with _browser(base, **{"X-Forwarded-For": ATTACKER}) as attacker:
            guesses = [(await log_in(attacker, "anna", f"guess {n}")).status_code for n in range(5)]
        async with _browser(base, **{"X-Forwarded-For": DESK, "X-Real-IP": DESK}) as other:
            pretending = (await log_in(other, "anna")).status_code
    assert guesses == [401] * 5
    assert pretending == 429  # all of it came from 127.0.0.1, whatever the headers say


async def _sessions(base: str, address: str, count: int) -> list[int]:
    async with httpx.AsyncClient(base_url=base, headers={"X-Forwarded-For": address}) as client:
        return [(await client.post("/webhooks/rest/session")).status_code for _ in range(count)]


async def test_the_web_chat_limits_count_the_forwarded_address(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    # one new session a minute per address, with a burst of three
    limit = {"web_chat_sessions_per_address": 1}
    async with _served(sqlite_url, recognizer, trusted_proxies="127.0.0.1", **limit) as (_, base):
        first = await _sessions(base, ATTACKER, 4)
        second = await _sessions(base, DESK, 1)
    assert first == [200, 200, 200, 429]
    assert second == [200]
    async with _served(sqlite_url, recognizer, trusted_proxies="", **limit) as (_, base):
        first = await _sessions(base, ATTACKER, 3)
        second = await _sessions(base, DESK, 1)
    assert first == [200, 200, 200]
    assert second == [429]  # the same peer: a made-up header changes nothing


async def test_a_trusted_proxy_tells_that_the_client_used_https(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    for number, (trusted, secure) in enumerate((("127.0.0.1", True), ("", False))):
        async with _served(sqlite_url, recognizer, trusted_proxies=trusted) as (app, base):
            if number == 0:
                await add_staff(app, "anna")
            async with _browser(base, **{"X-Forwarded-Proto": "https"}) as client:
                response = await log_in(client, "anna")
        assert ("secure" in response.headers["set-cookie"].lower()) is secure
