"""The Bot API double's citizens' side: what a test does as citizens, and what it reads back.

Citizens write, edit, press buttons, block the bot or upgrade their group; the test makes
the next calls fail, and waits for what the bot sent.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any

from tests.bot.channels.telegram import bot_api_updates as updates
from tests.bot.channels.telegram.bot_api_state import BotApiState, BotMessage, Fault, message_json
from tests.bot.channels.telegram.bot_api_updates import Citizen, Group

SEND_METHODS = {"sendmessage", "senddocument"}


class CitizenSide:
    """The part of the double a test talks to; the HTTP side (bot_api_double.py) serves the bot."""

    def __init__(self, state: BotApiState) -> None:
        self.state = state
        self._ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._changed = asyncio.Condition()
        self.last_said: dict[str, Any] = {}

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _queue(self, update: dict[str, Any]) -> int:
        update_id = next(self._ids)
        self.state.queue.append({"update_id": update_id, **update})
        self._wake()
        return update_id

    def _wake(self) -> None:
        asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def say(
        self,
        citizen: Citizen,
        text: str,
        group: Group | None = None,
        reply_to: BotMessage | None = None,
        topic: int | None = None,
    ) -> int:
        """The citizen writes `text` in a private chat with the bot (or in `group`, in a
        forum in `topic`); returns the update id (`last_said` holds the message id)."""
        chat = group.chat() if group else citizen.private_chat()
        self.state.chats.setdefault(chat["id"], chat)
        message = updates.text_message(
            self._next_message_id(chat["id"]),
            citizen,
            chat,
            text,
            replied=self._message_json(reply_to) if reply_to else None,
            topic=topic,
        )
        self.last_said = message
        return self._queue({"message": message})

    def edit(self, citizen: Citizen, said: dict[str, Any], text: str) -> int:
        """The citizen edits a message they wrote (`last_said` after `say`)."""
        edited = {**said, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        if found := updates.entities(text):
            edited["entities"] = found
        return self._queue({"edited_message": edited})

    def upgrade(self, group: Group, supergroup: Group, by: Citizen) -> None:
        """A basic group becomes a supergroup: a new chat id, and the old one refuses sends."""
        self.state.moved[group.id] = supergroup.id
        self.state.chats[supergroup.id] = supergroup.chat()
        old = updates.migration(
            self._next_message_id(group.id), by, group.chat(), migrate_to_chat_id=supergroup.id
        )
        new = updates.migration(
            self._next_message_id(supergroup.id),
            by,
            supergroup.chat(),
            migrate_from_chat_id=group.id,
        )
        self._queue({"message": old})
        self._queue({"message": new})

    def send_sticker(self, citizen: Citizen) -> int:
        chat = citizen.private_chat()
        self.state.chats.setdefault(chat["id"], chat)
        message = updates.sticker_message(self._next_message_id(chat["id"]), citizen, chat)
        return self._queue({"message": message})

    def send_location(
        self,
        citizen: Citizen,
        latitude: float,
        longitude: float,
        venue: tuple[str, str] | None = None,
    ) -> int:
        chat = citizen.private_chat()
        self.state.chats.setdefault(chat["id"], chat)
        message = updates.location_message(
            self._next_message_id(chat["id"]), citizen, chat, latitude, longitude, venue
        )
        return self._queue({"message": message})

    def send_photo(
        self, citizen: Citizen, sizes: list[tuple[bytes, int, int]], caption: str | None = None
    ) -> int:
        """A photo in several sizes (content, width, height), smallest first; the bot
        fetches the one it wants through getFile and the file address."""
        chat = citizen.private_chat()
        self.state.chats.setdefault(chat["id"], chat)
        message_id = self._next_message_id(chat["id"])
        listed = []
        for number, (content, width, height) in enumerate(sizes):
            file_id = f"photo{chat['id']}-{message_id}-{number}"
            self.state.files[file_id] = content
            listed.append((file_id, width, height))
        message = updates.photo_message(message_id, citizen, chat, listed, caption)
        return self._queue({"message": message})

    def press(self, citizen: Citizen, message: BotMessage, label: str) -> str:
        """The citizen presses the button `label` under `message`."""
        return self.press_data(citizen, message, message.data_of(label))

    def press_data(self, citizen: Citizen, message: BotMessage, data: str) -> str:
        query_id = f"q{next(self._ids)}"
        self.state.open_queries.add(query_id)
        query = {
            "id": query_id,
            "from": citizen.user(),
            "chat_instance": f"ci{message.chat_id}",
            "message": self._message_json(message),
            "data": data,
        }
        self._queue({"callback_query": query})
        return query_id

    def block(self, citizen: Citizen) -> None:
        """The citizen blocks the bot: sends fail with 403 and the bot hears `kicked`."""
        self.state.blocked.add(citizen.id)
        self._queue({"my_chat_member": updates.member_change(citizen, self.state.bot, "kicked")})

    def unblock(self, citizen: Citizen) -> None:
        self.state.blocked.discard(citizen.id)
        self._queue({"my_chat_member": updates.member_change(citizen, self.state.bot, "member")})

    def fail_next(
        self,
        count: int,
        code: int = 429,
        retry_after: int | None = 3,
        after: int = 0,
        methods: tuple[str, ...] = tuple(SEND_METHODS),
    ) -> None:
        """The next `count` calls of `methods` (sends unless told; after `after` good sends)
        fail the way Telegram fails them; code 0 breaks the connection instead."""
        description = {
            429: f"Too Many Requests: retry after {retry_after}",
            403: "Forbidden: bot was blocked by the user",
            400: "Bad Request: chat not found",
        }.get(code, "Internal Server Error")
        fault = Fault(code, description, retry_after if code == 429 else None, frozenset(methods))
        self.state.faults.extend([None] * after + [fault] * count)

    def take(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages to this chat since the last take."""
        return self.state.inbox.pop(chat_id, [])

    async def wait_for(self, chat_id: int, count: int, patience: float = 15.0) -> list[BotMessage]:
        """Wait until the bot sent `count` new messages to this chat, and take them."""

        def arrived() -> bool:
            return len(self.state.inbox.get(chat_id, [])) >= count

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(arrived), patience)
            except TimeoutError:
                got = [m.text[:80] for m in self.state.inbox.get(chat_id, [])]
                raise AssertionError(f"expected {count} messages to {chat_id}, got {got}") from None
        messages = self.state.inbox[chat_id][:count]
        del self.state.inbox[chat_id][:count]
        return messages

    async def until(self, condition: Callable[[], bool], patience: float = 15.0) -> None:
        """Wait until the bot's calls made `condition` true (an edit, an answer …)."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(condition), patience)
            except TimeoutError:
                raise AssertionError("the bot never did what was waited for") from None

    def transcript(self, chat_id: int) -> list[BotMessage]:
        return sorted(
            (m for (chat, _), m in self.state.messages.items() if chat == chat_id),
            key=lambda m: m.message_id,
        )

    def pending_updates(self) -> int:
        return len(self.state.queue)

    def _message_json(self, message: BotMessage) -> dict[str, Any]:
        return message_json(message, self.state.bot, self.state.chats[message.chat_id])
