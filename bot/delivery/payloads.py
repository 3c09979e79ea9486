"""Replies to and from the JSON payload stored in the outbox."""

from __future__ import annotations

from typing import Any

from flows.types import Attachment, Option, Reply


def reply_to_payload(reply: Reply) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "text": reply.text,
        "options": [[option.label, option.value] for option in reply.options],
    }
    if reply.attachment is not None:
        payload["attachment"] = {
            "filename": reply.attachment.filename,
            "content": reply.attachment.content,
            "media_type": reply.attachment.media_type,
        }
    return payload


def payload_to_reply(payload: dict[str, Any]) -> Reply:
    attachment = payload.get("attachment")
    return Reply(
        text=str(payload.get("text", "")),
        options=tuple(
            Option(str(label), str(value)) for label, value in payload.get("options", [])
        ),
        attachment=Attachment(
            filename=str(attachment["filename"]),
            content=str(attachment["content"]),
            media_type=str(attachment.get("media_type", "application/json")),
        )
        if attachment
        else None,
    )
