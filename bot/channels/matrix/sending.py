"""Sending one reply to a Matrix room: decide its devices, post its events, note what went out."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from aiohttp import ClientError
from nio import (
    AsyncClient,
    ErrorResponse,
    JoinedRoomsResponse,
    LocalProtocolError,
    MatrixRoom,
    OlmUnverifiedDeviceError,
    RoomSendResponse,
)

from bot.channels.base import SendResult
from bot.channels.matrix.errors import send_failure
from bot.channels.matrix.format import file_indexes, options_index, reply_contents
from bot.channels.matrix.members import members_and_keys
from bot.channels.matrix.room_memory import RoomMemory
from bot.channels.matrix.trust import TrustPolicy, decide_devices
from bot.messages import Outbound

log = logging.getLogger(__name__)

ERASED = "Daten gelöscht / data erased"


def transaction_id(outbox_id: int, piece: int, content: dict[str, Any]) -> str:
    """Stable per outbox row and piece, so the homeserver posts a retried send only once.

    The content's digest is part of it because SQLite hands out a deleted row's id again
    (after an erasure), and the homeserver would take the new message for the old one."""
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
    return f"mitreden-{outbox_id}-{piece}-{digest}"


async def secure(client: AsyncClient, room: MatrixRoom, trust: TrustPolicy) -> None:
    """Before an encrypted send: every device in the room is trusted or blacklisted."""
    if room.encrypted:
        await members_and_keys(client, room)
        decide_devices(client, room, trust)


async def membership(client: AsyncClient, room_id: str, detail: str) -> SendResult:
    """Retry while the bot is in the room (the next sync catches up), else it is blocked."""
    joined = await client.joined_rooms()
    if isinstance(joined, JoinedRoomsResponse) and room_id in joined.rooms:
        return SendResult("retry", detail, retry_after=1.0)
    if isinstance(joined, ErrorResponse):
        return send_failure(joined)
    return SendResult("blocked", f"the bot is no longer in {room_id}")


async def send_reply(
    client: AsyncClient, room: MatrixRoom, message: Outbound, memory: RoomMemory, trust: TrustPolicy
) -> SendResult:
    """Post every event of the reply, encrypted to the devices the trust policy allows."""
    contents = reply_contents(message.reply, memory.thread_relation(room.room_id))
    sent: list[str] = []
    try:
        await secure(client, room, trust)
        for piece, content in enumerate(contents):
            response = await client.room_send(
                room.room_id,
                "m.room.message",
                content,
                tx_id=transaction_id(message.outbox_id, piece, content),
                ignore_unverified_devices=False,  # `secure` decided every device
            )
            if isinstance(response, ErrorResponse):
                return send_failure(response)
            if isinstance(response, RoomSendResponse):
                sent.append(response.event_id)
    except OlmUnverifiedDeviceError as error:  # a device appeared after `secure`: next time
        return SendResult("retry", f"a new device: {error}", retry_after=1.0)
    except LocalProtocolError as error:  # e.g. the members of the room cannot be read
        return await membership(client, room.room_id, f"{type(error).__name__}: {error}")
    except (ClientError, TimeoutError) as error:
        return SendResult("retry", f"{type(error).__name__}: {error}")
    _note_sent(room.room_id, message, contents, sent, memory)
    return SendResult.sent()


def _note_sent(
    room_id: str,
    message: Outbound,
    contents: list[dict[str, Any]],
    sent: list[str],
    memory: RoomMemory,
) -> None:
    if len(sent) != len(contents):
        return
    asked = options_index(contents)
    memory.asked(room_id, sent[asked] if asked is not None else "", message.reply.options)
    files = file_indexes(contents)
    if files:
        memory.exported(room_id, [sent[n] for n in files])


async def take_back_exports(client: AsyncClient, room_id: str, memory: RoomMemory) -> None:
    """Redact the data exports the bot posted in a room whose citizen was erased."""
    for event_id in memory.exports(room_id):
        redacted = await client.room_redact(
            room_id, event_id, reason=ERASED, tx_id=f"mitreden-redact-{event_id}"
        )
        if isinstance(redacted, ErrorResponse):
            log.warning("Matrix: could not redact an export in %s: %s", room_id, redacted)
            return  # tried again after the next send to the room
    memory.forget_exports(room_id)
