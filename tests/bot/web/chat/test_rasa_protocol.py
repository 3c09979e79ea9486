"""The REST channel speaks Rasa's protocol as Rasa does: streamed answers, "/intent{json}"
payloads and /restart, sender ids of any kind, the health check with and without "/"."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from nlu.types import IntentRecognizer
from storage.models.core import Conversation
from tests.bot.web.chat.chat_server import ChatServer, running_chat
from tests.bot.web.chat.rest_client import new_session, payload_of, post, say, texts

FRONT_END = "shared-secret-of-the-town-portal"
PORTAL = {"Authorization": f"Bearer {FRONT_END}"}


async def streamed(
    client: httpx.AsyncClient, body: dict[str, Any], params: str = "stream=true"
) -> tuple[httpx.Response, list[dict[str, Any]]]:
    response = await client.post(f"/webhooks/rest/webhook?{params}", json=body)
    lines = response.text.splitlines()
    return response, [json.loads(line) for line in lines if line]


async def test_a_streamed_answer_is_one_json_message_per_line_as_rasa_writes_it(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        plain, token_plain = await new_session(client)
        stream, token_stream = await new_session(client)
        listed = await say(client, plain, token_plain, "Hallo")
        response, lines = await streamed(
            client, {"sender": stream, "message": "Hallo", "metadata": {"token": token_stream}}
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.text.endswith("\n") and "data:" not in response.text
        # Rasa writes each line with json.dumps' defaults: non-ASCII escaped
        assert "ü" not in response.text and "\\u00fc" in response.text.lower()
        assert [{**line, "recipient_id": plain} for line in lines] == listed
        assert all(line["recipient_id"] == stream for line in lines)

        # only "true" asks for a stream, as Rasa reads the argument
        body = {"sender": plain, "message": "Hilfe", "metadata": {"token": token_plain}}
        response = await client.post("/webhooks/rest/webhook?stream=1", json=body)
        assert response.headers["content-type"] == "application/json"
        assert isinstance(response.json(), list)
        # what the route answers itself comes in the same framing
        response, lines = await streamed(
            client, {"sender": plain, "message": "  ", "metadata": {"token": token_plain}}
        )
        assert response.status_code == 200 and "leer" in lines[0]["text"]


async def test_intent_payloads_as_rasa_buttons_send_them(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        assert "willkommen" in texts(await say(client, sender, token, "/greet")).lower()
        consent = await say(client, sender, token, "/propose_idea")
        assert "Datenschutz" in texts(consent)
        # an intent at a yes/no question: Rasa's usual yes button
        assert "Wie soll sie heißen" in texts(await say(client, sender, token, "/affirm"))
        # the citizen's own words where the bot waits for them are still theirs
        described = await say(client, sender, token, "Trinkbrunnen am Markt")
        assert "Beschreiben Sie Ihre Idee" in texts(described)

        other, other_token = await new_session(client)
        await say(client, other, other_token, "Hallo")
        # an intent the bot does not know: the "not understood" answer and the menu
        unknown = await say(client, other, other_token, '/order_pizza{"size": "xl"}')
        assert "nicht verstanden" in texts(unknown)
        assert unknown[-1]["buttons"]
        # our own commands stay commands, our buttons stay buttons
        assert "Den Befehl /pizza kenne ich nicht" in texts(
            await say(client, other, other_token, "/pizza")
        )
        menu = await say(client, other, other_token, "/hilfe")
        assert payload_of(menu, "Idee").startswith('/choose{"value":')
        # with a confidence and entities, as Rasa's syntax allows
        asked = await say(client, other, other_token, '/ask_question@0.9{"topic": "verkehr"}')
        assert "Was möchten Sie die Verwaltung fragen" in texts(asked)


async def conversation_of(chat: ChatServer, sender: str) -> dict[str, Any]:
    async with chat.app.sessions() as session:
        row = await session.scalar(select(Conversation).where(Conversation.chat == sender))
        assert row is not None
        return {"flow_id": row.flow_id, "state": row.state}


async def test_restart_starts_the_conversation_over_and_keeps_what_was_given(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        await say(client, sender, token, "Hallo")
        consent = await say(client, sender, token, "ich habe eine idee")
        asked = await say(client, sender, token, payload_of(consent, "einverstanden"))
        assert "Wie soll sie heißen" in texts(asked)
        assert (await conversation_of(chat, sender))["flow_id"] == "propose_idea"

        described = await say(client, sender, token, "Trinkbrunnen am Markt")
        assert "Beschreiben Sie Ihre Idee" in texts(described)
        assert (await conversation_of(chat, sender))["state"]["slots"]

        restarted = await say(client, sender, token, "/restart")
        assert "willkommen" in texts(restarted).lower()
        assert restarted[-1]["buttons"]
        state = await conversation_of(chat, sender)
        assert state["flow_id"] is None and not state["state"]["slots"]
        # the consent given before the restart is kept: the idea starts with its title
        again = await say(client, sender, token, "/propose_idea")
        assert "Wie soll sie heißen" in texts(again)


async def test_sender_ids_as_rasa_accepts_them_each_with_its_proof(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        running_chat(db_url, recognizer, web_chat_frontend_secret=FRONT_END) as chat,
        chat.client() as client,
    ):
        for sender, recipient in (
            ("Jürgen Straße 🚲", "Jürgen Straße 🚲"),
            ("市民 42", "市民 42"),
            (4711, "4711"),
            (None, "default"),
        ):
            body: dict[str, Any] = {"message": "Hallo"}
            if sender is not None:
                body["sender"] = sender
            answer = await client.post("/webhooks/rest/webhook", json=body, headers=PORTAL)
            assert answer.status_code == 200, answer.text
            assert {message["recipient_id"] for message in answer.json()} == {recipient}
            # the same id without the portal's secret: no conversation
            refused = await client.post("/webhooks/rest/webhook", json=body)
            assert refused.status_code == 401

        for bad in ("", "x" * 129, "tab\there", [1], {"id": 1}, True, 4.5):
            answer = await client.post(
                "/webhooks/rest/webhook", json={"sender": bad, "message": "Hallo"}, headers=PORTAL
            )
            assert answer.status_code == 400, bad
            assert "sender" in answer.json()["error"]


async def test_rasas_shell_sends_its_token_in_the_address(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        running_chat(db_url, recognizer, web_chat_frontend_secret=FRONT_END) as chat,
        chat.client() as client,
    ):
        sender, token = await new_session(client)
        body = {"sender": sender, "message": "Hallo"}
        answer = await client.post("/webhooks/rest/webhook", params={"token": token}, json=body)
        assert answer.status_code == 200
        # there it is the session's own token only: the portal's secret never goes in a URL
        for wrong in (FRONT_END, token[:-1]):
            refused = await client.post(
                "/webhooks/rest/webhook", params={"token": wrong}, json={**body, "sender": "x"}
            )
            assert refused.status_code == 401
        assert (await post(client, sender, None, "Hallo")).status_code == 401


async def test_the_health_check_answers_with_and_without_the_slash(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        for path in ("/webhooks/rest", "/webhooks/rest/"):
            answer = await client.get(path)
            assert answer.status_code == 200
            assert answer.json() == {"status": "ok"}
