"""The Matrix channel: room events in as inbound messages, replies out as m.notice events."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from typing import Any

from aiohttp import ClientError
from nio import (
    AsyncClient,
    ErrorResponse,
    InviteMemberEvent,
    JoinedRoomsResponse,
    LocalProtocolError,
    MatrixRoom,
    MegolmEvent,
    ProfileGetDisplayNameResponse,
    RoomEncryptedMedia,
    RoomMessageEmote,
    RoomMessageMedia,
    RoomMessageText,
    RoomSendResponse,
    SyncError,
)
from nio.api import Api

from bot.channels.base import Capabilities, InboundSink, SendResult
from bot.channels.matrix.errors import send_failure
from bot.channels.matrix.events import CHANNEL, BotIdentity, inbound_from_event, is_group
from bot.channels.matrix.format import MAX_TEXT, notice, reply_contents
from bot.channels.matrix.login import MatrixAccount, MatrixLoginError, signed_in_client
from bot.channels.ordered_work import OrderedWork
from bot.messages import Outbound

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
SYNC_PAUSE_AFTER_ERROR = 5.0
UNREADABLE = (
    "Ich konnte Ihre Nachricht nicht entschlüsseln. Bitte schreiben Sie sie noch einmal.\n"
    "I could not decrypt your message. Please send it again."
)
UNREADABLE_HTML = (
    "Ich konnte Ihre Nachricht nicht entschlüsseln. Bitte schreiben Sie sie noch einmal.<br>"
    "<i>I could not decrypt your message. Please send it again.</i>"
)


def transaction_id(outbox_id: int, piece: int, content: dict[str, Any]) -> str:
    """Stable per outbox row and piece, so the homeserver posts a retried send only once.

    The content's digest is part of it because SQLite hands out a deleted row's id again
    (after an erasure), and the homeserver would take the new message for the old one."""
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
    return f"mitreden-{outbox_id}-{piece}-{digest}"


class MatrixChannel:
    """Holds a matrix-nio AsyncClient; translates and holds no business logic."""

    name = CHANNEL
    capabilities = Capabilities(buttons=False, max_length=MAX_TEXT, files=False)

    def __init__(self, account: MatrixAccount, *, sync_timeout_ms: int = SYNC_TIMEOUT_MS) -> None:
        self._account = account
        self._sync_timeout_ms = sync_timeout_ms
        self._client: AsyncClient | None = None
        self._me: BotIdentity | None = None
        self._sink: InboundSink | None = None
        self._catching_up = False
        self._syncing: asyncio.Task[None] | None = None
        self._work = OrderedWork("a Matrix message")

    @property
    def device_id(self) -> str | None:
        return self._client.device_id if self._client is not None else None

    async def start(self, sink: InboundSink) -> None:
        """Sign in as the stored device, catch up once, then keep syncing in the background."""
        self._sink = sink
        client = await signed_in_client(self._account)
        self._client = client
        try:
            await self._first_sync(client)
        except BaseException:
            await client.close()
            self._client = None
            raise
        self._syncing = asyncio.create_task(self._sync_forever(client))
        log.info("Matrix: %s is listening as device %s", client.user_id, client.device_id)

    async def _first_sync(self, client: AsyncClient) -> None:
        client.add_event_callback(self._on_invite, InviteMemberEvent)
        client.add_event_callback(
            self._on_message,
            (RoomMessageText, RoomMessageEmote, RoomMessageMedia, RoomEncryptedMedia),
        )
        client.add_event_callback(self._on_undecryptable, MegolmEvent)
        profile = await client.get_displayname()
        name = profile.displayname if isinstance(profile, ProfileGetDisplayNameResponse) else None
        self._me = BotIdentity(client.user_id, name)
        if client.should_upload_keys:
            # before any join: a citizen who sees the bot join must find its device keys
            await client.keys_upload()
        # a new store has no sync token: what happened before the bot existed is not for it;
        # a stored token resumes where the last run stopped, so nothing sent meanwhile is lost
        self._catching_up = not client.loaded_sync_token
        response = await client.sync(timeout=0, full_state=True)
        self._catching_up = False
        if isinstance(response, SyncError):
            raise MatrixLoginError(f"the homeserver refused the first sync: {response}")
        await self._after_sync(client)

    async def _sync_forever(self, client: AsyncClient) -> None:
        while True:
            try:
                response = await client.sync(timeout=self._sync_timeout_ms)
                if isinstance(response, SyncError):
                    log.warning("Matrix sync failed: %s", response)
                    await asyncio.sleep(SYNC_PAUSE_AFTER_ERROR)
                    continue
                await self._after_sync(client)
            except Exception:  # the loop is the channel's ear: it must outlive any one failure
                log.exception("Matrix sync failed")
                await asyncio.sleep(SYNC_PAUSE_AFTER_ERROR)

    async def _after_sync(self, client: AsyncClient) -> None:
        """Keep the E2EE keys current, as nio's own sync loop does after every sync."""
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        await client.send_to_device_messages()

    async def stop(self) -> None:
        """Stop syncing, finish the messages in hand, then close the connection."""
        if self._syncing is not None:
            self._syncing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._syncing
            self._syncing = None
        await self._work.finish()
        if self._client is not None:
            await self._client.close()
            self._client = None
        self._me = None

    # --- in ---------------------------------------------------------------------------

    async def _on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        client = self._client
        if client is None or event.state_key != client.user_id or event.membership != "invite":
            return
        if not event.content.get("is_direct"):
            log.info("Matrix: not joining %s, it is not a direct chat", room.room_id)
            return
        joined = await client.join(room.room_id)
        if isinstance(joined, ErrorResponse):
            log.warning("Matrix: could not join %s: %s", room.room_id, joined)

    async def _on_message(self, room: MatrixRoom, event: Any) -> None:
        me, sink = self._me, self._sink
        if self._catching_up or me is None or sink is None:
            return
        inbound = inbound_from_event(room, event, me)
        if inbound is not None:
            self._work.add((room.room_id, event.sender), lambda: sink(inbound))

    async def _on_undecryptable(self, room: MatrixRoom, event: MegolmEvent) -> None:
        """Ask the sender's devices for the key, and tell the citizen in words they can read."""
        client = self._client
        if self._catching_up or client is None or event.sender == client.user_id:
            return
        with contextlib.suppress(LocalProtocolError):  # a request for this key is already out
            await client.request_room_key(event)
        if is_group(room):
            return  # in a group the message may not have been for the bot at all
        # unencrypted on purpose: if our keys are what broke, an encrypted answer is unreadable too
        method, path, data = Api.room_send(
            client.access_token,
            room.room_id,
            "m.room.message",
            notice(UNREADABLE, UNREADABLE_HTML),
            f"mitreden-unreadable-{event.event_id}",
        )
        answer = await client._send(RoomSendResponse, method, path, data, (room.room_id,))
        if isinstance(answer, ErrorResponse):
            log.warning("Matrix: could not explain an unreadable message: %s", answer)

    # --- out --------------------------------------------------------------------------

    async def _membership(self, client: AsyncClient, room_id: str, detail: str) -> SendResult:
        """Retry while the bot is in the room (the next sync catches up), else it is blocked."""
        joined = await client.joined_rooms()
        if isinstance(joined, JoinedRoomsResponse) and room_id in joined.rooms:
            return SendResult("retry", detail, retry_after=1.0)
        if isinstance(joined, ErrorResponse):
            return send_failure(joined)
        return SendResult("blocked", f"the bot is no longer in {room_id}")

    async def send(self, message: Outbound) -> SendResult:
        client = self._client
        if client is None or self._me is None:
            return SendResult("retry", "the Matrix channel is not started", retry_after=1.0)
        room = client.rooms.get(message.address)
        if room is None:
            return await self._membership(client, message.address, "the room is not synced yet")
        if room.joined_count < 2 and room.invited_count == 0:
            return SendResult("blocked", "everyone else left the room")
        try:
            if room.encrypted and client.should_query_keys:
                await client.keys_query()  # a device that just joined must get the key too
            for piece, content in enumerate(reply_contents(message.reply)):
                response = await client.room_send(
                    room.room_id,
                    "m.room.message",
                    content,
                    tx_id=transaction_id(message.outbox_id, piece, content),
                    ignore_unverified_devices=True,
                )
                if isinstance(response, ErrorResponse):
                    return send_failure(response)
        except LocalProtocolError as error:  # e.g. the members of the room cannot be read
            return await self._membership(client, room.room_id, f"{type(error).__name__}: {error}")
        except (ClientError, TimeoutError) as error:
            return SendResult("retry", f"{type(error).__name__}: {error}")
        return SendResult.sent()
