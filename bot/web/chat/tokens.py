"""Session ids the server hands out, the tokens that prove a page owns one, and the
short-lived tickets that open a session's event stream.

A token is an HMAC of the session id under the installation's key, so it can be checked
without storing anything, and a token for one session opens no other. Every sender needs
one: a conversation can export and erase a person's data. A trusted front end (a server
that signs its users in itself) may instead send the operator's shared secret, which
stands for any sender.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

ISSUED_PREFIX = "w-"
TICKET_SECONDS = 60  # a ticket is in a URL, so in proxy logs: it must be worthless soon
DEFAULT_SENDER = "default"  # Rasa's sender when a request names none
MAX_SENDER_CHARS = 128  # the store keeps up to 255; Rasa itself sets no limit
# control characters and halves of UTF-16 pairs: nothing a sender id needs, and the halves
# could be neither stored nor signed
_NOT_IN_SENDER = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def new_sender() -> str:
    return ISSUED_PREFIX + secrets.token_urlsafe(18)


def valid_sender(sender: str) -> bool:
    """Any text as Rasa accepts it (e-mail addresses, names, numbers in any script), but not
    empty, not longer than MAX_SENDER_CHARS and without control characters."""
    return 0 < len(sender) <= MAX_SENDER_CHARS and _NOT_IN_SENDER.search(sender) is None


def sender_from_json(value: object) -> str | None:
    """The sender of a Rasa request: missing → "default", a number → its digits, as Rasa
    casts it; None for anything else (a list, an object, true/false)."""
    if value is None:
        return DEFAULT_SENDER
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else None


def sign(key: str, sender: str) -> str:
    return _mac(key, f"web-chat:{sender}")


def verify(key: str, sender: str, token: str) -> bool:
    return _same(sign(key, sender), token)


def authorised(key: str, frontend_secret: str | None, sender: str, token: object) -> bool:
    """The sender's own token, or the trusted front end's secret where one is configured."""
    if not isinstance(token, str):
        return False
    if frontend_secret and _same(frontend_secret, token):
        return True
    return verify(key, sender, token)


def stream_ticket(key: str, sender: str, now: float) -> str:
    """Opens the sender's event stream until TICKET_SECONDS from now."""
    expires = int(now) + TICKET_SECONDS
    return f"{expires}.{_mac(key, f'stream:{sender}:{expires}')}"


def ticket_valid(key: str, sender: str, ticket: str, now: float) -> bool:
    expires, _, mac = ticket.partition(".")
    if not (expires.isascii() and expires.isdecimal() and len(expires) < 12):
        return False
    return int(expires) >= now and _same(_mac(key, f"stream:{sender}:{expires}"), mac)


def _mac(key: str, text: str) -> str:
    digest = hmac.new(key.encode(), text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _same(expected: str, given: str) -> bool:
    # as bytes: compare_digest refuses str with non-ASCII characters (a header may hold any)
    return hmac.compare_digest(_bytes(expected), _bytes(given))


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")
