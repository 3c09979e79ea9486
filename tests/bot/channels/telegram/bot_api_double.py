"""A Bot API server for tests: speaks Telegram's HTTP API as python-telegram-bot 22 calls it.

It runs on 127.0.0.1, keeps the chats in memory and lets a test act as citizens
(bot_api_citizens.py): write or edit a message, press a button, block the bot, upgrade a
group, or make the next calls fail with 429, 403 or a broken connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.bot.channels.telegram import bot_api_updates as updates
from tests.bot.channels.telegram.bot_api_citizens import SEND_METHODS, CitizenSide
from tests.bot.channels.telegram.bot_api_requests import (
    ApiError,
    check_keyboard,
    error_response,
    read_params,
    render,
)
from tests.bot.channels.telegram.bot_api_state import BotApiState, BotMessage, Fault
from tests.bot.channels.telegram.bot_api_updates import Citizen, Group
from tests.bot.channels.telegram.bot_api_webhook import push_updates


@dataclass
class _Poll:
    generation: int = 0
    confirmed: int = 0  # updates with a lower id were fetched and confirmed by the bot


class BotApiDouble(CitizenSide):
    def __init__(self, token: str = "4242:TEST-token", username: str = "mitreden_test_bot") -> None:
        self.token = token
        state = BotApiState(
            bot={
                "id": 4242,
                "is_bot": True,
                "first_name": "mitreden",
                "username": username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        )
        super().__init__(state)
        self._poll = _Poll()
        self._runner: web.AppRunner | None = None
        self._pusher: asyncio.Task[None] | None = None
        self._closing = False
        self.port = 0
        # cleared, sendMessage answers only once it is set again: messages stay on the wire
        self.answering = asyncio.Event()
        self.answering.set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._closing = True
        await self._notify()
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the HTTP API ---------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return error_response(ApiError(401, "Unauthorized"))
        method = request.match_info["method"].lower()
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return error_response(ApiError(404, "Not Found"))
        try:
            params = await read_params(request)
            self.state.calls.append((method, params))
            fault = self._fault_for(method)
            if fault is not None and fault.code == 0:
                assert request.transport is not None
                request.transport.close()  # the bot sees a broken connection
                return web.Response(status=500)
            if fault is not None:
                raise ApiError(fault.code, fault.description, fault.retry_after)
            result = await handler(params)
        except ApiError as error:
            return error_response(error)
        except (KeyError, ValueError) as error:
            return error_response(ApiError(400, f"Bad Request: {error}"))
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        """A file's bytes at the address getFile gave ("photos/<file id>.jpg")."""
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].rpartition("/")[2].removesuffix(".jpg")
        content = self.state.files.get(file_id)
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="image/jpeg")

    async def _api_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        if file_id not in self.state.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self.state.files[file_id]),
            "file_path": f"photos/{file_id}.jpg",
        }

    def _fault_for(self, method: str) -> Fault | None:
        faults = self.state.faults
        if not faults:
            return None
        wanted = faults[0].methods if faults[0] is not None else SEND_METHODS
        return faults.pop(0) if method in wanted else None

    async def _api_getme(self, _params: dict[str, Any]) -> dict[str, Any]:
        return self.state.bot

    async def _api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.state.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset", 0))
        if offset > 0:
            self.state.queue = [u for u in self.state.queue if u["update_id"] >= offset]
        limit = int(params.get("limit", 100))
        timeout = float(params.get("timeout", 0))
        allowed = params.get("allowed_updates") or None
        self._poll.generation += 1
        mine = self._poll.generation

        def ready() -> list[dict[str, Any]]:
            wanted = [u for u in self.state.queue if allowed is None or updates.kind(u) in allowed]
            return wanted[:limit]

        found = ready()
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not found and not self._closing and time.monotonic() < deadline:
                if self._poll.generation != mine:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                found = ready()
        return found

    def _chat(self, params: dict[str, Any]) -> int:
        chat_id = int(params["chat_id"])
        if chat_id in self.state.moved:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self.state.moved[chat_id],
            )
        if chat_id not in self.state.chats:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.state.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _store(self, message: BotMessage) -> dict[str, Any]:
        self.state.messages[(message.chat_id, message.message_id)] = message
        self.state.inbox.setdefault(message.chat_id, []).append(message)
        self._wake()
        return self._message_json(message)

    async def _api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        await self.answering.wait()
        chat_id = self._chat(params)
        source, text, entities = render(params)
        keyboard = check_keyboard(params)
        message = BotMessage(
            chat_id,
            self._next_message_id(chat_id),
            text,
            source,
            entities,
            keyboard,
            thread_id=self._thread(chat_id, params),
            replied_to=(params.get("reply_parameters") or {}).get("message_id"),
        )
        return self._store(message)

    def _thread(self, chat_id: int, params: dict[str, Any]) -> int | None:
        thread = params.get("message_thread_id")
        if thread is not None and not self.state.chats[chat_id].get("is_forum"):
            raise ApiError(400, "Bad Request: message thread not found")
        return int(thread) if thread is not None else None

    async def _api_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(params)
        document = params.get("document")
        if not isinstance(document, tuple):
            raise ApiError(400, "Bad Request: there is no document in the request")
        source, caption, entities = render(params, "caption")
        message = BotMessage(
            chat_id,
            self._next_message_id(chat_id),
            caption,
            source,
            entities,
            check_keyboard(params),
            document=document,
            thread_id=self._thread(chat_id, params),
        )
        return self._store(message)

    def _own_message(self, params: dict[str, Any]) -> BotMessage:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.state.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.state.messages[key]

    async def _api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._own_message(params)
        source, text, entities = render(params)
        keyboard = check_keyboard(params)
        if text == message.text and entities == message.entities and keyboard == message.keyboard:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current "
                "content and reply markup of the message",
            )
        message.text, message.html, message.entities = text, source, entities
        message.keyboard, message.edits = keyboard, message.edits + 1
        self._wake()
        return self._message_json(message)

    async def _api_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._own_message(params)
        keyboard = check_keyboard(params)
        if keyboard == message.keyboard:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current "
                "content and reply markup of the message",
            )
        message.keyboard, message.edits = keyboard, message.edits + 1
        self._wake()
        return self._message_json(message)

    async def _api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(params["callback_query_id"])
        if query_id not in self.state.open_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(str(params.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.state.open_queries.discard(query_id)
        self.state.answers[query_id] = params
        self._wake()
        return True

    async def _api_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = params["commands"]
        for command in commands:
            name, description = command["command"], command["description"]
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.state.commands[(scope, str(params.get("language_code", "")))] = commands
        return True

    async def _api_deletewebhook(self, params: dict[str, Any]) -> bool:
        await self._stop_pushing()
        self.state.webhook = None
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.state.queue.clear()
        return True

    async def _api_setwebhook(self, params: dict[str, Any]) -> bool:
        await self._stop_pushing()
        self.state.webhook = {
            "url": str(params["url"]),
            "secret_token": params.get("secret_token"),
            "allowed_updates": params.get("allowed_updates"),
        }
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.state.queue.clear()
        self._pusher = asyncio.get_running_loop().create_task(
            push_updates(self.state, self._changed, lambda: self._closing)
        )
        return True

    async def _api_getwebhookinfo(self, _params: dict[str, Any]) -> dict[str, Any]:
        webhook = self.state.webhook or {}
        return {
            "url": webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.queue),
        }

    async def _stop_pushing(self) -> None:
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
            self._pusher = None


__all__ = ["BotApiDouble", "BotMessage", "Citizen", "Group"]
