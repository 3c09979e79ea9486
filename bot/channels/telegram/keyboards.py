"""Which keyboard of a chat is live, which were pressed already, and retiring them on screen."""

from __future__ import annotations

import logging
from collections import OrderedDict

from telegram import Bot, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.channels.telegram.format import MAX_TEXT, escape, utf16_length
from bot.channels.telegram.updates import ButtonPress

log = logging.getLogger(__name__)

RETIRED_KEYBOARDS = 10_000


class Keyboards:
    """Remembers the live keyboard per chat and the retired ones, so none is used twice."""

    def __init__(self) -> None:
        self._live: dict[str, int | None] = {}  # address → message with the live keyboard
        self._retired: OrderedDict[tuple[str, int], None] = OrderedDict()

    def shown(self, address: str, message_id: int | None) -> None:
        """The latest message to this chat; None: it carries no keyboard."""
        self._live[address] = message_id

    def stale(self, press: ButtonPress) -> bool:
        """Pressed before, or a numbered button of an older message (its numbers moved on)."""
        if press.message_id is None:
            return False
        live = self._live.get(press.address, press.message_id)
        return (press.address, press.message_id) in self._retired or (
            press.numbered and live != press.message_id
        )

    def retire(self, press: ButtonPress) -> None:
        if press.message_id is None:
            return
        self._retired[(press.address, press.message_id)] = None
        if self._live.get(press.address) == press.message_id:
            self._live[press.address] = None
        while len(self._retired) > RETIRED_KEYBOARDS:
            self._retired.popitem(last=False)


async def retire_on_screen(bot: Bot, message: Message | None, label: str | None) -> None:
    """Show which button was pressed and remove the keyboard.

    A failure (a flood wait, the network, a message too old to edit) is only logged: the
    press was handed on already, and the keyboard is retired in memory, so pressing it
    again is refused all the same."""
    if message is None:
        return
    try:
        if label is not None and message.text is not None:
            text = f"{message.text_html}\n\n✓ {escape(label)}"
            if utf16_length(f"{message.text}\n\n✓ {label}") <= MAX_TEXT:
                await bot.edit_message_text(
                    text,
                    chat_id=message.chat.id,
                    message_id=message.message_id,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
                return
        await bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=message.message_id)
    except TelegramError as error:
        log.info("could not retire a keyboard on screen: %s", error)
