"""Reading Matrix room events: which are for the bot, and what the citizen said in them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from nio import (
    MatrixRoom,
    RoomEncryptedMedia,
    RoomMessage,
    RoomMessageEmote,
    RoomMessageMedia,
    RoomMessageText,
)

from bot.messages import ConversationKey, InboundMessage

CHANNEL = "matrix"
# a direct chat is the citizen and the bot; more members make it a group
DIRECT_MEMBERS = 2


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is on Matrix, to tell whether a group message means it."""

    user_id: str
    display_name: str | None = None

    @property
    def localpart(self) -> str:
        return self.user_id.split(":", 1)[0].lstrip("@")


def is_group(room: MatrixRoom) -> bool:
    return int(room.member_count) > DIRECT_MEMBERS


def _names(bot: BotIdentity) -> list[str]:
    names = [bot.user_id, bot.localpart]
    if bot.display_name and bot.display_name not in names:
        names.append(bot.display_name)
    return sorted(names, key=len, reverse=True)


def _mentions_us(event: RoomMessage, bot: BotIdentity) -> bool:
    content = event.source.get("content", {})
    mentions = content.get("m.mentions", {})
    if isinstance(mentions, dict) and bot.user_id in mentions.get("user_ids", []):
        return True
    formatted = content.get("formatted_body")
    return isinstance(formatted, str) and f"matrix.to/#/{bot.user_id}" in formatted


def addressed_text(text: str, event: RoomMessage, bot: BotIdentity) -> str | None:
    """The text without the bot's name, or None when it does not name the bot."""
    addressed = _mentions_us(event, bot)
    for name in _names(bot):
        # "@bot:server" is one name; "bot:" before a space is how clients write a mention
        pattern = re.compile(rf"(?<![\w@]){re.escape(name)}(?!\w|:\w)[:,]?", re.IGNORECASE)
        if pattern.search(text):
            text = " ".join(pattern.sub(" ", text).split())
            addressed = True
    return text if addressed else None


def message_text(event: RoomMessage) -> str | None:
    """What the citizen wrote; "" for a picture or file (the flows say they read text only)."""
    if isinstance(event, RoomMessageText | RoomMessageEmote):
        return str(event.body)
    if isinstance(event, RoomMessageMedia | RoomEncryptedMedia):
        return ""
    return None


def inbound_from_event(
    room: MatrixRoom, event: RoomMessage, bot: BotIdentity
) -> InboundMessage | None:
    """A citizen's message as the dispatcher takes it, or None when it is not for the bot."""
    if event.sender == bot.user_id:
        return None
    text = message_text(event)
    if text is None:
        return None
    group = is_group(room)
    if group:
        named = addressed_text(text, event, bot)
        if named is None:
            return None
        text = named
    return InboundMessage(
        key=ConversationKey(CHANNEL, room.room_id, event.sender),
        text=text,
        platform_id=event.event_id,
        group_chat=group,
        received_at=datetime.fromtimestamp(event.server_timestamp / 1000, UTC),
    )
