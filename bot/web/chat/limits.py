"""How much one session and one network address may send, and what they hear when it is too much."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_BODY_BYTES = 64 * 1024  # a message of the longest allowed text, with room for metadata
MAX_JSON_DEPTH = 32  # a message nests two levels; Rasa front ends may add some metadata
MAX_STREAMS_PER_SESSION = 4  # tabs of one session listening at the same time
_PRUNE_ABOVE = 50_000  # buckets kept before idle ones are forgotten

TOO_FAST = {
    "de": "Sie schreiben gerade sehr schnell. Bitte warten Sie einen Moment "
    "und senden Sie Ihre Nachricht dann noch einmal.",
    "en": "You are writing very quickly. Please wait a moment, then send your message again.",
}
TOO_LONG = {
    "de": "Ihre Nachricht ist leider zu lang (höchstens {limit} Zeichen). "
    "Bitte kürzen Sie sie oder schicken Sie sie in mehreren Teilen.",
    "en": "Sorry, your message is too long (at most {limit} characters). "
    "Please shorten it or send it in several parts.",
}
EMPTY = {
    "de": "Ihre Nachricht war leer. Schreiben Sie einfach, was Sie möchten, "
    "oder „Menü“ für alle Möglichkeiten.",
    "en": 'Your message was empty. Just write what you would like, or "menu" to see '
    "everything I can do.",
}


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per key: short bursts pass, a steady flood is slowed to `per_minute`."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60.0
        # a citizen clicking through a few buttons quickly must not be stopped
        self._capacity = float(max(3, per_minute // 3))
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def allow(self, key: str) -> bool:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) > _PRUNE_ABOVE:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(self._capacity, now)
        bucket.tokens = min(self._capacity, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def seconds_until_allowed(self, key: str) -> float:
        bucket = self._buckets.get(key)
        if bucket is None or bucket.tokens >= 1 or self._rate <= 0:
            return 0.0
        return (1 - bucket.tokens) / self._rate

    def _prune(self, now: float) -> None:
        """Forget keys whose bucket has refilled: they behave like new ones anyway."""
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if bucket.tokens + (now - bucket.updated) * self._rate < self._capacity
        }


class StreamSlots:
    """Open event streams per session and per network address.

    A slot is taken in the request's handler, before anything is awaited, and given back
    when the response ends, so requests arriving together cannot all pass the count.
    """

    def __init__(self, per_session: int, per_address: int) -> None:
        self._limits = (per_session, per_address)
        self._open: tuple[dict[str, int], dict[str, int]] = ({}, {})

    def take(self, session: str, address: str) -> bool:
        keys = (session, address)
        if any(
            counts.get(key, 0) >= limit
            for counts, key, limit in zip(self._open, keys, self._limits, strict=True)
        ):
            return False
        for counts, key in zip(self._open, keys, strict=True):
            counts[key] = counts.get(key, 0) + 1
        return True

    def give_back(self, session: str, address: str) -> None:
        for counts, key in zip(self._open, (session, address), strict=True):
            left = counts.get(key, 0) - 1
            if left > 0:
                counts[key] = left
            else:
                counts.pop(key, None)

    def open(self, session: str) -> int:
        return self._open[0].get(session, 0)
