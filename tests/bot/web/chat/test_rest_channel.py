"""The REST channel over real HTTP: Rasa's message format, buttons, later messages by SSE."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx

from bot.channels.web import WebChannel
from nlu.types import IntentRecognizer
from tests.bot.web.chat.chat_server import ChatServer, running_chat

PATIENCE = 30.0


async def new_session(client: httpx.AsyncClient) -> tuple[str, str]:
    response = await client.post("/webhooks/rest/session")
    assert response.status_code == 200
    body = response.json()
    return body["sender"], body["token"]


async def say(
    client: httpx.AsyncClient, sender: str, token: str | None, message: str
) -> list[dict[str, Any]]:
    metadata = {"token": token} if token else {}
    response = await client.post(
        "/webhooks/rest/webhook", json={"sender": sender, "message": message, "metadata": metadata}
    )
    assert response.status_code == 200, response.text
    answer: list[dict[str, Any]] = response.json()
    return answer


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message["text"] for message in messages)


def payload_of(messages: list[dict[str, Any]], title_part: str) -> str:
    for message in messages:
        for button in message.get("buttons", []):
            if title_part in button["title"]:
                return str(button["payload"])
    raise AssertionError(f"no button {title_part!r} in {messages}")


async def sse_events(
    client: httpx.AsyncClient, sender: str, token: str, after: int | None = None
) -> AsyncGenerator[tuple[int, dict[str, Any]], None]:
    params: dict[str, str | int] = {"sender": sender, "token": token}
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


async def test_rasa_format_and_buttons_pressed_by_payload(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        greeting = await say(client, "rasa-tool-1", None, "Hallo")
        assert greeting[0]["recipient_id"] == "rasa-tool-1"
        assert "willkommen" in greeting[0]["text"].lower()
        buttons = [button for message in greeting for button in message.get("buttons", [])]
        assert buttons and all(set(button) == {"title", "payload"} for button in buttons)

        consent = await say(client, "rasa-tool-1", None, payload_of(greeting, "Idee vorschlagen"))
        assert "Datenschutz" in texts(consent)
        asked = await say(client, "rasa-tool-1", None, payload_of(consent, "einverstanden"))
        assert "Wie soll sie heißen" in texts(asked)
        status = await client.get("/webhooks/rest/")
        assert status.json() == {"status": "ok"}


async def test_a_conversation_survives_a_restart(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(sqlite_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        await say(client, sender, token, "Hallo")
        await say(client, sender, token, "ich habe eine idee")
        assert "Wie soll sie heißen" in texts(await say(client, sender, token, "ja"))
    async with running_chat(sqlite_url, recognizer) as chat, chat.client() as client:
        answer = await say(client, sender, token, "Trinkbrunnen am Markt")
        assert "Beschreiben Sie Ihre Idee" in texts(answer)


async def ask_a_question(client: httpx.AsyncClient, sender: str, token: str) -> None:
    await say(client, sender, token, "Hallo")
    await say(client, sender, token, "ich habe eine frage an die stadt")
    similar = await say(client, sender, token, "Wann wird der Spielplatz am Lindenpark saniert?")
    if "Datenschutz" not in texts(similar):
        similar = await say(client, sender, token, payload_of(similar, "trotzdem"))
    done = await say(client, sender, token, payload_of(similar, "einverstanden"))
    assert "Q-" in texts(done)


async def test_a_staff_answer_reaches_an_open_page(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        await ask_a_question(client, sender, token)
        events = sse_events(client, sender, token)
        opened = asyncio.ensure_future(next_event(events))
        await wait_until_listening(chat, sender)
        ref = await chat.answer_latest_question("Im Frühjahr, die Arbeiten beginnen im März.")
        event_id, message = await opened
        assert message["recipient_id"] == sender
        assert ref in message["text"] and "im März" in message["text"]
        assert any("Frage" in button["title"] for button in message["buttons"])
        assert event_id > 0
        await events.aclose()


async def wait_until_listening(chat: ChatServer, sender: str) -> None:
    channel = chat.app.adapters["web"]
    assert isinstance(channel, WebChannel)
    for _ in range(3000):
        if channel.open_count(sender):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the page never started listening")


async def test_a_message_waits_while_the_page_is_closed_and_comes_once(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        await ask_a_question(client, sender, token)
        await chat.answer_latest_question("Die erste Antwort.")
        # no page is open: the delivery worker finds nobody and leaves it waiting
        events = sse_events(client, sender, token)
        first_id, first = await next_event(events)
        assert "Die erste Antwort." in first["text"]
        await wait_until_listening(chat, sender)
        await chat.answer_latest_question("Eine Ergänzung zur Antwort.")
        second_id, second = await next_event(events)
        assert second_id > first_id, "the first message came twice"
        assert "Eine Ergänzung" in second["text"]
        await events.aclose()

        # the page comes back knowing both: nothing is repeated, a third one arrives alone
        again = sse_events(client, sender, token, after=second_id)
        await chat.answer_latest_question("Und noch ein Nachtrag.")
        third_id, third = await next_event(again)
        assert third_id > second_id and "Nachtrag" in third["text"]
        await again.aclose()

        # a page that lost the last message on the way gets it again
        lost = sse_events(client, sender, token, after=second_id)
        replay_id, replay = await next_event(lost)
        assert (replay_id, replay["text"]) == (third_id, third["text"])
        await lost.aclose()


async def test_nobody_reads_or_writes_another_session(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(sqlite_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        other, other_token = await new_session(client)
        await say(client, sender, token, "Hallo")
        for params in (
            {"sender": sender, "token": other_token},
            {"sender": sender, "token": "x" * 43},
            {"sender": sender},
        ):
            refused = await client.get("/webhooks/rest/events", params=params)
            assert refused.status_code == 401
        for metadata in ({"token": other_token}, {}, {"token": 17}):
            refused = await client.post(
                "/webhooks/rest/webhook",
                json={"sender": sender, "message": "Hallo", "metadata": metadata},
            )
            assert refused.status_code == 401
            assert "token" in refused.json()["error"]
        bearer = await client.post(
            "/webhooks/rest/webhook",
            json={"sender": other, "message": "Hallo"},
            headers={"Authorization": f"Bearer {other_token}"},
        )
        assert bearer.status_code == 200 and bearer.json()[0]["recipient_id"] == other
