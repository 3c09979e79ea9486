"""Short notes the Matrix channel writes by itself, in German and English: it cannot tell
the citizen's language, and what it answers is not a turn of the conversation."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import ClientError
from nio import AsyncClient, ErrorResponse, LocalProtocolError, RoomSendResponse
from nio.api import Api

from bot.channels.matrix.format import notice

log = logging.getLogger(__name__)

UNREADABLE = (
    "Ich konnte Ihre Nachricht nicht entschlüsseln. Bitte schreiben Sie sie noch einmal.",
    "I could not decrypt your message. Please send it again.",
)
EDITS_NOT_READ = (
    "Geänderte Nachrichten kann ich leider nicht lesen. "
    "Bitte schicken Sie Ihre Korrektur als neue Nachricht.",
    "I can't read edited messages. Please send your correction as a new message.",
)
DELETED = (
    "Sie haben eine Nachricht gelöscht: Ich habe sie auch bei mir gelöscht und fange neu an. "
    "Was möchten Sie tun? Schreiben Sie einfach „Hilfe“.",
    "You deleted a message: I deleted it on my side too and start afresh. "
    "What would you like to do? Just write “help”.",
)
PHOTO_NOT_LOADED = (
    "Ich konnte Ihr Foto leider nicht laden. Bitte schicken Sie es noch einmal "
    "oder überspringen Sie das Foto.",
    "I could not load your photo. Please send it again or skip the photo.",
)
NOT_A_DIRECT_CHAT = (
    "Ich antworte nur in direkten Chats. Bitte schreiben Sie mir direkt.",
    "I only answer in direct chats. Please message me directly.",
)


def photo_too_big(limit_mb: int) -> tuple[str, str]:
    return (
        f"Dieses Foto ist zu groß (höchstens {limit_mb} MB). Bitte schicken Sie ein "
        "kleineres Foto oder überspringen Sie das Foto.",
        f"This photo is too large (at most {limit_mb} MB). Please send a smaller one "
        "or skip the photo.",
    )


def bilingual(note: tuple[str, str]) -> dict[str, Any]:
    german, english = note
    return notice(f"{german}\n{english}", f"{german}<br><i>{english}</i>")


async def send_note(
    client: AsyncClient,
    room_id: str,
    note: tuple[str, str],
    tx_id: str,
    *,
    encrypt: bool = True,
    relation: dict[str, Any] | None = None,
) -> None:
    """Send a note once per `tx_id` (the homeserver drops a repeat); a failure is logged."""
    content = bilingual(note)
    if relation is not None:
        content["m.relates_to"] = relation
    try:
        if encrypt:  # the caller decided the room's devices (trust.py) beforehand
            answer: Any = await client.room_send(
                room_id, "m.room.message", content, tx_id=tx_id, ignore_unverified_devices=False
            )
        else:
            method, path, data = Api.room_send(
                client.access_token, room_id, "m.room.message", content, tx_id
            )
            answer = await client._send(RoomSendResponse, method, path, data, (room_id,))
    except (LocalProtocolError, ClientError, TimeoutError) as error:
        answer = error
    if isinstance(answer, ErrorResponse | Exception):
        log.warning("Matrix: could not send a note to %s: %s", room_id, answer)
