"""The Telegram channel: updates in as inbound messages, replies out as Bot API calls."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from telegram import InputFile, LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.channels.base import Capabilities, InboundSink, SendResult
from bot.channels.ordered_work import OrderedWork
from bot.channels.telegram.commands import register_commands
from bot.channels.telegram.errors import send_failure
from bot.channels.telegram.format import MAX_TEXT, escape, html_chunks, keyboard, utf16_length
from bot.channels.telegram.updates import (
    CHANNEL,
    BotIdentity,
    ButtonPress,
    ReachabilitySink,
    button_press,
    inbound_from_message,
    reachability_change,
)
from bot.channels.telegram.webhook import WebhookConfig, WebhookReceiver
from bot.messages import Outbound

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
# a later message to a chat under a flood wait must not overtake the one that got the 429
FOLLOWER_DELAY = 0.05
RETIRED_KEYBOARDS = 10_000
STALE_CHOICE = {
    "de": "Diese Auswahl ist nicht mehr aktuell. Bitte nutzen Sie die neuesten Knöpfe.",
    "en": "This choice is no longer open. Please use the latest buttons.",
}


class TelegramChannel:
    """Holds a python-telegram-bot Application; translates and holds no business logic."""

    name = CHANNEL
    capabilities = Capabilities(buttons=True, max_length=MAX_TEXT, files=True)

    def __init__(
        self,
        token: str,
        *,
        api_url: str | None = None,
        default_language: str = "de",
        webhook: WebhookConfig | None = None,
        poll_timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        base = (api_url or DEFAULT_API_URL).rstrip("/")
        builder = Application.builder().token(token).base_url(f"{base}/bot")
        # PTB adds the long-poll timeout to getUpdates' read timeout by itself
        builder = builder.base_file_url(f"{base}/file/bot")
        if webhook is not None:
            builder = builder.updater(None)
        self._app = builder.build()
        self._app.add_handler(TypeHandler(Update, self._on_update))
        self._default_language = default_language
        self._webhook = WebhookReceiver(webhook, self._on_webhook) if webhook else None
        self._webhook_config = webhook
        self._poll_timeout = poll_timeout
        self._clock = clock
        self._sink: InboundSink | None = None
        self._reachability: ReachabilitySink | None = None
        self._me: BotIdentity | None = None
        self._work = OrderedWork("a Telegram update")
        self._progress: dict[int, int] = {}  # outbox id → chunks already sent
        self._cooldown: dict[int, float] = {}  # chat → monotonic time its flood wait ends
        self._keyboard: dict[int, int | None] = {}  # chat → message with the live keyboard
        self._retired: OrderedDict[tuple[int, int], None] = OrderedDict()

    def watch_reachability(self, sink: ReachabilitySink) -> None:
        """Where "the citizen blocked the bot" and "allowed it again" are reported."""
        self._reachability = sink

    @property
    def webhook_secret(self) -> str | None:
        return self._webhook_config.secret if self._webhook_config else None

    @property
    def webhook_port(self) -> int | None:
        return self._webhook.port if self._webhook else None

    async def start(self, sink: InboundSink) -> None:
        self._sink = sink
        try:
            await self._app.initialize()  # getMe: a wrong token or API address fails here
        except TelegramError:
            # PTB leaves the connection it opened for getMe to a failed start; close it
            await self._app.bot.request.shutdown()
            raise
        bot = self._app.bot
        self._me = BotIdentity(bot.id, bot.username)
        await register_commands(bot, self._default_language)
        await self._app.start()
        if self._webhook is not None and self._webhook_config is not None:
            await self._webhook.start()
            await bot.set_webhook(
                self._webhook_config.url,
                secret_token=self._webhook_config.secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
        elif self._app.updater is not None:
            await self._app.updater.start_polling(
                timeout=int(self._poll_timeout), allowed_updates=list(ALLOWED_UPDATES)
            )
        log.info("Telegram: @%s is listening", bot.username)

    async def stop(self) -> None:
        """Stop taking updates, finish the ones in hand, then close the connections."""
        if self._webhook is not None:
            await self._webhook.stop()
        elif self._app.updater is not None and self._app.updater.running:
            await self._app.updater.stop()
        await self._work.finish()
        if self._app.running:
            await self._app.stop()
        await self._app.shutdown()
        self._me = None

    # --- in ---------------------------------------------------------------------------

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        self._receive(update)

    async def _on_webhook(self, data: dict[str, Any]) -> None:
        task = self._receive(Update.de_json(data, self._app.bot))
        if task is not None:
            await task

    def _receive(self, update: Update) -> asyncio.Task[None] | None:
        """Start handling one update; updates of one conversation are handled in order."""
        me, sink = self._me, self._sink
        if me is None or sink is None:
            return None
        if update.message is not None:
            inbound = inbound_from_message(update.message, me)
            if inbound is not None:
                return self._work.add(inbound.key, lambda: sink(inbound))
        elif update.callback_query is not None:
            press = button_press(update.callback_query)
            message = update.callback_query.message
            if press is None:
                query_id = update.callback_query.id
                return self._work.add(query_id, lambda: self._answer(query_id))
            shown = message if isinstance(message, Message) else None
            return self._work.add(press.inbound.key, lambda: self._on_press(press, shown, sink))
        elif update.my_chat_member is not None:
            change = reachability_change(update.my_chat_member)
            report = self._reachability
            if change is not None and report is not None:
                return self._work.add(("reach", change.user_key), lambda: report(change))
        return None

    async def _on_press(
        self, press: ButtonPress, message: Message | None, sink: InboundSink
    ) -> None:
        """Answer the button at once, retire its keyboard, then pass the choice on."""
        shown = (press.chat_id, press.message_id) if press.message_id is not None else None
        live = self._keyboard.get(press.chat_id, press.message_id)
        stale = shown is not None and (
            shown in self._retired or (press.numbered and live != press.message_id)
        )
        language = press.inbound.language_hint or self._default_language
        await self._answer(press.query_id, STALE_CHOICE.get(language) if stale else None)
        if shown is not None:
            self._retire(shown)
            await self._retire_keyboard(message, None if stale else press.label)
        if not stale:
            await sink(press.inbound)

    async def _answer(self, query_id: str, text: str | None = None) -> None:
        try:
            await self._app.bot.answer_callback_query(query_id, text=text)
        except TelegramError as error:  # too old to answer: the citizen's app gave up already
            log.info("could not answer a button press: %s", error)

    def _retire(self, shown: tuple[int, int]) -> None:
        self._retired[shown] = None
        if self._keyboard.get(shown[0]) == shown[1]:
            self._keyboard[shown[0]] = None
        while len(self._retired) > RETIRED_KEYBOARDS:
            self._retired.popitem(last=False)

    async def _retire_keyboard(self, message: Message | None, label: str | None) -> None:
        """Show which button was pressed and remove the keyboard, so it cannot be pressed twice."""
        if message is None:
            return
        bot = self._app.bot
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
            await bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=message.message_id
            )
        except BadRequest as error:  # already edited, or too old to edit
            log.info("could not retire a keyboard: %s", error)

    # --- out --------------------------------------------------------------------------

    async def send(self, message: Outbound) -> SendResult:
        if self._me is None:
            return SendResult("retry", "the Telegram channel is not started", retry_after=1.0)
        try:
            chat_id = int(message.address)
        except ValueError:
            return SendResult("failed", f"not a Telegram chat id: {message.address!r}")
        waiting = self._cooldown.get(chat_id, 0.0) - self._clock()
        if waiting > 0:
            return SendResult("retry", "Telegram asked to slow down", waiting + FOLLOWER_DELAY)
        self._cooldown.pop(chat_id, None)
        try:
            await self._deliver(chat_id, message)
        except TelegramError as error:
            result = send_failure(error)
        else:
            result = SendResult.sent()
        if result.outcome == "retry" and result.retry_after is not None:
            self._cooldown[chat_id] = self._clock() + result.retry_after
        if result.outcome != "retry":
            self._progress.pop(message.outbox_id, None)
        return result

    async def _deliver(self, chat_id: int, message: Outbound) -> None:
        """Send every piece not sent yet; a retry after a 429 goes on where it stopped."""
        reply = message.reply
        pieces = html_chunks(reply.text) if reply.text.strip() or reply.attachment is None else []
        markup = keyboard(reply.options)
        done = self._progress.get(message.outbox_id, 0)
        bot = self._app.bot
        for index in range(done, len(pieces)):
            last = index == len(pieces) - 1 and reply.attachment is None
            sent = await bot.send_message(
                chat_id,
                pieces[index],
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
            self._progress[message.outbox_id] = index + 1
            self._keyboard[chat_id] = sent.message_id if last and markup else None
        if reply.attachment is not None and done <= len(pieces):
            document = InputFile(
                reply.attachment.content.encode("utf-8"),
                filename=reply.attachment.filename,
                attach=False,
            )
            sent = await bot.send_document(chat_id, document, reply_markup=markup)
            self._progress[message.outbox_id] = len(pieces) + 1
            self._keyboard[chat_id] = sent.message_id if markup else None
