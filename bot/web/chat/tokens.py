"""Session ids the server hands out, and the tokens that prove a page owns one.

A token is an HMAC of the session id under the installation's key, so it can be checked
without storing anything, and a token for one session opens no other.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

ISSUED_PREFIX = "w-"  # ids of this form came from us and are always checked
_SENDER = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")


def new_sender() -> str:
    return ISSUED_PREFIX + secrets.token_urlsafe(18)


def valid_sender(sender: str) -> bool:
    return bool(_SENDER.match(sender))


def is_issued(sender: str) -> bool:
    return sender.startswith(ISSUED_PREFIX)


def sign(key: str, sender: str) -> str:
    digest = hmac.new(key.encode(), f"web-chat:{sender}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def verify(key: str, sender: str, token: str) -> bool:
    return hmac.compare_digest(sign(key, sender), token)
