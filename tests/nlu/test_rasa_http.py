"""The Rasa backend against a fake server on 127.0.0.1 that answers like Rasa 3's HTTP API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from nlu.embedded import EmbeddedRecognizer
from nlu.factory import create_recognizer
from nlu.rasa_http import RasaHttpRecognizer
from nlu.types import FALLBACK_INTENT


@dataclass
class FakeRasa:
    """What the fake server answers next, and what it was asked."""

    mode: str = "ok"  # ok | error | slow | garbage
    intent: str = "propose_idea"
    confidence: float = 0.93
    asked: list[str] = field(default_factory=list)
    never: asyncio.Event = field(default_factory=asyncio.Event)

    async def parse(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.asked.append(body["text"])
        if self.mode == "error":
            return web.json_response({"version": "3.6.21", "status": "failure"}, status=500)
        if self.mode == "slow":
            await self.never.wait()  # the client gives up first
        if self.mode == "garbage":
            return web.Response(text="<html>gateway</html>", content_type="text/html")
        text = body["text"]
        start = text.find("Radweg")
        entities = []
        if start >= 0:
            entities.append(
                {
                    "entity": "topic",
                    "start": start,
                    "end": start + 6,
                    "confidence_entity": 0.9987,
                    "value": "verkehr",
                    "extractor": "DIETClassifier",
                    "processors": ["EntitySynonymMapper"],
                }
            )
        return web.json_response(
            {
                "text": text,
                "intent": {"name": self.intent, "confidence": self.confidence},
                "entities": entities,
                "text_tokens": [[0, len(text)]],
                "intent_ranking": [
                    {"name": self.intent, "confidence": self.confidence},
                    {"name": "ask_question", "confidence": round(1 - self.confidence, 4)},
                ],
            }
        )


@pytest.fixture
async def rasa() -> AsyncIterator[tuple[FakeRasa, str]]:
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/model/parse", fake.parse)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield fake, str(server.make_url("/")).rstrip("/")
    finally:
        fake.never.set()
        await server.close()


@pytest.fixture
def fallback(tiny_data: Path) -> EmbeddedRecognizer:
    return EmbeddedRecognizer([tiny_data])


def backend(
    url: str, fallback: EmbeddedRecognizer, timeout: float = 2.0, threshold: float = 0.35
) -> RasaHttpRecognizer:
    return RasaHttpRecognizer(
        url, fallback.loaded.finder, fallback=fallback, timeout=timeout, threshold=threshold
    )


async def test_answer_from_the_server(
    rasa: tuple[FakeRasa, str], fallback: EmbeddedRecognizer
) -> None:
    fake, url = rasa
    recognizer = backend(url, fallback)
    try:
        result = await recognizer.parse("Man sollte den Radweg verbreitern, siehe I-17")
    finally:
        await recognizer.close()
    assert fake.asked == ["Man sollte den Radweg verbreitern, siehe I-17"]
    assert (result.intent, result.confidence) == ("propose_idea", 0.93)
    assert result.ranking[:2] == (("propose_idea", 0.93), ("ask_question", 0.07))
    assert result.entity("topic") == "verkehr"
    assert result.entity("idea") == "I-17"  # found locally; Rasa knows no references
    assert [e.entity for e in result.entities].count("topic") == 1
    assert result.language == "de"


async def test_low_confidence_and_unknown_intents_become_fallback(
    rasa: tuple[FakeRasa, str], fallback: EmbeddedRecognizer
) -> None:
    fake, url = rasa
    recognizer = backend(url, fallback, threshold=0.5)
    try:
        fake.confidence = 0.31
        assert (await recognizer.parse("hmm")).intent == FALLBACK_INTENT
        fake.confidence, fake.intent = 0.99, "chitchat"
        assert (await recognizer.parse("hmm")).intent == FALLBACK_INTENT
    finally:
        await recognizer.close()


@pytest.mark.parametrize("mode", ["error", "slow", "garbage"])
async def test_failing_server_answers_from_the_embedded_model(
    rasa: tuple[FakeRasa, str],
    fallback: EmbeddedRecognizer,
    mode: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake, url = rasa
    fake.mode = mode
    recognizer = backend(url, fallback, timeout=0.2)
    try:
        result = await recognizer.parse("tschüss")
    finally:
        await recognizer.close()
    assert result.intent == "goodbye"
    assert fake.asked == ["tschüss"]
    assert "using the fallback" in caplog.text


async def test_server_down_answers_from_the_embedded_model(fallback: EmbeddedRecognizer) -> None:
    app = web.Application()
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    url = str(server.make_url("/"))
    await server.close()  # nothing listens there any more
    recognizer = backend(url, fallback)
    try:
        assert (await recognizer.parse("hallo")).intent == "greet"
    finally:
        await recognizer.close()


async def test_a_failed_server_is_left_alone_for_a_while(
    rasa: tuple[FakeRasa, str], fallback: EmbeddedRecognizer
) -> None:
    fake, url = rasa
    now = [100.0]
    recognizer = RasaHttpRecognizer(
        url, fallback.loaded.finder, fallback=fallback, retry_after=30.0, clock=lambda: now[0]
    )
    try:
        fake.mode = "error"
        await recognizer.parse("hallo")
        fake.mode = "ok"
        now[0] = 129.0
        assert (await recognizer.parse("hallo")).intent == "greet"  # from the fallback
        assert fake.asked == ["hallo"]
        now[0] = 130.5
        assert (await recognizer.parse("hallo")).intent == "propose_idea"  # the server again
        assert fake.asked == ["hallo", "hallo"]
    finally:
        await recognizer.close()


async def test_bad_input_never_reaches_the_server_as_an_error(
    rasa: tuple[FakeRasa, str], fallback: EmbeddedRecognizer
) -> None:
    fake, url = rasa
    recognizer = backend(url, fallback)
    try:
        assert (await recognizer.parse("")).intent == FALLBACK_INTENT
        await recognizer.parse("x" * 10_000)
        await recognizer.parse("\x00\x1b🍕")
    finally:
        await recognizer.close()
    assert len(fake.asked) == 2
    assert len(fake.asked[0]) < 10_000
    json.dumps(fake.asked)


async def test_set_lookup_reaches_local_matching(
    rasa: tuple[FakeRasa, str], fallback: EmbeddedRecognizer
) -> None:
    _, url = rasa
    recognizer = backend(url, fallback)
    recognizer.set_lookup("consultation", {"3": ["Spielplatz Lindenpark"]})
    try:
        result = await recognizer.parse("ich will beim Spielplatz Lindenpark mitmachen")
    finally:
        await recognizer.close()
    assert result.entity("consultation") == "3"
    assert fallback.parse_now("Spielplatz Lindenpark").entity("consultation") == "3"


async def test_factory_builds_the_rasa_backend(rasa: tuple[FakeRasa, str], tiny_data: Path) -> None:
    _, url = rasa
    recognizer = create_recognizer("rasa", [tiny_data], rasa_url=url, timeout=1.0)
    assert isinstance(recognizer, RasaHttpRecognizer)
    try:
        assert (await recognizer.parse("Radweg")).intent == "propose_idea"
    finally:
        await recognizer.close()
    with pytest.raises(ValueError, match="unknown NLU backend"):
        create_recognizer("watson", [tiny_data])
