"""Reading Matrix room events: which are for the bot, and what the citizen said in them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nio import (
    Event,
    MatrixRoom,
    ReactionEvent,
    RoomEncryptedMedia,
    RoomMessage,
    RoomMessageEmote,
    RoomMessageMedia,
    RoomMessageText,
    RoomMessageUnknown,
)

from bot.channels.matrix.photos import caption
from bot.messages import ConversationKey, InboundMessage
from flows.types import Location

CHANNEL = "matrix"
# a direct chat is the citizen and the bot; more members make it a group
DIRECT_MEMBERS = 2
THUMBS_UP, THUMBS_DOWN = "👍", "👎"
_EMOJI_MODIFIERS = frozenset("\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
# RFC 5870: "geo:52.52,13.40" with an optional altitude and parameters (";u=35")
_GEO = re.compile(r"^geo:\s*(-?[0-9.]+)\s*,\s*(-?[0-9.]+)(?:,[^;]*)?(?:;.*)?$", re.IGNORECASE)
NOWHERE = Location(math.nan, math.nan)  # a position that cannot be read: the step says so


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is on Matrix, to tell whether a group message means it."""

    user_id: str
    display_name: str | None = None

    @property
    def localpart(self) -> str:
        return self.user_id.split(":", 1)[0].lstrip("@")


@dataclass(frozen=True)
class YesNoQuestion:
    """The bot's last question in a room offered yes and no: a 👍 or 👎 on it answers it."""

    event_id: str
    english: bool


def is_group(room: MatrixRoom) -> bool:
    return int(room.member_count) > DIRECT_MEMBERS


def relation(event: Event) -> dict[str, Any]:
    """The event's m.relates_to: a reply, an edit, a thread, a reaction (or nothing)."""
    found = event.source.get("content", {}).get("m.relates_to")
    return found if isinstance(found, dict) else {}


def is_edit(event: Event) -> bool:
    return relation(event).get("rel_type") == "m.replace"


def thread_root(event: Event) -> str | None:
    """The thread the event was written in, None for the room's main timeline."""
    related = relation(event)
    root = related.get("event_id")
    return root if related.get("rel_type") == "m.thread" and isinstance(root, str) else None


def without_reply_fallback(body: str) -> str:
    """The text of a reply without the quoted message clients put before it ("> <@…> …")."""
    lines = body.split("\n")
    if not lines[0].startswith("> <"):
        return body
    quoted = next((n for n, line in enumerate(lines) if not line.startswith(">")), len(lines))
    rest = lines[quoted:]
    if rest and not rest[0].strip():
        rest = rest[1:]
    return "\n".join(rest)


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
    """What the citizen wrote; for a picture or file its caption or "" (a picture answers
    the photo question, and elsewhere the flows say what they take).

    A reply's quote of the message it answers is not part of it: it is the bot's own text."""
    if isinstance(event, RoomMessageText | RoomMessageEmote):
        body = str(event.body)
        return without_reply_fallback(body) if relation(event).get("m.in_reply_to") else body
    if isinstance(event, RoomMessageMedia | RoomEncryptedMedia):
        return caption(event)
    if shared_location(event) is not None:
        return ""  # the body is the client's own wording ("Location geo:…"), not the citizen's
    return None


def geo_location(uri: object) -> Location:
    """The position of a geo: URI; NOWHERE when it is not one."""
    found = _GEO.match(uri.strip()) if isinstance(uri, str) else None
    if found is None:
        return NOWHERE
    try:
        return Location(float(found.group(1)), float(found.group(2)))
    except ValueError:  # "1.2.3"
        return NOWHERE


def shared_location(event: Event) -> Location | None:
    """The position of an m.location message (nio knows it only as an unknown message)."""
    if not isinstance(event, RoomMessageUnknown) or event.msgtype != "m.location":
        return None
    content = event.source.get("content", {})
    newer = content.get("org.matrix.msc3488.location")
    uri = content.get("geo_uri") or (newer.get("uri") if isinstance(newer, dict) else None)
    return geo_location(uri)


def _inbound(room: MatrixRoom, event: Event, text: str, group: bool) -> InboundMessage:
    return InboundMessage(
        key=ConversationKey(CHANNEL, room.room_id, event.sender),
        text=text,
        platform_id=event.event_id,
        group_chat=group,
        location=shared_location(event),
        received_at=datetime.fromtimestamp(event.server_timestamp / 1000, UTC),
    )


def inbound_from_event(
    room: MatrixRoom, event: RoomMessage, bot: BotIdentity
) -> InboundMessage | None:
    """A citizen's message as the dispatcher takes it, or None when it is not for the bot."""
    if event.sender == bot.user_id or is_edit(event):
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
    return _inbound(room, event, text, group)


def answer_from_reaction(
    room: MatrixRoom, event: ReactionEvent, asked: YesNoQuestion | None
) -> InboundMessage | None:
    """👍 or 👎 on the bot's yes/no question in a direct chat, as the word the citizen meant.

    A word, not a button press: a step that needs the exact button (erasing data) asks for
    it, as it does for a typed "ja"."""
    if asked is None or event.reacts_to != asked.event_id or is_group(room):
        return None
    # the emoji with or without its variation selector or a skin tone
    key = "".join(char for char in event.key if char not in _EMOJI_MODIFIERS)
    if key not in (THUMBS_UP, THUMBS_DOWN):
        return None
    words = ("yes", "no") if asked.english else ("ja", "nein")
    return _inbound(room, event, words[0] if key == THUMBS_UP else words[1], group=False)
