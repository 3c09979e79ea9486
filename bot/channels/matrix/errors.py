"""What a refused Matrix send means for the outbox: wait and retry, blocked, or give up."""

from __future__ import annotations

from nio import ErrorResponse

from bot.channels.base import SendResult

# the homeserver says the bot may not write there: it was kicked, banned or the room is gone
BLOCKED = ("M_FORBIDDEN", "M_NOT_FOUND")
GIVE_UP = ("M_TOO_LARGE", "M_BAD_JSON", "M_NOT_JSON")
DEFAULT_WAIT = 5.0


def send_failure(error: ErrorResponse) -> SendResult:
    """Never drop a message for a passing problem; stop when the citizen left the room."""
    code = error.status_code
    detail = str(error)
    if code == "M_LIMIT_EXCEEDED":
        wait = error.retry_after_ms / 1000 if error.retry_after_ms else DEFAULT_WAIT
        return SendResult("retry", detail, wait)
    if code in BLOCKED:
        return SendResult("blocked", detail)
    if code in GIVE_UP:
        return SendResult("failed", detail)
    return SendResult("retry", detail)
