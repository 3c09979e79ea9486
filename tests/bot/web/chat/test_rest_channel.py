"""The REST channel over real HTTP: Rasa's message format, buttons, tokens, later messages by
Server-Sent Events."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select

from bot.channels.web import WebChannel
from nlu.types import IntentRecognizer
from storage.citizens import record_consent
from storage.identities import resolve_citizen
from storage.models.core import Conversation
from tests.bot.web.chat.chat_server import ChatServer, running_chat
from tests.bot.web.chat.rest_client import (
    new_session,
    next_event,
    payload_of,
    post,
    say,
    sse_events,
    stream_ticket,
    texts,
)

FRONT_END = "shared-secret-of-the-town-portal"


async def test_rasa_format_and_buttons_pressed_by_payload(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    """A trusted Rasa front end (it signs its users in itself) chooses its own sender ids."""
    async with (
        running_chat(db_url, recognizer, web_chat_frontend_secret=FRONT_END) as chat,
        chat.client(headers={"Authorization": f"Bearer {FRONT_END}"}) as client,
    ):
        greeting = await say(client, "rasa-tool-1", None, "Hallo")
        assert greeting[0]["recipient_id"] == "rasa-tool-1"
        assert "willkommen" in greeting[0]["text"].lower()
        buttons = [button for message in greeting for button in message.get("buttons", [])]
        assert buttons and all(set(button) == {"title", "payload"} for button in buttons)
        # Rasa's own "/intent{json}" syntax: a payload nobody types by accident
        assert all(button["payload"].startswith('/choose{"value":') for button in buttons)

        consent = await say(client, "rasa-tool-1", None, payload_of(greeting, "Idee vorschlagen"))
        assert "Datenschutz" in texts(consent)
        asked = await say(client, "rasa-tool-1", None, payload_of(consent, "einverstanden"))
        assert "Wie soll sie heißen" in texts(asked)
        status = await client.get("/webhooks/rest/")
        assert status.json() == {"status": "ok"}


async def rows_of(chat: ChatServer, sender: str) -> tuple[bool, int]:
    """Whether the store knows this web chat, and how many conversations it keeps for it."""
    async with chat.app.sessions() as session:
        conversations = await session.scalar(
            select(func.count()).select_from(Conversation).where(Conversation.chat == sender)
        )
    return sender in await chat.web_senders(), int(conversations or 0)


async def test_the_erasure_button_erases_and_a_typed_yes_does_not(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        await say(client, sender, token, "Hallo")
        asked = await say(client, sender, token, "/loeschen")
        assert "wirklich alle Ihre Daten löschen" in texts(asked)

        # "yes" typed is text, even though the yes button's value is "yes"
        typed = await say(client, sender, token, "yes")
        assert "Zur Sicherheit" in texts(typed)
        assert await rows_of(chat, sender) == (True, 1)

        erased = await say(client, sender, token, payload_of(typed, "Ja, alles löschen"))
        assert "Ihre Daten sind gelöscht" in texts(erased)
        assert await rows_of(chat, sender) == (False, 0)


async def test_a_sender_without_its_token_reaches_no_ones_data(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    """A chat can export and erase a person's data, so no sender talks without proof."""
    anna = "anna.schmidt@example.org"  # an id a trusted front end chose: easy to guess
    async with (
        running_chat(db_url, recognizer, web_chat_frontend_secret=FRONT_END) as chat,
        chat.client() as client,
    ):
        async with chat.app.sessions() as session, session.begin():
            citizen_id, _ = await resolve_citizen(
                session, "web", anna, anna, "de", datetime.now(UTC)
            )
            await record_consent(session, citizen_id, "2026-11", "web", datetime.now(UTC))
        _, own_token = await new_session(client)

        for token in (None, "", own_token, FRONT_END[:-1], "ä" * 43):
            for command in ("/daten", "/loeschen", "was ist aus meinen beiträgen geworden"):
                refused = await post(client, anna, token, command)
                assert refused.status_code == 401, (token, command)
                assert "token" in refused.json()["error"]
                assert "citizen" not in refused.text
        assert await rows_of(chat, anna) == (True, 0)

        # the portal itself, with the operator's shared secret, speaks for its users
        portal = {"Authorization": f"Bearer {FRONT_END}"}
        export = await client.post(
            "/webhooks/rest/webhook", json={"sender": anna, "message": "/daten"}, headers=portal
        )
        assert export.status_code == 200
        attachment = json.loads(export.json()[-1]["custom"]["attachment"]["content"])
        assert attachment["citizen"]["id"] == citizen_id

    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        # without a trusted front end, an id of one's own choosing gets no conversation
        refused = await post(client, "someone-else", None, "Hallo")
        assert refused.status_code == 401
        assert "POST /webhooks/rest/session" in refused.json()["error"]


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
        other_ticket = await stream_ticket(client, other, other_token)
        for params in (
            {"sender": sender, "ticket": other_ticket},
            {"sender": sender, "ticket": "9999999999.x"},
            {"sender": sender},
        ):
            refused = await client.get("/webhooks/rest/events", params=params)
            assert refused.status_code == 401
        for wrong in (other_token, "x" * 43, 17):
            ticket = await client.post(
                "/webhooks/rest/events/ticket", json={"sender": sender, "token": wrong}
            )
            assert ticket.status_code == 401
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


async def test_the_token_never_travels_in_the_stream_address(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(sqlite_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        in_url = await client.get(
            "/webhooks/rest/events", params={"sender": sender, "token": token}
        )
        assert in_url.status_code == 400 and "ticket" in in_url.json()["error"]

        # a tool may send the token as a header instead of a ticket
        async with client.stream(
            "GET",
            "/webhooks/rest/events",
            params={"sender": sender},
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            assert response.status_code == 200
            assert (await anext(response.aiter_lines())).startswith("retry:")

        ticket = await stream_ticket(client, sender, token)
        assert token not in ticket and json.dumps(token) not in ticket
