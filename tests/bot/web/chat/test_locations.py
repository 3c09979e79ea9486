"""The web chat's shared position over real HTTP: the place question says it takes one, a
body with `location` answers it, and nonsense is refused with a clear message."""

from __future__ import annotations

from typing import Any

import httpx

from nlu.types import IntentRecognizer
from tests.bot.web.chat.chat_server import running_chat
from tests.bot.web.chat.rest_client import new_session, payload_of, say, texts


async def located(
    client: httpx.AsyncClient, sender: str, token: str, location: Any, message: str = ""
) -> httpx.Response:
    return await client.post(
        "/webhooks/rest/webhook",
        json={
            "sender": sender,
            "message": message,
            "metadata": {"token": token},
            "location": location,
        },
    )


async def test_a_browser_position_answers_the_place_question(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        await say(client, sender, token, "/melden")
        category = await say(client, sender, token, "Schlagloch!")
        asked = await say(client, sender, token, payload_of(category, "Ja"))
        assert "Wo ist das" in texts(asked)
        assert asked[-1]["custom"]["accepts"] == ["location"]

        answer = await located(client, sender, token, {"latitude": 52.52012, "longitude": 13.40495})
        assert answer.status_code == 200, answer.text
        assert "Möchten Sie ein Foto schicken" in texts(answer.json())
        summary = await say(client, sender, token, payload_of(answer.json(), "Überspringen"))
        assert "📍 Position 52.52012, 13.40495" in texts(summary)
        assert "custom" not in summary[-1]  # the summary asks no place


async def test_a_position_where_none_is_asked_for_gets_a_polite_answer(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        await say(client, sender, token, "Hallo")
        answer = await located(client, sender, token, {"latitude": 52.5, "longitude": 13.4})
        assert answer.status_code == 200, answer.text
        assert "einen Standort brauche ich gerade nicht" in texts(answer.json())


async def test_a_nonsense_position_is_refused_with_a_clear_message(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        for nonsense in (
            {"latitude": 91, "longitude": 13.4},
            {"latitude": 52.5, "longitude": -180.5},
            {"latitude": "52.5", "longitude": 13.4},
            {"latitude": True, "longitude": 13.4},
            {"latitude": 52.5},
            [52.5, 13.4],
        ):
            answer = await located(client, sender, token, nonsense)
            assert answer.status_code == 400, nonsense
            assert "latitude from -90 to 90" in answer.json()["error"]
