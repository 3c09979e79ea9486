"""Channel-neutral messages: what adapters hand to the dispatcher and get back to send."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from flows.types import Reply


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
    choice: str | None = None  # an option's value, when a button was pressed
    platform_id: str | None = None  # for dedupe; None where the channel has no ids
    language_hint: str | None = None
    group_chat: bool = False
    # text equal to the value of an option offered last counts as pressing it: the REST
    # channel's convention, where a button's payload comes back as the message
    payload_choices: bool = False
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Outbound:
    """A reply on its way out, with the row id that makes a retried send recognisable."""

    outbox_id: int
    channel: str
    address: str
    reply: Reply
