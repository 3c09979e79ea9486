"""Login throttling per account and address, and per address alone, stored in the database
so a restart or a second process does not reset it.

An attempt is counted before its password is checked (the check is slow on purpose), so
forty guesses sent at once are checked no more often than the limit allows; a right
password takes its count back. The account is counted together with the address: guesses
from elsewhere lock out the guesser, never the person at their own desk. Each lock in a row
lasts twice as long as the one before. A locked login gets the same answer whether the
account exists or not."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from storage import staff
from storage.models.staff import LoginThrottle

LONGEST_LOCK = timedelta(hours=24)
# a key whose last lock ended this long ago starts again at the shortest lock
FORGIVE_AFTER = timedelta(hours=24)


def login_key(name: str, address: str) -> str:
    # a stored name has at most 64 characters, an IP address at most 45: the key fits in 200
    return f"login:{name.strip().lower()[:64]}@{address[:120]}"


def address_key(address: str) -> str:
    return f"address:{address[:180]}"


def lock_length(settings: Settings, lockouts: int) -> timedelta:
    """The first lock lasts `web_login_lock_minutes`, each further one twice as long."""
    first = timedelta(minutes=settings.web_login_lock_minutes)
    doublings = min(lockouts - 1, 16)  # beyond that the longest lock applies anyway
    return min(first * (1 << doublings), max(first, LONGEST_LOCK))


async def admit(
    session: AsyncSession, name: str, address: str, now: datetime, settings: Settings
) -> datetime | None:
    """Counts this attempt before its password is checked. Returns the end of the lock when
    the attempt is refused (it is then not counted), None when its password may be checked.
    Call it in the transaction the check's outcome is not part of: the count must be
    committed before the slow check starts."""
    # always in this order, so two transactions never wait for each other in a circle
    counters = [
        (
            await staff.throttle_for_update(session, login_key(name, address), now),
            settings.web_login_max_failures,
        ),
        (
            await staff.throttle_for_update(session, address_key(address), now),
            settings.web_login_max_failures_per_address,
        ),
    ]
    for row, limit in counters:
        _bring_up_to(row, now, limit, settings)
    ends = [row.locked_until for row, _ in counters if row.locked_until and row.locked_until > now]
    if ends:
        return max(ends)
    for row, _ in counters:
        row.failures += 1
    return None


def _bring_up_to(row: LoginThrottle, now: datetime, limit: int, settings: Settings) -> None:
    """A quiet window starts the count afresh, a lock long over is forgiven, and a full
    count starts the next lock."""
    if row.locked_until is not None and row.locked_until > now:
        return
    if now - row.first_failure_at > timedelta(minutes=settings.web_login_lock_minutes):
        row.failures = 0
        row.first_failure_at = now
    if row.locked_until is not None and now - row.locked_until > FORGIVE_AFTER:
        row.lockouts = 0
        row.locked_until = None
    if row.failures >= limit:
        row.lockouts += 1
        row.locked_until = now + lock_length(settings, row.lockouts)
        row.failures = 0
        row.first_failure_at = now


async def note_success(session: AsyncSession, name: str, address: str, now: datetime) -> None:
    """A right password clears the count of the account at this address and takes its own
    attempt back from the address's count. The address keeps the rest, or one valid account
    would let an address guess other accounts' passwords without end."""
    await staff.clear_failures(session, login_key(name, address))
    row = await staff.throttle_for_update(session, address_key(address), now)
    row.failures = max(0, row.failures - 1)


async def forget_stale(session: AsyncSession, now: datetime, settings: Settings) -> None:
    """Counters whose window is over and that were never locked, and those forgiven."""
    await staff.delete_stale_throttles(
        session,
        window_before=now - timedelta(minutes=settings.web_login_lock_minutes),
        lock_before=now - FORGIVE_AFTER,
    )
