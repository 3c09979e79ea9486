"""Recognition through a Rasa 3 server (`rasa run --enable-api`, `POST /model/parse`).

When the server is down, slow or answers with an error, the message goes to the fallback
recogniser (the embedded model) and the server is left alone for `retry_after` seconds, so
one dead server does not add its timeout to every message. Entities found locally (topics
taught with `set_lookup`, idea and question references) are added to Rasa's own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import aiohttp

from nlu.entity_finder import EntityFinder
from nlu.language import detect_language
from nlu.normalize import MAX_CHARS
from nlu.types import FALLBACK_INTENT, INTENTS, Entity, IntentRecognizer, NluResult

log = logging.getLogger(__name__)
DEFAULT_URL = "http://127.0.0.1:5005"
RETRY_AFTER = 30.0


class RasaUnavailable(Exception):
    """The Rasa server did not give a usable answer."""


class RasaHttpRecognizer:
    """The IntentRecognizer over Rasa's HTTP API. `parse` never raises."""

    def __init__(
        self,
        url: str,
        finder: EntityFinder,
        fallback: IntentRecognizer | None = None,
        timeout: float = 2.0,
        threshold: float = 0.3,
        retry_after: float = RETRY_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url.rstrip("/") + "/model/parse"
        self.finder = finder
        self.fallback = fallback
        self.timeout = timeout
        self.threshold = threshold
        self.retry_after = retry_after
        self._clock = clock
        self._down_until = 0.0
        self._session: aiohttp.ClientSession | None = None

    async def parse(self, text: str, language: str | None = None) -> NluResult:
        """Ask the server; on any failure answer from the fallback."""
        text = str(text)
        if not text.strip():
            return NluResult(text, FALLBACK_INTENT, 0.0, language=None)
        if self._clock() >= self._down_until:
            try:
                answer = await self._ask(text[:MAX_CHARS])
                return self._result(text, answer)
            except RasaUnavailable as problem:
                self._down_until = self._clock() + self.retry_after
                log.warning("Rasa server %s unusable (%s); using the fallback", self.url, problem)
        return await self._fallback(text, language)

    def set_lookup(self, entity: str, values: Mapping[str, Sequence[str]]) -> None:
        """Teach entity values from the database; used for local entity matching."""
        self.finder = self.finder.with_lookup(entity, values)
        if self.fallback is not None:
            self.fallback.set_lookup(entity, values)

    async def close(self) -> None:
        """Close the HTTP connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _ask(self, text: str) -> Mapping[str, Any]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        try:
            async with self._session.post(self.url, json={"text": text}) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"HTTP {response.status}")
                answer = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise RasaUnavailable(type(error).__name__) from error
        if not isinstance(answer, dict) or not isinstance(answer.get("intent"), dict):
            raise RasaUnavailable("answer without 'intent'")
        return answer

    def _result(self, text: str, answer: Mapping[str, Any]) -> NluResult:
        intent = answer["intent"]
        name = str(intent.get("name") or FALLBACK_INTENT)
        confidence = _number(intent.get("confidence"))
        if name not in INTENTS or confidence < self.threshold:
            name = FALLBACK_INTENT
        ranking = tuple(
            (str(item.get("name")), round(_number(item.get("confidence")), 4))
            for item in answer.get("intent_ranking") or ()
            if isinstance(item, dict)
        )
        entities = _merge(self.finder.find(text), _rasa_entities(text, answer))
        return NluResult(
            text, name, round(confidence, 4), entities, detect_language(text), ranking[:5]
        )

    async def _fallback(self, text: str, language: str | None) -> NluResult:
        if self.fallback is not None:
            return await self.fallback.parse(text, language)
        return NluResult(text, FALLBACK_INTENT, 0.0, self.finder.find(text), detect_language(text))


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _rasa_entities(text: str, answer: Mapping[str, Any]) -> list[Entity]:
    found: list[Entity] = []
    for item in answer.get("entities") or ():
        if not isinstance(item, dict) or not isinstance(item.get("entity"), str):
            continue
        start = int(_number(item.get("start")))
        end = max(int(_number(item.get("end"))), start)
        confidence = item.get("confidence_entity", 1.0)
        found.append(
            Entity(
                entity=item["entity"],
                value=str(item.get("value", text[start:end])),
                text=text[start:end],
                start=start,
                end=end,
                confidence=_number(confidence) if confidence is not None else 1.0,
            )
        )
    return found


def _merge(local: Sequence[Entity], remote: Sequence[Entity]) -> tuple[Entity, ...]:
    """Local matches win where both found the same kind of entity at overlapping places."""
    merged = list(local)
    for entity in remote:
        overlaps = any(
            other.entity == entity.entity and other.start < entity.end and entity.start < other.end
            for other in local
        )
        if not overlaps:
            merged.append(entity)
    return tuple(sorted(merged, key=lambda e: (e.start, -e.end, e.entity)))
