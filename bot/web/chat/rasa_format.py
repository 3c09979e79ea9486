"""Bot replies in the shape Rasa's REST channel answers with, so Rasa chat front ends work."""

from __future__ import annotations

from typing import Any

from flows.types import Reply


def rasa_message(recipient: str, reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"recipient_id": recipient, "text": reply.text}
    if reply.options:
        message["buttons"] = [
            {"title": option.label, "payload": option.value} for option in reply.options
        ]
    if reply.attachment is not None:
        # Rasa front ends ignore what they do not know; ours offers it as a download
        message["custom"] = {
            "attachment": {
                "filename": reply.attachment.filename,
                "media_type": reply.attachment.media_type,
                "content": reply.attachment.content,
            }
        }
    return message
