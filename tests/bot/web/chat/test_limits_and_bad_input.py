"""What the chat API does with floods, oversized and broken requests, and foreign sites."""

from __future__ import annotations

from pathlib import Path

from nlu.types import IntentRecognizer
from tests.bot.web.chat.chat_server import running_chat

SITE = "http://town.example:8000"


async def test_a_flood_from_one_session_is_slowed_down_kindly(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        running_chat(sqlite_url, recognizer, web_chat_rate_per_session=6) as chat,
        chat.client() as client,
    ):
        codes = []
        for _ in range(4):  # a burst of three passes, the fourth is one too many
            response = await client.post(
                "/webhooks/rest/webhook", json={"sender": "fast", "message": "Hallo"}
            )
            codes.append(response.status_code)
        assert codes == [200, 200, 200, 429]
        assert int(response.headers["retry-after"]) >= 1
        [message] = response.json()
        assert message["recipient_id"] == "fast"
        assert "sehr schnell" in message["text"] and "noch einmal" in message["text"]
        other = await client.post(
            "/webhooks/rest/webhook",
            json={"sender": "calm", "message": "Hi", "metadata": {"language": "en"}},
        )
        assert other.status_code == 200


async def test_a_flood_from_one_address_is_slowed_down_across_sessions(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        running_chat(sqlite_url, recognizer, web_chat_rate_per_address=6) as chat,
        chat.client() as client,
    ):
        codes = []
        for number in range(4):
            response = await client.post(
                "/webhooks/rest/webhook",
                json={"sender": f"s{number}", "message": "Hi", "metadata": {"language": "en"}},
            )
            codes.append(response.status_code)
        assert codes[-1] == 429
        assert "very quickly" in response.json()[0]["text"]


async def test_oversized_garbage_and_empty_messages_get_clear_answers(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(sqlite_url, recognizer) as chat, chat.client() as client:
        long = await client.post(
            "/webhooks/rest/webhook", json={"sender": "long", "message": "a" * 10_000}
        )
        assert long.status_code == 413
        assert "zu lang" in long.json()[0]["text"] and "2000" in long.json()[0]["text"]

        huge = await client.post(
            "/webhooks/rest/webhook",
            content=b'{"sender": "x", "message": "' + b"a" * 100_000 + b'"}',
        )
        assert huge.status_code == 413 and "too large" in huge.json()["error"]

        for body, problem in (
            (b"\xff\xfe garbage", "expected JSON"),
            (b"[1, 2]", "JSON object"),
            (b'{"sender": "", "message": "Hallo"}', "sender"),
            (b'{"sender": "a b", "message": "Hallo"}', "sender"),
            (b'{"sender": "ok", "message": 42}', "message must be a string"),
            (b'{"sender": "ok", "message": "Hi", "metadata": []}', "metadata"),
        ):
            response = await client.post("/webhooks/rest/webhook", content=body)
            assert response.status_code == 400, body
            assert problem in response.json()["error"]

        empty = await client.post(
            "/webhooks/rest/webhook", json={"sender": "quiet", "message": "   "}
        )
        assert empty.status_code == 200 and "leer" in empty.json()[0]["text"]

        script = "<script>alert(1)</script>"
        answered = await client.post(
            "/webhooks/rest/webhook", json={"sender": "curious", "message": script}
        )
        assert answered.status_code == 200
        assert answered.headers["content-type"] == "application/json"
        assert all(message["text"] for message in answered.json())


async def test_only_the_configured_sites_and_the_server_itself_may_use_the_chat(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with (
        running_chat(
            sqlite_url, recognizer, web_chat_origins=f"{SITE}/, https://other.example"
        ) as chat,
        chat.client() as client,
    ):
        allowed = await client.post(
            "/webhooks/rest/webhook",
            json={"sender": "site", "message": "Hallo"},
            headers={"Origin": SITE},
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == SITE

        preflight = await client.options(
            "/webhooks/rest/webhook",
            headers={"Origin": SITE, "Access-Control-Request-Method": "POST"},
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
            ("GET", "/webhooks/rest/events?sender=a&token=b"),
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
        odd = await client.get("/chat?lang=<script>")
        assert "<script>" not in odd.text.split("<body>")[0]
