"""A citizen's Matrix app, written with matrix-nio: an encrypted direct chat with the bot."""

from __future__ import annotations

import asyncio
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    EnableEncryptionBuilder,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    RedactionEvent,
    RoomCreateResponse,
    RoomMessageNotice,
    RoomMessageText,
    RoomRedactResponse,
    RoomSendResponse,
    SyncError,
    UploadResponse,
)

from tests.bot.channels.matrix.synapse_server import Account

PATIENCE = 30.0  # a guard against a hanging test, not a timing assertion
SYNC_WAIT_MS = 5_000
TIMELINE = {"room": {"timeline": {"limit": 100}}}
_ITEM = re.compile(r"<li>(.*?)</li>")


@dataclass(frozen=True)
class Received:
    """One event the bot sent, as the citizen's app shows it."""

    room_id: str
    event_id: str
    sender: str
    msgtype: str
    body: str
    formatted_body: str | None
    encrypted: bool
    relates_to: dict[str, Any] | None = None

    def options(self) -> list[str]:
        """The numbered options: the list the formatted body ends with."""
        if not self.formatted_body or not self.formatted_body.endswith("</ol>"):
            return []
        listed = self.formatted_body[self.formatted_body.rindex("<ol>") :]
        return [html.unescape(item) for item in _ITEM.findall(listed)]


