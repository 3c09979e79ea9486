"""Telegram's flood waits (429): the chat it named waits, unless the bot as a whole must.

A 429 names no scope. Telegram limits each chat (about one message a second, twenty a
minute in a group) and the bot as a whole (about thirty a second). A wait for one chat
holds back only that chat; flood waits in several chats at once mean the bot's own limit,
and then every chat waits.
"""

from __future__ import annotations

from collections.abc import Callable

# flood waits running in this many chats at the same time: the bot as a whole is limited
BOT_WIDE_CHATS = 3


class FloodWaits:
    """When each chat (and the bot as a whole) may be sent to again, by a monotonic clock."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._chats: dict[int, float] = {}  # chat → when its flood wait ends
        self._bot_until = 0.0

    def remaining(self, chat_id: int) -> tuple[float, bool]:
        """Seconds this chat must still wait, and whether the wait is the whole bot's."""
        now = self._clock()
        chat = self._chats.get(chat_id, 0.0) - now
        if chat <= 0:
            self._chats.pop(chat_id, None)
        bot = self._bot_until - now
        if bot > 0 and bot >= chat:
            return bot, True
        return max(0.0, chat), False

    def note(self, chat_id: int, seconds: float) -> bool:
        """Record Telegram's wait for this chat; True when it holds for the whole bot."""
        now = self._clock()
        self._chats[chat_id] = now + seconds
        for chat in [chat for chat, until in self._chats.items() if until <= now]:
            del self._chats[chat]
        if len(self._chats) < BOT_WIDE_CHATS:
            return False
        self._bot_until = max(self._bot_until, now + seconds)
        return True
