"""What the Bot API double remembers: chats, the bot's messages, updates waiting, faults to come."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class BotMessage:
    """A message the bot sent, as the citizen's app shows it now (after any edits)."""

    chat_id: int
    message_id: int
    text: str
    html: str
    entities: list[dict[str, Any]]
    keyboard: list[list[dict[str, Any]]] | None
    document: tuple[str, bytes] | None = None
    edits: int = 0
    thread_id: int | None = None  # the forum topic it was sent to; None: the chat itself
    replied_to: int | None = None  # the message it answers

    @property
    def buttons(self) -> list[str]:
        return [button["text"] for row in self.keyboard or [] for button in row]

    def data_of(self, label: str) -> str:
        for row in self.keyboard or []:
            for button in row:
                if button["text"] == label:
                    return str(button["callback_data"])
        raise AssertionError(f"no button {label!r} in {self.buttons} of: {self.text[:200]}")


@dataclass
class Fault:
    """How the next call of `methods` fails; code 0: the connection breaks (a network error)."""

    code: int
    description: str
    retry_after: int | None = None
    methods: frozenset[str] = frozenset({"sendmessage", "senddocument"})


@dataclass
class BotApiState:
    bot: dict[str, Any]
    queue: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[tuple[int, int], BotMessage] = field(default_factory=dict)
    inbox: dict[int, list[BotMessage]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    open_queries: set[str] = field(default_factory=set)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    faults: list[Fault | None] = field(default_factory=list)
    moved: dict[int, int] = field(default_factory=dict)  # a group's id → its supergroup's
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # what getFile and /file/ serve
    webhook: dict[str, Any] | None = None


def message_json(message: BotMessage, bot: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
    """The message as the Bot API returns it, and as a callback query carries it."""
    body: dict[str, Any] = {
        "message_id": message.message_id,
        "from": bot,
        "chat": chat,
        "date": int(time.time()),
    }
    if message.document is not None:
        name, content = message.document
        body["document"] = {
            "file_id": f"doc{message.message_id}",
            "file_unique_id": f"u{message.message_id}",
            "file_name": name,
            "file_size": len(content),
        }
    else:
        body["text"] = message.text
        if message.entities:
            body["entities"] = message.entities
    if message.keyboard:
        body["reply_markup"] = {"inline_keyboard": message.keyboard}
    if message.edits:
        body["edit_date"] = int(time.time())
    if message.thread_id is not None:
        body["message_thread_id"] = message.thread_id
        body["is_topic_message"] = True
    return body
