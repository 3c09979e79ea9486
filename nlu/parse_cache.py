"""Recently recognised texts, so "Hallo", "danke" and "abbrechen" are parsed once a minute,
not once a message. A newly trained model takes over a cached text within the lifetime."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

from nlu.types import IntentRecognizer, NluResult

LIFETIME_SECONDS = 60.0
MAX_TEXTS = 20_000


class ParseCache:
    """Wraps a recogniser; the least recently used texts make room for new ones."""

    def __init__(
        self,
        recognizer: IntentRecognizer,
        *,
        lifetime: float = LIFETIME_SECONDS,
        size: int = MAX_TEXTS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._recognizer = recognizer
        self._lifetime = lifetime
        self._size = size
        self._monotonic = monotonic
        self._parses: OrderedDict[tuple[str, str], tuple[float, NluResult]] = OrderedDict()

    async def parse(self, text: str, language: str | None = None) -> NluResult:
        key = (text, language or "")
        now = self._monotonic()
        cached = self._parses.get(key)
        if cached is not None and now - cached[0] <= self._lifetime:
            self._parses.move_to_end(key)
            return cached[1]
        result = await self._recognizer.parse(text, language)
        self._parses[key] = (now, result)
        self._parses.move_to_end(key)
        if len(self._parses) > self._size:
            self._parses.popitem(last=False)
        return result

    def set_lookup(self, entity: str, values: Mapping[str, Sequence[str]]) -> None:
        self._recognizer.set_lookup(entity, values)

    async def close(self) -> None:
        await self._recognizer.close()
