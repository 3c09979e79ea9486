"""CSRF protection: every state-changing request of the staff app carries the session's
token, as the form field `csrf_token` or the header `X-CSRF-Token` (for fetch calls).

The login form has no session yet; it uses a double-submit token: a random cookie whose
value the form repeats.
"""

from __future__ import annotations

import hmac
import secrets

from markupsafe import Markup, escape

FIELD = "csrf_token"
HEADER = "x-csrf-token"
LOGIN_COOKIE = "mitreden_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def tokens_match(expected: str | None, supplied: str | None) -> bool:
    if not expected or not supplied:
        return False
    return hmac.compare_digest(expected.encode(), supplied.encode())


def hidden_field(token: str) -> Markup:
    """The hidden input every POST form of the staff app contains."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, escape(token))


def new_login_token() -> str:
    return secrets.token_urlsafe(24)
