"""Reading Telegram updates: which ones are for the bot, and what the citizen said in them."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import CallbackQuery, ChatMemberUpdated, Message
from telegram.constants import ChatMemberStatus, ChatType

from bot.channels.telegram.format import numbered_choice, pressed_label
from bot.messages import ConversationKey, InboundMessage
from flows.types import Location

CHANNEL = "telegram"
LANGUAGES = ("de", "en")
_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)@([A-Za-z0-9_]+)")


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is on Telegram (from getMe), to tell whether a group message means it."""

    id: int
    username: str


@dataclass(frozen=True)
class ReachabilityChange:
    """A citizen blocked the bot (or allowed it again): deliveries and subscriptions follow."""

    channel: str
    user_key: str
    blocked: bool
    at: datetime


@dataclass(frozen=True)
class ChatMoved:
    """A group became a supergroup: Telegram gave it a new id, and the old one is dead."""

    channel: str
    old_address: str
    new_address: str


# where what happens to a chat is reported: blocked, allowed again, moved
ReachabilitySink = Callable[[ReachabilityChange | ChatMoved], Awaitable[None]]


@dataclass(frozen=True)
class ButtonPress:
    """A pressed inline button, with what to tell the dispatcher and which keyboard to retire."""

    inbound: InboundMessage
    query_id: str
    address: str  # the chat, and in a forum the topic, the keyboard was shown in
    message_id: int | None
    numbered: bool
    label: str


def chat_address(chat_id: int, thread_id: int | None = None) -> str:
    """Where replies go: the chat, or "chat/topic" for a topic of a forum group."""
    return str(chat_id) if thread_id is None else f"{chat_id}/{thread_id}"


def parse_address(address: str) -> tuple[int, int | None]:
    """The chat id and the forum topic (None: the chat itself); ValueError if it is neither."""
    chat, _, thread = address.partition("/")
    return int(chat), int(thread) if thread else None


def _address(message: Message) -> str:
    # only a forum's topics are threads one can send to; replies elsewhere carry a thread id too
    thread = message.message_thread_id if message.is_topic_message else None
    return chat_address(message.chat.id, thread)


def language_hint(code: str | None) -> str | None:
    """The app language of the citizen when it is one the bot speaks ("de-AT" → "de")."""
    if not code:
        return None
    primary = code.split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def _for_us(text: str, message: Message, bot: BotIdentity) -> str | None:
    """The text without the bot's name, or None when a group message is for someone else."""
    name = re.escape(bot.username)
    command = _COMMAND.match(text)
    if command is not None:
        if command.group(2).lower() != bot.username.lower():
            return None  # a command for another bot in the same group
        text = f"/{command.group(1)}{text[command.end() :]}"
        addressed = True
    else:
        addressed = text.startswith("/")
    mention = re.compile(rf"(?<!\w)@{name}\b", re.IGNORECASE)
    if mention.search(text):
        text = " ".join(mention.sub(" ", text).split())
        addressed = True
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        addressed = True
    private = message.chat.type == ChatType.PRIVATE
    return text if private or addressed else None


_CONTENT = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "document",
    "animation",
    "location",
    "contact",
    "poll",
    "dice",
    "venue",
)


def _has_content(message: Message) -> bool:
    """A sticker, photo, voice message …: something the citizen sent, which is not text."""
    return any(getattr(message, kind) for kind in _CONTENT)


def inbound_from_message(message: Message, bot: BotIdentity) -> InboundMessage | None:
    """A citizen's message as the dispatcher takes it, or None when it is not for the bot."""
    if message.from_user is None or message.from_user.is_bot:
        return None
    text = message.text if message.text is not None else message.caption
    if text is None:
        if not _has_content(message):
            return None  # service messages: someone joined, a title changed …
        text = ""  # the flows answer that they can only read text
    addressed = _for_us(text, message, bot)
    if addressed is None:
        return None
    location = _location(message)
    if location is not None and message.venue is not None and not addressed:
        # a place picked from the map has a name and an address: the place's own words
        addressed = ", ".join(part for part in (message.venue.title, message.venue.address) if part)
    return InboundMessage(
        key=ConversationKey(CHANNEL, _address(message), str(message.from_user.id)),
        text=addressed,
        platform_id=f"m{message.chat.id}:{message.message_id}",
        language_hint=language_hint(message.from_user.language_code),
        group_chat=message.chat.type != ChatType.PRIVATE,
        location=location,
        received_at=message.date.astimezone(UTC),
    )


