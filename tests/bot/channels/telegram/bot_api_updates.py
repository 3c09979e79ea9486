"""The JSON of the updates Telegram sends for what citizens do (messages, blocking the bot)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from tests.bot.channels.telegram.telegram_html import utf16_length

_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")
_MENTION = re.compile(r"(?<!\w)@[A-Za-z0-9_]{5,32}")


@dataclass(frozen=True)
class Citizen:
    id: int
    first_name: str
    language_code: str | None = "de"

    def user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def private_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


@dataclass(frozen=True)
class Group:
    id: int
    title: str = "Nachbarschaft Nord"
    kind: str = "supergroup"  # or "group": a basic group, which can become a supergroup
    forum: bool = False  # a supergroup with topics

    def chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.kind, "title": self.title}
        if self.forum:
            chat["is_forum"] = True
        return chat


def _offset(text: str, index: int) -> int:
    return utf16_length(text[:index])


def entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram finds in a plain text: a leading command and @mentions."""
    found: list[dict[str, Any]] = []
    command = _COMMAND.match(text)
    if command is not None:
        found.append({"type": "bot_command", "offset": 0, "length": _offset(text, command.end())})
    for mention in _MENTION.finditer(text):
        start = _offset(text, mention.start())
        found.append({"type": "mention", "offset": start, "length": utf16_length(mention.group())})
    return found


def text_message(
    message_id: int,
    citizen: Citizen,
    chat: dict[str, Any],
    text: str,
    replied: dict[str, Any] | None = None,
    topic: int | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": citizen.user(),
        "chat": chat,
        "date": int(time.time()),
        "text": text,
    }
    if found := entities(text):
        message["entities"] = found
    if replied is not None:
        message["reply_to_message"] = replied
    if topic is not None:
        message["message_thread_id"] = topic
        message["is_topic_message"] = True
    return message


def migration(
    message_id: int, citizen: Citizen, chat: dict[str, Any], **moved: int
) -> dict[str, Any]:
    """The service message in a group that became a supergroup (migrate_to_chat_id) or in the
    new supergroup (migrate_from_chat_id)."""
    return {
        "message_id": message_id,
        "from": citizen.user(),
        "chat": chat,
        "date": int(time.time()),
        **moved,
    }


def sticker_message(message_id: int, citizen: Citizen, chat: dict[str, Any]) -> dict[str, Any]:
    sticker = {
        "file_id": f"sticker{message_id}",
        "file_unique_id": f"s{message_id}",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    }
    return {
        "message_id": message_id,
        "from": citizen.user(),
        "chat": chat,
        "date": int(time.time()),
        "sticker": sticker,
    }


def location_message(
    message_id: int,
    citizen: Citizen,
    chat: dict[str, Any],
    latitude: float,
    longitude: float,
    venue: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A shared location, or a venue (title, address) picked from the map."""
    location = {"latitude": latitude, "longitude": longitude}
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": citizen.user(),
        "chat": chat,
        "date": int(time.time()),
        "location": location,
    }
    if venue is not None:
        message["venue"] = {"location": location, "title": venue[0], "address": venue[1]}
    return message


def photo_message(
    message_id: int,
    citizen: Citizen,
    chat: dict[str, Any],
    sizes: list[tuple[str, int, int]],
    caption: str | None = None,
) -> dict[str, Any]:
    """A photo as Telegram sends it: the same picture in several sizes (file id, width,
    height), smallest first."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": citizen.user(),
        "chat": chat,
        "date": int(time.time()),
        "photo": [
            {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": w, "height": h}
            for file_id, w, h in sizes
        ],
    }
    if caption is not None:
        message["caption"] = caption
    return message


def member_change(citizen: Citizen, bot: dict[str, Any], status: str) -> dict[str, Any]:
    """What the bot hears when a citizen blocks it (`kicked`) or starts it again (`member`)."""
    old, new = ("member", "kicked") if status == "kicked" else ("kicked", "member")

    def member(state: str) -> dict[str, Any]:
        body: dict[str, Any] = {"user": bot, "status": state}
        if state == "kicked":
            body["until_date"] = 0
        return body

    return {
        "chat": citizen.private_chat(),
        "from": citizen.user(),
        "date": int(time.time()),
        "old_chat_member": member(old),
        "new_chat_member": member(new),
    }


def kind(update: dict[str, Any]) -> str:
    """ "message", "callback_query", "my_chat_member", …: what an update carries."""
    return next(key for key in update if key != "update_id")
