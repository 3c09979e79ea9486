"""The Telegram channel: updates in as inbound messages, replies out as Bot API calls."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from telegram import InputFile, LinkPreviewOptions, Message, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import ChatMigrated, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.channels.base import Capabilities, InboundSink, SendResult
from bot.channels.ordered_work import OrderedWork
from bot.channels.telegram.commands import register_commands
from bot.channels.telegram.errors import retry_seconds, send_failure
from bot.channels.telegram.flood import FloodWaits
from bot.channels.telegram.format import MAX_TEXT, html_chunks, keyboard, reply_text
from bot.channels.telegram.keyboards import Keyboards, retire_on_screen
from bot.channels.telegram.updates import (
    CHANNEL,
    BotIdentity,
    ButtonPress,
    ChatMoved,
    PhotoFile,
    ReachabilitySink,
    button_press,
    chat_address,
    chat_moved,
    edited_for_us,
    inbound_from_message,
    language_hint,
    parse_address,
    photo_file,
    reachability_change,
)
from bot.channels.telegram.webhook import WebhookConfig, WebhookReceiver
from bot.messages import InboundMessage, Outbound
from flows.types import Photo

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
# a later message to a chat under a flood wait must not overtake the one that got the 429
FOLLOWER_DELAY = 0.05
MAX_PHOTO_BYTES = 10_000_000  # the report photo limit's default
STALE_CHOICE = {
    "de": "Diese Auswahl ist nicht mehr aktuell. Bitte nutzen Sie die neuesten Knöpfe.",
    "en": "This choice is no longer open. Please use the latest buttons.",
}
EDITS_NOT_READ = {
    "de": "Geänderte Nachrichten kann ich leider nicht lesen. "
    "Bitte schicken Sie Ihre Korrektur als neue Nachricht.",
    "en": "I can't read edited messages. Please send your correction as a new message.",
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
        max_photo_bytes: int = MAX_PHOTO_BYTES,
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
        self._sink: InboundSink | None = None
        self._reachability: ReachabilitySink | None = None
        self._me: BotIdentity | None = None
        self._work = OrderedWork("a Telegram update")
        self._progress: dict[int, int] = {}  # outbox id → chunks already sent
        self._floods = FloodWaits(clock)
        self._keyboards = Keyboards()
        self._moved: dict[int, int] = {}  # a group's old id → its id as a supergroup
        self._max_photo_bytes = max_photo_bytes

    def watch_reachability(self, sink: ReachabilitySink) -> None:
        """Where "blocked", "allowed again" and "the group moved to a new id" are reported."""
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
            moved = chat_moved(update.message)
            if moved is not None:
                return self._work.add(("moved", moved.old_address), lambda: self._on_move(moved))
            inbound = inbound_from_message(update.message, me)
            if inbound is not None:
                photo = photo_file(update.message, self._max_photo_bytes)
                if photo is not None:
                    found = photo
                    return self._work.add(
                        inbound.key, lambda: self._with_photo(inbound, found, sink)
                    )
                return self._work.add(inbound.key, lambda: sink(inbound))
        elif update.edited_message is not None:
            edited = update.edited_message
            if edited_for_us(edited, me):
                return self._work.add(("edited", edited.chat.id), lambda: self._note_edit(edited))
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

    async def _with_photo(
        self, inbound: InboundMessage, found: PhotoFile, sink: InboundSink
    ) -> None:
        """Fetch the picture first: the turn gets its bytes, never a Telegram file id."""
        try:
            telegram_file = await self._app.bot.get_file(found.file_id)
            content = bytes(await telegram_file.download_as_bytearray())
        except TelegramError as error:
            # the citizen hears that it could not be opened and may send it again or skip
            log.info("could not fetch a photo from Telegram: %s", error)
            content = b""
        photo = Photo(content, found.content_type, found.name)
        await sink(replace(inbound, photo=photo))

    async def _on_press(
        self, press: ButtonPress, message: Message | None, sink: InboundSink
    ) -> None:
        """Answer the button at once, pass the choice on, then retire its keyboard on screen.

        The keyboard is retired in memory before the choice goes on, so a second press is
        refused; showing that on screen comes last, because it may fail (a flood wait right
        after an announcement) and must never cost the citizen their choice."""
        stale = self._keyboards.stale(press)
        language = press.inbound.language_hint or self._default_language
        await self._answer(press.query_id, STALE_CHOICE.get(language) if stale else None)
        self._keyboards.retire(press)
        try:
            if not stale:
                await sink(press.inbound)
        finally:
            await retire_on_screen(self._app.bot, message, None if stale else press.label)

    async def _answer(self, query_id: str, text: str | None = None) -> None:
        try:
            await self._app.bot.answer_callback_query(query_id, text=text)
        except TelegramError as error:  # too old to answer: the citizen's app gave up already
            log.info("could not answer a button press: %s", error)

    async def _note_edit(self, message: Message) -> None:
        """Edits are not read (the flow has moved on): say so, next to the edited message."""
        if self._floods.remaining(message.chat.id)[0] > 0:
            return  # Telegram asked us to wait: a note is not worth a longer wait
        user = message.from_user
        language = language_hint(user.language_code if user else None) or self._default_language
        try:
            await self._app.bot.send_message(
                message.chat.id,
                EDITS_NOT_READ.get(language, EDITS_NOT_READ["de"]),
                message_thread_id=message.message_thread_id if message.is_topic_message else None,
                reply_parameters=ReplyParameters(
                    message.message_id, allow_sending_without_reply=True
                ),
            )
        except TelegramError as error:
            log.info("could not tell a citizen that edits are not read: %s", error)

    async def _on_move(self, moved: ChatMoved) -> None:
        """A group became a supergroup: send there from now on, and move what is stored."""
        self._moved[int(moved.old_address)] = int(moved.new_address)
        if self._reachability is not None:
            await self._reachability(moved)

    # --- out --------------------------------------------------------------------------

    async def send(self, message: Outbound) -> SendResult:
        if self._me is None:
            return SendResult("retry", "the Telegram channel is not started", retry_after=1.0)
        try:
            chat_id, thread = parse_address(message.address)
        except ValueError:
            return SendResult("failed", f"not a Telegram chat id: {message.address!r}")
        chat_id = self._moved.get(chat_id, chat_id)
        waiting, bot_wide = self._floods.remaining(chat_id)
        if waiting > 0:
            detail = "Telegram asked to slow down"
            return SendResult("retry", detail, waiting + FOLLOWER_DELAY, whole_channel=bot_wide)
        try:
            await self._deliver_following(chat_id, thread, message)
        except TelegramError as error:
            result = send_failure(error)
            if isinstance(error, RetryAfter):
                bot_wide = self._floods.note(chat_id, retry_seconds(error))
                result = replace(result, whole_channel=bot_wide)
        else:
            result = SendResult.sent()
        if result.outcome != "retry":
            self._progress.pop(message.outbox_id, None)
        return result

    async def _deliver_following(self, chat_id: int, thread: int | None, message: Outbound) -> None:
        """Deliver; a group that became a supergroup is followed to its new id at once."""
        try:
            await self._deliver(chat_id, thread, message)
        except ChatMigrated as error:
            moved = ChatMoved(CHANNEL, str(chat_id), str(error.new_chat_id))
            try:
                await self._on_move(moved)
            except Exception:  # the message still goes out; the next send reports it again
                log.exception("could not record that a Telegram group moved")
            await self._deliver(int(error.new_chat_id), thread, message)

    async def _deliver(self, chat_id: int, thread: int | None, message: Outbound) -> None:
        """Send every piece not sent yet; a retry after a 429 goes on where it stopped."""
        reply = message.reply
        markup = keyboard(reply.options)
        text = reply_text(reply.text, reply.options, markup)
        pieces = html_chunks(text) if text.strip() or reply.attachment is None else []
        done = self._progress.get(message.outbox_id, 0)
        address = chat_address(chat_id, thread)
        bot = self._app.bot
        for index in range(done, len(pieces)):
            last = index == len(pieces) - 1 and reply.attachment is None
            sent = await bot.send_message(
                chat_id,
                pieces[index],
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                message_thread_id=thread,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
            self._progress[message.outbox_id] = index + 1
            self._keyboards.shown(address, sent.message_id if last and markup else None)
        if reply.attachment is not None and done <= len(pieces):
            document = InputFile(
                reply.attachment.content.encode("utf-8"),
                filename=reply.attachment.filename,
                attach=False,
            )
            sent = await bot.send_document(
                chat_id, document, reply_markup=markup, message_thread_id=thread
            )
            self._progress[message.outbox_id] = len(pieces) + 1
            self._keyboards.shown(address, sent.message_id if markup else None)
