"""Bot replies in the shape Rasa's REST channel answers with, so Rasa chat front ends work,
and the button payloads that tell a press apart from typed text."""

from __future__ import annotations

import json
import re
from typing import Any

from flows.types import Reply

# Rasa's own "/intent{json}" syntax: front ends send a button's payload back as the
# message, and nobody types this by accident
PRESS_INTENT = "/choose"
_PRESS = re.compile(r"/choose(\{.*\})", re.DOTALL)
MAX_PAYLOAD_CHARS = 1000  # option values are short: a command, a key, a reference


def press_payload(value: str) -> str:
    """'yes' → '/choose{"value":"yes"}'"""
    return PRESS_INTENT + json.dumps({"value": value}, ensure_ascii=False, separators=(",", ":"))


def pressed_value(message: str) -> str | None:
    """The option value a button payload carries; None for anything else (typed text)."""
    if not message.startswith(PRESS_INTENT) or len(message) > MAX_PAYLOAD_CHARS:
        return None
    found = _PRESS.fullmatch(message.rstrip())
    try:
        data = json.loads(found.group(1)) if found is not None else None
    except ValueError:
        return None
    value = data.get("value") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


def rasa_message(recipient: str, reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"recipient_id": recipient, "text": reply.text}
    if reply.options:
        message["buttons"] = [
            {"title": option.label, "payload": press_payload(option.value)}
            for option in reply.options
        ]
    custom: dict[str, Any] = {}
    if reply.attachment is not None:
        # Rasa front ends ignore what they do not know; ours offers it as a download
        custom["attachment"] = {
            "filename": reply.attachment.filename,
            "media_type": reply.attachment.media_type,
            "content": reply.attachment.content,
        }
    if reply.accepts:
        # what the question takes besides text: ours offers "📍 Standort senden"
        custom["accepts"] = list(reply.accepts)
    if custom:
        message["custom"] = custom
    return message
