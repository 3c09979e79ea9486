"""How large an event gets on the homeserver, so a reply is split before Synapse refuses it.

Matrix allows 65 536 bytes for a whole event as the homeserver stores it. In an encrypted
room the content is first written as JSON with every non-ASCII character escaped ("ü" is
six bytes), then encrypted and base64-encoded (a third more). Characters are no measure of
that, so a reply is measured as the event it becomes.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_EVENT_BYTES = 65_536
# what the homeserver adds around the content (ids, hashes, signatures, the previous and
# authorising events) and the encrypted content's own fields; about 1.5 kB on Synapse
ENVELOPE_BYTES = 4_096
# a room id is at most 255 bytes; the longest one is assumed
_ROOM_ID = "!" + "x" * 254
# Megolm around the ciphertext: version, index and length fields, MAC, Ed25519 signature
_MEGOLM_BYTES = 1 + 6 + 6 + 8 + 64
_AES_BLOCK = 16


def encrypted_bytes(content: dict[str, Any], event_type: str = "m.room.message") -> int:
    """The size of the ciphertext nio makes of this content (larger than the plain event)."""
    plain = {"type": event_type, "content": content, "room_id": _ROOM_ID}
    # nio encrypts json.dumps with its defaults (ASCII only) and no spaces
    size = len(json.dumps(plain, separators=(",", ":")).encode())
    padded = (size // _AES_BLOCK + 1) * _AES_BLOCK
    return math.ceil((padded + _MEGOLM_BYTES) * 4 / 3)


def fits(content: dict[str, Any], budget: int = MAX_EVENT_BYTES) -> bool:
    """Whether the content makes an event the homeserver takes, encrypted or not."""
    return encrypted_bytes(content) + ENVELOPE_BYTES <= budget
