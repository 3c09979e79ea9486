"""Channel-neutral messages: what adapters hand to the dispatcher and get back to send."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flows.types import Location, Photo, Reply
from nlu.types import NluResult

# a str can hold halves of UTF-16 pairs (JSON's "\ud800", bytes read with surrogateescape);
# neither UTF-8 nor the databases can store them
_LONE_SURROGATES = re.compile("[\ud800-\udfff]")
# NUL and the other control characters but tab and line breaks: PostgreSQL refuses NUL in
# text, and none of them means anything in a chat message
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    """A citizen's text as it can be stored and shown: lone surrogates become "�",
    control characters other than tabs and line breaks are dropped."""
    if text.isascii() and text.isprintable():
        return text  # nearly every message: nothing to look for
    return _CONTROLS.sub("", _LONE_SURROGATES.sub(REPLACEMENT, text))


@dataclass(frozen=True)
class ConversationKey:
    """Who talks where: one conversation per (channel, chat, user)."""

    channel: str
    chat: str
    user: str


@dataclass(frozen=True)
class InboundMessage:
    """One message from a citizen, as an adapter translated it."""

    key: ConversationKey
    text: str
    # an option's value, set by the channel only when a button was pressed: typed text is
    # always text, even when it equals an option's value
    choice: str | None = None
    platform_id: str | None = None  # for dedupe; None where the channel has no ids
    language_hint: str | None = None
    # what the channel already understood (Rasa's "/intent{json}" payloads): not recognised again
    understood: NluResult | None = None
    group_chat: bool = False
    # a shared position (Telegram's location, Matrix's m.location, the browser's geolocation)
    location: Location | None = None
    # a picture, already fetched from the platform (Telegram's photo, Matrix's m.image, the
    # web chat's upload); unchecked bytes until the report's photo step decodes them
    photo: Photo | None = None
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Outbound:
    """A reply on its way out, with the row id that makes a retried send recognisable."""

    outbox_id: int
    channel: str
    address: str
    reply: Reply
