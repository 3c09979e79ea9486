"""How fast the bot may send per channel and per chat, so platforms do not throttle it.

Token buckets that hand out send times instead of sleeping themselves: the caller waits,
so tests drive them with a clock of their own. A send time is reserved at once, which
keeps many chats served side by side from overrunning the channel's pace together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.config import Settings

Clock = Callable[[], float]  # seconds, monotonic
# chat buckets idle this long are full again and can be forgotten
_CHAT_MEMORY = 60.0


@dataclass(frozen=True)
class Pace:
    """Sends per second over the whole channel and into one chat; None: no limit."""

    rate: float | None
    burst: int = 1
    per_chat: float | None = None
    per_chat_burst: int = 1


class TokenBucket:
    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = float(max(1, burst))
        self._tokens = self.burst
        self._at = now  # the moment _tokens refers to; later than now while paused
        self._paused_until = now

    def reserve(self, now: float) -> float:
        """Take the next send time; returns the seconds to wait for it (0: send now)."""
        start = max(now, self._paused_until)
        if start > self._at:
            self._tokens = min(self.burst, self._tokens + (start - self._at) * self.rate)
            self._at = start
        self._tokens -= 1
        ready = self._at + (-self._tokens / self.rate if self._tokens < 0 else 0.0)
        return max(0.0, ready - now)

    def pause_until(self, until: float) -> None:
        self._paused_until = max(self._paused_until, until)

    def idle_since(self, now: float) -> bool:
        return self._tokens >= self.burst or now - self._at > _CHAT_MEMORY


class RateLimits:
    """The paces of every channel; a channel without one is not limited."""

    def __init__(self, paces: Mapping[str, Pace], clock: Clock = time.monotonic) -> None:
        self._paces = dict(paces)
        self._clock = clock
        now = clock()
        self._channels = {
            channel: TokenBucket(pace.rate, pace.burst, now)
            for channel, pace in self._paces.items()
            if pace.rate
        }
        self._chats: dict[tuple[str, str], TokenBucket] = {}

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = time.monotonic) -> RateLimits:
        return cls(paces_from_settings(settings), clock)

    def chat_turn(self, channel: str, address: str) -> float:
        """Seconds until this chat may get its next message. Wait for it before asking for
        `channel_turn`, so a chat that has to wait does not hold a channel slot meanwhile."""
        pace = self._paces.get(channel)
        if pace is None or not pace.per_chat:
            return 0.0
        now = self._clock()
        chat = (channel, address)
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) > 10_000:
                self._forget_idle_chats(now)
            bucket = self._chats[chat] = TokenBucket(pace.per_chat, pace.per_chat_burst, now)
        return bucket.reserve(now)

    def channel_turn(self, channel: str) -> float:
        """Seconds until the channel's next free slot, which is taken for the caller."""
        bucket = self._channels.get(channel)
        return 0.0 if bucket is None else bucket.reserve(self._clock())

    def share_with(self, workers: int) -> None:
        """Several processes send for one bot: each keeps its part of the channel's pace."""
        for channel, bucket in self._channels.items():
            rate = self._paces[channel].rate
            if rate:
                bucket.rate = rate / max(1, workers)

    def pause(self, channel: str, seconds: float) -> None:
        """The platform asked the whole bot to slow down (a 429 with retry_after)."""
        bucket = self._channels.get(channel)
        if bucket is not None:
            bucket.pause_until(self._clock() + seconds)

    def _forget_idle_chats(self, now: float) -> None:
        for chat in [chat for chat, bucket in self._chats.items() if bucket.idle_since(now)]:
            del self._chats[chat]


def _limit(value: float) -> float | None:
    return value if value > 0 else None


def paces_from_settings(settings: Settings) -> dict[str, Pace]:
    return {
        "telegram": Pace(
            _limit(settings.telegram_rate),
            burst=settings.telegram_burst,
            per_chat=_limit(settings.telegram_rate_per_chat),
            per_chat_burst=settings.telegram_burst_per_chat,
        ),
        "matrix": Pace(_limit(settings.matrix_rate), burst=settings.matrix_burst),
    }
