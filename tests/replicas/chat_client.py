"""A citizen's web chat through the REST channel, as a trusted front end sends it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from tests.replicas.cluster import FRONT_END

HEADERS = {"Authorization": f"Bearer {FRONT_END}"}


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(headers=HEADERS, timeout=60)


async def say(http: httpx.AsyncClient, url: str, sender: str, text: str) -> str:
    """The bot's answer as one text; fails on anything but 200."""
    response = await http.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
    )
    assert response.status_code == 200, response.text
    answer: list[dict[str, Any]] = response.json()
    return "\n".join(str(part.get("text", "")) for part in answer)


async def first_event(
    http: httpx.AsyncClient, url: str, sender: str, opened: asyncio.Event
) -> dict[str, Any]:
    """The first message pushed to the sender's open page; `opened` is set once the page
    listens."""
    async with http.stream(
        "GET", f"{url}/webhooks/rest/events", params={"sender": sender}
    ) as stream:
        assert stream.status_code == 200
        async for line in stream.aiter_lines():
            opened.set()  # the first line comes once the stream is registered
            if line.startswith("data: "):
                found: dict[str, Any] = json.loads(line[len("data: ") :])
                return found
    raise AssertionError("the event stream ended without a message")