class Citizen:
    """Logs in as its own E2EE device and syncs by hand, so a test waits on events, not time."""

    def __init__(self, homeserver: str, account: Account, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        self.account = account
        self.client = AsyncClient(
            homeserver,
            account.user_id,
            store_path=str(store),
            config=AsyncClientConfig(store_sync_tokens=True, encryption_enabled=True),
        )
        self.room_id = ""
        self.inbox: list[Received] = []
        self.undecryptable: list[MegolmEvent] = []
        self.redacted: set[str] = set()
        self.last: list[Received] = []
        self.client.add_event_callback(self._on_message, (RoomMessageNotice, RoomMessageText))
        self.client.add_event_callback(self._on_undecryptable, MegolmEvent)
        self.client.add_event_callback(self._on_redaction, RedactionEvent)

    async def _on_message(self, room: MatrixRoom, event: Any) -> None:
        if event.sender == self.account.user_id:
            return
        content = event.source.get("content", {})
        self.inbox.append(
            Received(
                room.room_id,
                event.event_id,
                event.sender,
                str(content.get("msgtype")),
                str(event.body),
                content.get("formatted_body"),
                bool(getattr(event, "decrypted", False)),
                content.get("m.relates_to"),
            )
        )

    async def _on_redaction(self, room: MatrixRoom, event: RedactionEvent) -> None:
        self.redacted.add(event.redacts)

    async def _on_undecryptable(self, room: MatrixRoom, event: MegolmEvent) -> None:
        self.undecryptable.append(event)

    async def login(self) -> None:
        answer = await self.client.login(self.account.password, device_name="citizen-app")
        assert isinstance(answer, LoginResponse), answer
        await self.sync(0)

    async def close(self) -> None:
        await self.client.close()

    async def sync(self, timeout_ms: int = SYNC_WAIT_MS) -> None:
        # enough events per sync that none is skipped (Element fetches a gap's events instead)
        answer = await self.client.sync(timeout=timeout_ms, sync_filter=TIMELINE)
        assert not isinstance(answer, SyncError), answer
        client = self.client
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        await client.send_to_device_messages()

    async def open_direct_chat(self, bot: str, *, encrypted: bool = True) -> str:
        """Create a direct chat and wait until the bot has joined it."""
        state = [EnableEncryptionBuilder().as_dict()] if encrypted else []
        created = await self.client.room_create(is_direct=True, invite=[bot], initial_state=state)
        assert isinstance(created, RoomCreateResponse), created
        self.room_id = created.room_id
        await self.until(lambda: self.has_joined(bot))
        # the bot's device may have been created after the invite (a bot started later);
        # Element looks its keys up again at this point, and so does this client
        self.client.olm.users_for_key_query.add(bot)
        await self.client.keys_query()
        return self.room_id

    def has_joined(self, user_id: str, room_id: str | None = None) -> bool:
        """Joined, not merely invited (nio lists invited users among the members too)."""
        room = self.client.rooms.get(room_id or self.room_id)
        return room is not None and user_id in room.users and user_id not in room.invited_users

    def room(self) -> MatrixRoom:
        return self.client.rooms[self.room_id]

    async def until(self, condition: Any) -> None:
        async def wait() -> None:
            while not condition():
                await self.sync()

        try:
            await asyncio.wait_for(wait(), PATIENCE)
        except TimeoutError:
            seen = [r.body[:60] for r in self.inbox[-3:]]
            unreadable = len(self.undecryptable)
            raise AssertionError(
                f"waited in vain; last seen {seen}, {unreadable} unreadable"
            ) from None

    async def write(
        self,
        text: str,
        room_id: str | None = None,
        *,
        extra: dict[str, Any] | None = None,
        **fields: Any,
    ) -> str:
        """Send a message (encrypted where the room is) and return its event id; `extra`
        holds content fields such as m.relates_to."""
        if self.client.should_query_keys:
            await self.client.keys_query()
        sent = await self.client.room_send(
            room_id or self.room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": text, **fields, **(extra or {})},
            ignore_unverified_devices=True,
        )
        assert isinstance(sent, RoomSendResponse), sent
        return str(sent.event_id)

    async def upload(self, content: bytes, *, encrypt: bool) -> dict[str, Any]:
        """Put a file on the homeserver; the content fields that point at it (`url`, or
        `file` with the key for an encrypted room)."""
        uploaded, keys = await self.client.upload(
            io.BytesIO(content), "image/jpeg", "foto.jpg", encrypt=encrypt, filesize=len(content)
        )
        assert isinstance(uploaded, UploadResponse), uploaded
        if not encrypt:
            return {"url": uploaded.content_uri}
        assert keys is not None
        return {"file": {**keys, "url": uploaded.content_uri, "mimetype": "image/jpeg"}}

    async def send_picture(
        self,
        content: bytes,
        *,
        msgtype: str = "m.image",
        mimetype: str = "image/jpeg",
        body: str = "foto.jpg",
        encrypt: bool | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """Send a picture as Element does: uploaded (encrypted in an encrypted room), then
        an event that points at it with its type and size; `extra` overrides content fields."""
        encrypt = self.room().encrypted if encrypt is None else encrypt
        where = await self.upload(content, encrypt=encrypt)
        info = {"mimetype": mimetype, "size": len(content), "w": 64, "h": 48}
        return await self.write(body, msgtype=msgtype, info=info, extra={**where, **(extra or {})})

    async def react(self, event_id: str, key: str) -> None:
        """React to an event with an emoji (matrix-nio sends reactions unencrypted)."""
        relation = {"rel_type": "m.annotation", "event_id": event_id, "key": key}
        sent = await self.client.room_send(self.room_id, "m.reaction", {"m.relates_to": relation})
        assert isinstance(sent, RoomSendResponse), sent

    async def delete(self, event_id: str) -> None:
        """Delete (redact) a message the citizen wrote."""
        redacted = await self.client.room_redact(self.room_id, event_id)
        assert isinstance(redacted, RoomRedactResponse), redacted

    async def collect(self, count: int, room_id: str | None = None) -> list[Received]:
        """Wait until `count` more bot events arrived in the room, then take everything new."""
        room = room_id or self.room_id
        seen = len(self.inbox)
        await self.until(lambda: sum(r.room_id == room for r in self.inbox[seen:]) >= count)
        await self.sync(0)  # pieces of a long reply that came in the same moment
        self.last = [r for r in self.inbox[seen:] if r.room_id == room]
        return self.last

    def texts(self) -> str:
        return "\n---\n".join(r.body for r in self.last)

    def options(self) -> list[str]:
        return [option for r in self.last for option in r.options()]

    def number_of(self, label: str) -> str:
        """The number to type for the option whose label contains `label`."""
        for received in reversed(self.last):
            for number, option in enumerate(received.options(), start=1):
                if label.lower() in option.lower():
                    return str(number)
        raise AssertionError(f"no option like {label!r} in {self.texts()}")
