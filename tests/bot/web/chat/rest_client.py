"""A Rasa-style client of the REST channel, as the widget and Rasa front ends talk to it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx

PATIENCE = 30.0


async def new_session(client: httpx.AsyncClient) -> tuple[str, str]:
    response = await client.post("/webhooks/rest/session")
    assert response.status_code == 200, response.text
    body = response.json()
    return body["sender"], body["token"]


async def post(
    client: httpx.AsyncClient,
    sender: str,
    token: str | None,
    message: str,
    **metadata: str,
) -> httpx.Response:
    if token is not None:
        metadata["token"] = token
    return await client.post(
        "/webhooks/rest/webhook", json={"sender": sender, "message": message, "metadata": metadata}
    )


async def say(
    client: httpx.AsyncClient, sender: str, token: str | None, message: str, **metadata: str
) -> list[dict[str, Any]]:
    response = await post(client, sender, token, message, **metadata)
    assert response.status_code == 200, response.text
    answer: list[dict[str, Any]] = response.json()
    return answer


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message["text"] for message in messages)


def payload_of(messages: list[dict[str, Any]], title_part: str) -> str:
    """What a Rasa front end sends back when the button titled like `title_part` is pressed."""
    for message in messages:
        for button in message.get("buttons", []):
            if title_part in button["title"]:
                return str(button["payload"])
    raise AssertionError(f"no button {title_part!r} in {messages}")


async def stream_ticket(client: httpx.AsyncClient, sender: str, token: str) -> str:
    response = await client.post(
        "/webhooks/rest/events/ticket", json={"sender": sender, "token": token}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["ticket"])


async def sse_events(
    client: httpx.AsyncClient, sender: str, token: str, after: int | None = None
) -> AsyncGenerator[tuple[int, dict[str, Any]], None]:
    """The session's events, opened as the widget does: with a ticket, not the token."""
    params: dict[str, str | int] = {
        "sender": sender,
        "ticket": await stream_ticket(client, sender, token),
    }
    if after is not None:
        params["after"] = after
    async with client.stream("GET", "/webhooks/rest/events", params=params) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event_id: int | None = None
        async for line in response.aiter_lines():
            if line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("data: ") and event_id is not None:
                yield event_id, json.loads(line[6:])


async def next_event(
    events: AsyncIterator[tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    return await asyncio.wait_for(anext(events), PATIENCE)
