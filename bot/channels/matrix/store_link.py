"""What the Matrix channel asks of the store; the wiring hands it over, so the channel
imports no storage (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MessageDeleted:
    """A citizen deleted (redacted) a message of theirs: its text is to be forgotten."""

    channel: str
    chat: str
    user_key: str
    text: str


@dataclass(frozen=True)
class StoreLink:
    # forget a deleted message's text; True when the store held it (the citizen is told)
    forget_message: Callable[[MessageDeleted], Awaitable[bool]]
    # whether a room still is some citizen's chat (False once that citizen was erased)
    room_in_use: Callable[[str], Awaitable[bool]]
