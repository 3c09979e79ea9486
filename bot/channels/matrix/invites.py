"""Invitations: the bot joins direct chats and politely turns down every other room."""

from __future__ import annotations

import json
import logging

from nio import AsyncClient, ErrorResponse, InviteMemberEvent, MatrixRoom, RoomLeaveResponse
from nio.api import Api

from bot.channels.matrix.notes import NOT_A_DIRECT_CHAT

log = logging.getLogger(__name__)


async def answer_invite(client: AsyncClient, room: MatrixRoom, event: InviteMemberEvent) -> None:
    """Join a direct chat; decline anything else with a reason the inviter's app shows."""
    if event.state_key != client.user_id or event.membership != "invite":
        return
    if event.content.get("is_direct"):
        joined = await client.join(room.room_id)
        if isinstance(joined, ErrorResponse):
            log.warning("Matrix: could not join %s: %s", room.room_id, joined)
        return
    log.info("Matrix: declining %s, it is not a direct chat", room.room_id)
    # declining is leaving the room one is invited to; the reason is part of the spec since
    # Matrix 1.1, which nio's room_leave does not send
    method, path = Api.room_leave(client.access_token, room.room_id)
    reason = json.dumps({"reason": " / ".join(NOT_A_DIRECT_CHAT)})
    declined = await client._send(RoomLeaveResponse, method, path, reason)
    if isinstance(declined, ErrorResponse):
        log.warning("Matrix: could not decline %s: %s", room.room_id, declined)
