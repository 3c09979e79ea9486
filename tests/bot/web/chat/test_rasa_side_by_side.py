"""Side by side with Rasa 3.6 itself: Rasa's shell talks to our server, and Rasa's own REST
channel (with an echo agent) and ours answer the same requests in the same shapes."""

from __future__ import annotations

import json
from typing import Any

import httpx

from nlu.types import IntentRecognizer
from tests.bot.web.chat.chat_server import running_chat
from tests.bot.web.chat.rasa_reference import rasa_console, rasa_rest_server, reference_path
from tests.bot.web.chat.rest_client import new_session, payload_of, texts

FRONT_END = "shared-secret-of-the-town-portal"
PORTAL = {"Authorization": f"Bearer {FRONT_END}"}


async def test_rasas_shell_talks_to_our_server(db_url: str, recognizer: IntentRecognizer) -> None:
    reference_path()
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        call = {"url": chat.url, "token": token, "sender": sender}
        greeting, streamed = await rasa_console(
            [{**call, "message": "Hallo"}, {**call, "message": "Hilfe", "stream": True}]
        )
        assert "willkommen" in texts(greeting).lower()
        assert {message["recipient_id"] for message in greeting + streamed} == {sender}
        assert streamed and all("text" in message for message in streamed)
        # the shell sends a pressed button's payload back as the message
        (pressed,) = await rasa_console([{**call, "message": payload_of(greeting, "Idee")}])
        assert "Datenschutz" in texts(pressed)


def shape(messages: Any) -> dict[str, str]:
    """What a front end relies on: the keys messages have, the type of each, and buttons
    of a title and a payload."""
    assert isinstance(messages, list) and messages
    kinds = {}
    for message in messages:
        for key, value in message.items():
            kinds[key] = type(value).__name__
        for button in message.get("buttons", []):
            assert sorted(button) == ["payload", "title"]
    return kinds


async def exchange(client: httpx.AsyncClient, body: dict[str, Any], stream: bool) -> Any:
    path = "/webhooks/rest/webhook" + ("?stream=true" if stream else "")
    answer = await client.post(path, json=body, headers=PORTAL)
    assert answer.status_code == 200, answer.text
    kind = answer.headers["content-type"].split(";")[0]
    if not stream:
        return kind, answer.json()
    assert answer.text.endswith("\n")
    lines = answer.text.splitlines()
    # both escape non-ASCII in streamed lines (json.dumps' defaults)
    assert all(line.isascii() for line in lines)
    return kind, [json.loads(line) for line in lines]


async def test_rasas_rest_channel_and_ours_answer_alike(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    requests: list[dict[str, Any]] = [
        {"sender": "anna@example.org", "message": "Hallo"},
        {"sender": "Jürgen Straße 🚲", "message": "Hallo"},
        {"sender": 4711, "message": "Hallo"},
        {"message": "Hallo"},
        {"sender": "anna@example.org", "message": '/choose{"value":"yes"}'},
    ]
    expected_recipients = ["anna@example.org", "Jürgen Straße 🚲", "4711", "default"]
    async with (
        rasa_rest_server() as rasa_url,
        running_chat(db_url, recognizer, web_chat_frontend_secret=FRONT_END) as chat,
        httpx.AsyncClient(base_url=rasa_url, timeout=30) as rasa,
        chat.client() as ours,
    ):
        for path in ("/webhooks/rest", "/webhooks/rest/"):
            theirs, mine = await rasa.get(path), await ours.get(path)
            assert (mine.status_code, mine.json()) == (theirs.status_code, theirs.json())
        for position, body in enumerate(requests):
            for stream in (False, True):
                their_kind, their_messages = await exchange(rasa, body, stream)
                my_kind, my_messages = await exchange(ours, body, stream)
                assert my_kind == their_kind, (body, stream)
                assert shape(my_messages) == shape(their_messages), (body, stream)
                if position < len(expected_recipients):
                    recipients = {message["recipient_id"] for message in my_messages}
                    their_recipients = {message["recipient_id"] for message in their_messages}
                    assert recipients == their_recipients == {expected_recipients[position]}
