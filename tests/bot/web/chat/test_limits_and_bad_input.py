"""What the chat API does with floods, oversized, broken and hostile requests, and foreign
sites: a clear answer every time, never a server error, and nothing lost."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

from sqlalchemy import select

from nlu.types import IntentRecognizer
from storage.models.civic import Idea
from tests.bot.web.chat.chat_server import running_chat
from tests.bot.web.chat.rest_client import new_session, payload_of, post, say, stream_ticket

SITE = "http://town.example:8000"
FRONT_END = "shared-secret-of-the-town-portal"
PORTAL = {"Authorization": f"Bearer {FRONT_END}"}


async def test_a_flood_from_one_session_is_slowed_down_kindly(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        running_chat(sqlite_url, recognizer, web_chat_rate_per_session=6) as chat,
        chat.client() as client,
    ):
        sender, token = await new_session(client)
        codes = []
        for _ in range(4):  # a burst of three passes, the fourth is one too many
            response = await post(client, sender, token, "Hallo")
            codes.append(response.status_code)
        assert codes == [200, 200, 200, 429]
        assert int(response.headers["retry-after"]) >= 1
        [message] = response.json()
        assert message["recipient_id"] == sender
        assert "sehr schnell" in message["text"] and "noch einmal" in message["text"]
        calm, calm_token = await new_session(client)
        other = await post(client, calm, calm_token, "Hi", language="en")
        assert other.status_code == 200


async def test_a_flood_from_one_address_is_slowed_down_before_it_is_read(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        running_chat(
            sqlite_url, recognizer, web_chat_rate_per_address=6, web_chat_frontend_secret=FRONT_END
        ) as chat,
        chat.client(headers={**PORTAL, "Accept-Language": "en-GB,en;q=0.8"}) as client,
    ):
        codes = []
        for _ in range(3):  # garbage counts too: the address pays before parsing
            response = await client.post("/webhooks/rest/webhook", content=b"[" * 50_000)
            codes.append(response.status_code)
        response = await post(client, "s1", None, "Hi", language="en")
        codes.append(response.status_code)
        assert codes == [400, 400, 400, 429]
        assert "very quickly" in response.json()[0]["text"]
        assert int(response.headers["retry-after"]) >= 1


async def test_oversized_garbage_and_empty_messages_get_clear_answers(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        running_chat(sqlite_url, recognizer, web_chat_frontend_secret=FRONT_END) as chat,
        chat.client(headers=PORTAL) as client,
    ):
        long = await post(client, "long", None, "a" * 10_000)
        assert long.status_code == 413
        assert "zu lang" in long.json()[0]["text"] and "2000" in long.json()[0]["text"]

        huge = await client.post(
            "/webhooks/rest/webhook",
            content=b'{"sender": "x", "message": "' + b"a" * 100_000 + b'"}',
        )
        assert huge.status_code == 413 and "too large" in huge.json()["error"]

        deep_metadata = b'{"sender": "ok", "message": "Hi", "metadata": ' + b"[" * 40
        for body, problem in (
            (b"\xff\xfe garbage", "expected JSON"),
            (b"[1, 2]", "JSON object"),
            (b'{"sender": "", "message": "Hallo"}', "sender"),
            (b'{"sender": "a\\u0007b", "message": "Hallo"}', "sender"),
            (b'{"sender": ["a"], "message": "Hallo"}', "sender"),
            (b'{"sender": "ok", "message": 42}', "message must be a string"),
            (b'{"sender": "ok", "message": "Hi", "metadata": []}', "metadata"),
            (b"[" * 60_000, "nested too deeply"),
            (b'{"a":' * 5_000 + b"1" + b"}" * 5_000, "nested too deeply"),
            (deep_metadata + b"1" + b"]" * 40 + b"}", "nested too deeply"),
            (b'"\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["', "JSON object"),
        ):
            response = await client.post("/webhooks/rest/webhook", content=body)
            assert response.status_code == 400, body[:80]
            assert problem in response.json()["error"]

        empty = await post(client, "quiet", None, "   ")
        assert empty.status_code == 200 and "leer" in empty.json()[0]["text"]

        script = "<script>alert(1)</script>"
        answered = await post(client, "curious", None, script)
        assert answered.status_code == 200
        assert answered.headers["content-type"] == "application/json"
        assert all(message["text"] for message in answered.json())


async def test_broken_characters_in_an_idea_lose_nothing(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    """A lone UTF-16 half (valid JSON: "\\ud800") and NUL cannot be stored as they are:
    the idea is kept with "�" in place of the half and without the NUL."""
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)

        async def send(text: str) -> str:
            body = json.dumps({"sender": sender, "message": text, "metadata": {"token": token}})
            response = await client.post("/webhooks/rest/webhook", content=body.encode())
            assert response.status_code == 200, response.text
            return "\n".join(message["text"] for message in response.json())

        await send("Hallo")
        await send("ich habe eine idee")
        assert "Wie soll sie heißen" in await send("ja")
        assert "Beschreiben Sie Ihre Idee" in await send("Brunnen \ud800 am Markt\x00")
        asked = await say(
            client,
            sender,
            token,
            "Ein Trinkbrunnen\x00 am Marktplatz, für alle, die dort im Sommer einkaufen.",
        )
        topic = await say(client, sender, token, payload_of(asked, "Umwelt"))
        assert "bestimmten Ort" in "\n".join(message["text"] for message in topic)
        review = await send("Marktplatz\udfff")
        assert "Brunnen \ufffd am Markt" in review
        done = await say(client, sender, token, "einreichen")
        assert "eingereicht" in "\n".join(message["text"] for message in done)
        async with chat.app.sessions() as session:
            idea = await session.scalar(select(Idea).order_by(Idea.id.desc()))
        assert idea is not None
        assert idea.title == "Brunnen \ufffd am Markt"
        assert idea.description.startswith("Ein Trinkbrunnen am Marktplatz")
        assert idea.place == "Marktplatz\ufffd"


async def test_odd_headers_and_tokens_get_clear_answers(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(sqlite_url, recognizer) as chat, chat.client() as client:
        sender, token = await new_session(client)
        for headers in (
            {b"Authorization": "Bearer ääääää".encode()},
            {b"Authorization": b"Bearer \xff\xfe"},
        ):
            refused = await client.post(
                "/webhooks/rest/webhook",
                json={"sender": sender, "message": "Hallo"},
                headers=headers,
            )
            assert refused.status_code == 401
        ticket = await stream_ticket(client, sender, token)
        async with client.stream(
            "GET",
            "/webhooks/rest/events",
            params={"sender": sender, "ticket": ticket, "after": "²"},
            headers={b"Last-Event-ID": "¹²".encode()},
        ) as response:
            assert response.status_code == 200


async def test_event_streams_keep_their_limits_when_opened_at_once(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        running_chat(sqlite_url, recognizer, web_chat_streams_per_address=6) as chat,
        chat.client() as client,
    ):
        sessions = [await new_session(client) for _ in range(3)]
        tickets = {sender: await stream_ticket(client, sender, token) for sender, token in sessions}
        port = int(chat.url.rsplit(":", 1)[1])
        first = sessions[0][0]

        # ten pages of one session ask in the very same moment: four may listen
        pages = await open_streams(port, [(first, tickets[first])] * 10)
        assert sorted(status for status, _ in pages) == [200] * 4 + [429] * 6
        # the other two sessions from the same address: two more fit under its limit of six
        others = [(sender, tickets[sender]) for sender, _ in sessions[1:]]
        more = await open_streams(port, others * 3)
        assert sorted(status for status, _ in more) == [200] * 2 + [429] * 4

        # every slot is given back when its page goes
        for _, page in pages + more:
            page.close()
        for _ in range(3000):  # the server notices the closed connections shortly
            if chat.app.chat.streams.open(first) == 0:
                break
            await asyncio.sleep(0.01)
        again = await open_streams(port, [(first, tickets[first])] * 4)
        assert [status for status, _ in again] == [200] * 4
        for _, page in again:
            page.close()


async def open_streams(
    port: int, pages: list[tuple[str, str]]
) -> list[tuple[int, asyncio.StreamWriter]]:
    """Connect every page first, then send all their requests at once, so the server reads
    them together; returns each answer's status and the open connection."""
    connections = [await asyncio.open_connection("127.0.0.1", port) for _ in pages]
    for (sender, ticket), (_, writer) in zip(pages, connections, strict=True):
        writer.write(
            f"GET /webhooks/rest/events?sender={sender}&ticket={ticket} HTTP/1.1\r\n"
            "Host: 127.0.0.1\r\n\r\n".encode()
        )
    statuses = [await asyncio.wait_for(reader.readline(), timeout=30) for reader, _ in connections]
    return [
        (int(status.split()[1]), writer)
        for status, (_, writer) in zip(statuses, connections, strict=True)
    ]


