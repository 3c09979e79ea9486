"""The Matrix channel: room events in as inbound messages, replies out as m.notice events."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from typing import Any

from nio import (
    AsyncClient,
    InviteMemberEvent,
    LocalProtocolError,
    MatrixRoom,
    MegolmEvent,
    ProfileGetDisplayNameResponse,
    ReactionEvent,
    RedactionEvent,
    RoomEncryptedMedia,
    RoomMessageEmote,
    RoomMessageMedia,
    RoomMessageText,
    RoomMessageUnknown,
    SyncError,
)

from bot.channels.base import Capabilities, InboundSink, SendResult
from bot.channels.matrix import notes
from bot.channels.matrix.events import (
    CHANNEL,
    BotIdentity,
    answer_from_reaction,
    inbound_from_event,
    is_edit,
    is_group,
    relation,
    thread_root,
)
from bot.channels.matrix.format import MAX_TEXT
from bot.channels.matrix.invites import answer_invite
from bot.channels.matrix.login import MatrixAccount, MatrixLoginError, signed_in_client
from bot.channels.matrix.members import known_members
from bot.channels.matrix.photos import ImageFile, fetch_image, image_file
from bot.channels.matrix.room_memory import RoomMemory
from bot.channels.matrix.sending import membership, secure, send_reply, take_back_exports
from bot.channels.matrix.store_link import MessageDeleted, StoreLink
from bot.channels.matrix.trust import TrustPolicy
from bot.channels.ordered_work import OrderedWork
from bot.messages import InboundMessage, Outbound
from flows.types import Photo

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
SYNC_PAUSE_AFTER_ERROR = 5.0
MAX_PHOTO_BYTES = 10_000_000  # the report photo limit's default
# members arrive with the events that need them, not all at once for every room
LAZY_MEMBERS: dict[str, Any] = {
    "room": {"state": {"lazy_load_members": True}, "timeline": {"lazy_load_members": True}}
}


class MatrixChannel:
    """Holds a matrix-nio AsyncClient; translates and holds no business logic."""

    name = CHANNEL
    capabilities = Capabilities(buttons=False, max_length=MAX_TEXT, files=False)

    def __init__(
        self,
        account: MatrixAccount,
        *,
        sync_timeout_ms: int = SYNC_TIMEOUT_MS,
        trust: TrustPolicy | None = None,
        max_photo_bytes: int = MAX_PHOTO_BYTES,
    ) -> None:
        self._account = account
        self._max_photo_bytes = max_photo_bytes
        self._sync_timeout_ms = sync_timeout_ms
        self._trust = trust or TrustPolicy()
        self._client: AsyncClient | None = None
        self._me: BotIdentity | None = None
        self._sink: InboundSink | None = None
        self._store: StoreLink | None = None
        self._memory = RoomMemory(account.store_dir)
        self._catching_up = False
        self._syncing: asyncio.Task[None] | None = None
        self._work = OrderedWork("a Matrix message")

    @property
    def device_id(self) -> str | None:
        return self._client.device_id if self._client is not None else None

    @property
    def trust(self) -> TrustPolicy:
        return self._trust

    def members_known(self, room_id: str) -> int:
        """How many members of a room the bot has loaded; lazily, only those it needed."""
        room = self._client.rooms.get(room_id) if self._client is not None else None
        return len(room.users) if room is not None else 0

    def link_store(self, link: StoreLink) -> None:
        """How deleted messages are forgotten and an erased citizen's room is recognised."""
        self._store = link

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
            # m.location is an unknown message to nio (bot/channels/matrix/events.py)
            (
                RoomMessageText,
                RoomMessageEmote,
                RoomMessageMedia,
                RoomEncryptedMedia,
                RoomMessageUnknown,
            ),
        )
        client.add_event_callback(self._on_undecryptable, MegolmEvent)
        client.add_event_callback(self._on_reaction, ReactionEvent)
        client.add_event_callback(self._on_redaction, RedactionEvent)
        profile = await client.get_displayname()
        name = profile.displayname if isinstance(profile, ProfileGetDisplayNameResponse) else None
        self._me = BotIdentity(client.user_id, name)
        if client.should_upload_keys:
            # before any join: a citizen who sees the bot join must find its device keys
            await client.keys_upload()
        # a new store has no sync token: what happened before the bot existed is not for it;
        # a stored token resumes where the last run stopped, so nothing sent meanwhile is lost
        self._catching_up = not client.loaded_sync_token
        # full state: nio keeps no rooms between runs; lazily, so members come only as needed
        response = await client.sync(timeout=0, sync_filter=LAZY_MEMBERS, full_state=True)
        self._catching_up = False
        if isinstance(response, SyncError):
            raise MatrixLoginError(f"the homeserver refused the first sync: {response}")
        await self._after_sync(client)

    async def _sync_forever(self, client: AsyncClient) -> None:
        while True:
            try:
                response = await client.sync(
                    timeout=self._sync_timeout_ms, sync_filter=LAZY_MEMBERS
                )
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

    def _listening(self) -> tuple[AsyncClient, BotIdentity, InboundSink] | None:
        if self._catching_up or self._client is None or self._me is None or self._sink is None:
            return None
        return self._client, self._me, self._sink

    async def _on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if self._client is not None:
            await answer_invite(self._client, room, event)

    async def _on_message(self, room: MatrixRoom, event: Any) -> None:
        listening = self._listening()
        if listening is None or event.sender == listening[1].user_id:
            return
        await known_members(listening[0], room)  # a direct chat or a group?
        if is_edit(event):
            if not is_group(room):  # in a group an edit may be chatter not meant for the bot
                self._work.add((room.room_id, event.sender), lambda: self._note_edit(room, event))
            return
        inbound = inbound_from_event(room, event, listening[1])
        if inbound is None:
            return
        self._memory.text(event.event_id, room.room_id, event.sender, inbound.text)
        self._hand_on(room, inbound, thread_root(event), image_file(event))

    def _hand_on(
        self,
        room: MatrixRoom,
        inbound: InboundMessage,
        thread: str | None,
        image: ImageFile | None = None,
    ) -> None:
        sink = self._sink
        assert sink is not None
        event_id = inbound.platform_id or ""

        async def handle() -> None:
            self._memory.wrote(room.room_id, event_id, thread)  # answers follow into a thread
            message = inbound if image is None else await self._with_photo(room, inbound, image)
            if message is not None:
                await sink(message)

        self._work.add((room.room_id, inbound.key.user), handle)

    async def _with_photo(
        self, room: MatrixRoom, inbound: InboundMessage, image: ImageFile
    ) -> InboundMessage | None:
        """Fetch the picture first: the turn gets its bytes, never an mxc:// address.

        A picture too big or not to be had is answered here and goes no further, so the
        conversation stays where it was: the citizen sends it again, or skips."""
        client = self._client
        if client is None:
            return None
        fetched = await fetch_image(client, image, self._max_photo_bytes)
        if isinstance(fetched, bytes):
            return replace(inbound, photo=Photo(fetched, image.mimetype, image.name))
        note = (
            notes.photo_too_big(max(1, self._max_photo_bytes // 10**6))
            if fetched == "too_big"
            else notes.PHOTO_NOT_LOADED
        )
        await secure(client, room, self._trust)
        tx_id = f"mitreden-photo-{inbound.platform_id}"
        await notes.send_note(client, room.room_id, note, tx_id)
        return None

    async def _on_reaction(self, room: MatrixRoom, event: ReactionEvent) -> None:
        """👍 or 👎 on the bot's yes/no question answers it; other reactions are decoration."""
        listening = self._listening()
        if listening is None or event.sender == listening[1].user_id:
            return
        await known_members(listening[0], room)
        inbound = answer_from_reaction(room, event, self._memory.question(room.room_id))
        if inbound is not None:
            self._memory.answered(room.room_id)
            self._hand_on(room, inbound, thread_root(event))

    async def _on_redaction(self, room: MatrixRoom, event: RedactionEvent) -> None:
        """A citizen deleted a message: its text is forgotten where the bot kept it."""
        remembered = self._memory.take_text(event.redacts)
        if self._listening() is None or remembered is None:
            return
        room_id, sender, text = remembered
        deleted = MessageDeleted(CHANNEL, room_id, sender, text)
        self._work.add((room_id, sender), lambda: self._forget(room, deleted, event.event_id))

    async def _forget(self, room: MatrixRoom, deleted: MessageDeleted, redaction: str) -> None:
        client, store = self._client, self._store
        if client is None or store is None or not await store.forget_message(deleted):
            return
        await secure(client, room, self._trust)
        await notes.send_note(client, room.room_id, notes.DELETED, f"mitreden-deleted-{redaction}")

    async def _note_edit(self, room: MatrixRoom, event: Any) -> None:
        """Edits are not read (the flow has moved on): say so, as a reply to the message."""
        client = self._client
        if client is None:
            return
        edited = relation(event).get("event_id")
        reply = {"m.in_reply_to": {"event_id": edited}} if isinstance(edited, str) else None
        await secure(client, room, self._trust)
        tx_id = f"mitreden-edit-{event.event_id}"
        await notes.send_note(client, room.room_id, notes.EDITS_NOT_READ, tx_id, relation=reply)

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
        tx_id = f"mitreden-unreadable-{event.event_id}"
        await notes.send_note(client, room.room_id, notes.UNREADABLE, tx_id, encrypt=False)

    # --- out --------------------------------------------------------------------------

    async def send(self, message: Outbound) -> SendResult:
        client = self._client
        if client is None or self._me is None:
            return SendResult("retry", "the Matrix channel is not started", retry_after=1.0)
        room = client.rooms.get(message.address)
        if room is None:
            return await membership(client, message.address, "the room is not synced yet")
        await known_members(client, room)
        if room.joined_count < 2 and room.invited_count == 0:
            return SendResult("blocked", "everyone else left the room")
        result = await send_reply(client, room, message, self._memory, self._trust)
        if result.outcome == "sent" and self._memory.exports(room.room_id):
            await self._after_erasure(client, room.room_id)
        return result

    async def _after_erasure(self, client: AsyncClient, room_id: str) -> None:
        """Once a room's citizen was erased (their goodbye just went out), take back the
        data exports the bot posted there."""
        if self._store is not None and not await self._store.room_in_use(room_id):
            await take_back_exports(client, room_id, self._memory)