@dataclass(frozen=True)
class PhotoFile:
    """A picture in a message, to fetch through getFile before the turn."""

    file_id: str
    content_type: str
    name: str


def photo_file(message: Message, max_bytes: int) -> PhotoFile | None:
    """The largest size of a photo within `max_bytes` (Telegram sends several), or a
    picture sent as a file; None when the message has neither."""
    if message.photo:
        sizes = sorted(message.photo, key=lambda size: size.width * size.height)
        fitting = [size for size in sizes if size.file_size is None or size.file_size <= max_bytes]
        # all too large: the biggest goes on and is refused with the limit named
        chosen = (fitting or sizes)[-1]
        return PhotoFile(chosen.file_id, "image/jpeg", "")
    document = message.document
    if document is not None and (document.mime_type or "").startswith("image/"):
        return PhotoFile(document.file_id, document.mime_type or "", document.file_name or "")
    return None


def _location(message: Message) -> Location | None:
    """A shared location (or venue); a live location counts as where it was when sent."""
    shared = message.location or (message.venue.location if message.venue else None)
    if shared is None:
        return None
    return Location(float(shared.latitude), float(shared.longitude))


def button_press(query: CallbackQuery) -> ButtonPress | None:
    """A pressed button as the option it picks: its value, or "#n" as the typed number n."""
    data = query.data
    message = query.message
    if data is None or message is None:
        return None
    markup = message.reply_markup if isinstance(message, Message) else None
    number = numbered_choice(data)
    label = pressed_label(markup, data) or (str(number) if number is not None else data)
    shown = message if isinstance(message, Message) else None
    address = _address(shown) if shown is not None else str(message.chat.id)
    inbound = InboundMessage(
        key=ConversationKey(CHANNEL, address, str(query.from_user.id)),
        text=str(number) if number is not None else label,
        choice=None if number is not None else data,
        platform_id=f"q{query.id}",
        language_hint=language_hint(query.from_user.language_code),
        group_chat=message.chat.type != ChatType.PRIVATE,
    )
    message_id = shown.message_id if shown is not None else None
    return ButtonPress(inbound, query.id, address, message_id, number is not None, label)


def chat_moved(message: Message) -> ChatMoved | None:
    """The service message a group gets when it became a supergroup, as the move it is."""
    if message.migrate_to_chat_id is None:
        return None
    return ChatMoved(CHANNEL, str(message.chat.id), str(message.migrate_to_chat_id))


def edited_for_us(message: Message, bot: BotIdentity) -> bool:
    """Whether an edited message was one for the bot (not another member's chatter)."""
    if message.from_user is None or message.from_user.is_bot:
        return False
    text = message.text if message.text is not None else message.caption
    return text is not None and _for_us(text, message, bot) is not None


def reachability_change(member: ChatMemberUpdated) -> ReachabilityChange | None:
    """A private chat's "kicked" (the citizen blocked the bot) or "member" (allowed it again)."""
    if member.chat.type != ChatType.PRIVATE:
        return None  # being removed from a group is noticed when a send there fails
    status = member.new_chat_member.status
    if status not in (ChatMemberStatus.BANNED, ChatMemberStatus.MEMBER):
        return None
    return ReachabilityChange(
        CHANNEL,
        str(member.from_user.id),
        blocked=status == ChatMemberStatus.BANNED,
        at=member.date.astimezone(UTC),
    )