async def test_slow_half_sent_and_huge_requests_are_cut_off(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(
        sqlite_url, recognizer, web_header_timeout=0.5, web_body_timeout=0.5
    ) as chat:
        port = int(chat.url.rsplit(":", 1)[1])
        for half, status in (
            (b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty", b"408"),
            (
                b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                b'{"sender": "x", "mess',
                b"408",
            ),
            (b"", b"408"),  # a connection that never says anything
            (
                b"GET /webhooks/rest/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 200_000,
                b"431",
            ),
        ):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(half)
            # the server closes the connection; waiting is bounded, the server is not
            answer = await asyncio.wait_for(reader.read(), timeout=30)
            assert answer.startswith(b"HTTP/1.1 " + status), (half[:80], answer)
            writer.close()

        # a kept-alive connection that only trickles line breaks is closed all the same
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /webhooks/rest/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert (await asyncio.wait_for(reader.readline(), 30)).startswith(b"HTTP/1.1 200")
        closed = False
        for _ in range(300):  # a slow client: a line break every tenth of a second
            writer.write(b"\r\n")
            await asyncio.sleep(0.1)
            if reader.at_eof() or writer.is_closing():
                closed = True
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(reader.read(65536), timeout=0.01)
        assert closed or reader.at_eof()
        writer.close()

        async with chat.client() as client:  # and the server still answers others
            sender, token = await new_session(client)
            assert await say(client, sender, token, "Hallo")


async def test_only_the_configured_sites_and_the_server_itself_may_use_the_chat(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        running_chat(
            sqlite_url, recognizer, web_chat_origins=f"{SITE}/, https://other.example"
        ) as chat,
        chat.client() as client,
    ):
        sender, token = await new_session(client)
        allowed = await client.post(
            "/webhooks/rest/webhook",
            json={"sender": sender, "message": "Hallo", "metadata": {"token": token}},
            headers={"Origin": SITE},
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == SITE

        for path in ("/webhooks/rest/webhook", "/webhooks/rest/events/ticket"):
            preflight = await client.options(
                path, headers={"Origin": SITE, "Access-Control-Request-Method": "POST"}
            )
            assert preflight.status_code == 204
            assert "POST" in preflight.headers["access-control-allow-methods"]
            assert "Content-Type" in preflight.headers["access-control-allow-headers"]

        own = await client.post("/webhooks/rest/session", headers={"Origin": chat.url})
        assert own.status_code == 200

        for method, path in (
            ("POST", "/webhooks/rest/webhook"),
            ("OPTIONS", "/webhooks/rest/webhook"),
            ("POST", "/webhooks/rest/session"),
            ("POST", "/webhooks/rest/events/ticket"),
            ("GET", "/webhooks/rest/events?sender=a&ticket=b"),
        ):
            refused = await client.request(
                method,
                path,
                json={"sender": "evil", "message": "Hallo"} if method == "POST" else None,
                headers={"Origin": "https://evil.example"},
            )
            assert refused.status_code == 403, path
            assert "access-control-allow-origin" not in refused.headers


async def test_the_page_and_the_widget_are_served_safely(
    sqlite_url: str, recognizer: IntentRecognizer, tmp_path: Path
) -> None:
    async with (
        running_chat(sqlite_url, recognizer, town="Beispielstadt") as chat,
        chat.client() as client,
    ):
        page = await client.get("/chat?lang=en")
        assert page.status_code == 200
        assert "Chat with Beispielstadt" in page.text and 'lang="en"' in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "set-cookie" not in page.headers
        script = await client.get("/widget.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert "innerHTML" not in script.text  # every text goes in as text
        assert "document.cookie" not in script.text
        assert "&token=" not in script.text  # the token never goes into a URL
        odd = await client.get("/chat?lang=<script>")
        assert "<script>" not in odd.text.split("<body>")[0]
