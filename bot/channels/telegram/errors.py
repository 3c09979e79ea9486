"""What a failed Bot API call means for the outbox: wait and retry, blocked, or give up."""

from __future__ import annotations

import os
import warnings
from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.channels.base import SendResult

# PTB 22 builds RetryAfter through a property that warns unless the process opted in to
# timedeltas; opting in is PTB's documented way forward and this module reads both types.
os.environ.setdefault("PTB_TIMEDELTA", "true")


def retry_seconds(error: RetryAfter) -> float:
    """Telegram's wait in seconds, whichever type this PTB version hands out."""
    with warnings.catch_warnings():
        # PTB 22 warns that the int will become a timedelta; both are handled here
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def send_failure(error: TelegramError) -> SendResult:
    """Never drop a message for a passing problem; stop at once when the citizen blocked us."""
    detail = f"{type(error).__name__}: {error.message}"
    if isinstance(error, RetryAfter):
        return SendResult("retry", detail, retry_seconds(error))
    if isinstance(error, Forbidden):
        return SendResult("blocked", detail)
    if isinstance(error, ChatMigrated):
        return SendResult("failed", f"{detail} (group moved to {error.new_chat_id})")
    if isinstance(error, BadRequest | InvalidToken):
        return SendResult("failed", detail)
    if isinstance(error, TimedOut | NetworkError):
        return SendResult("retry", detail)
    return SendResult("retry", detail)
