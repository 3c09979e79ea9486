"""Login throttling, per account and per address, stored in the database so a restart or a
second process does not reset it. A locked login gets the same answer whether the account
exists or not."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from storage import staff


def account_key(name: str) -> str:
    return f"account:{name.strip().lower()[:180]}"


def address_key(address: str) -> str:
    return f"address:{address[:180]}"


async def locked_until(session: AsyncSession, keys: list[str], now: datetime) -> datetime | None:
    """The latest end of a lock on any of `keys`, None when login may be tried."""
    ends = []
    for key in keys:
        row = await staff.throttle_state(session, key)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            ends.append(row.locked_until)
    return max(ends) if ends else None


async def note_failure(
    session: AsyncSession, name: str, address: str, now: datetime, settings: Settings
) -> None:
    window = lock = timedelta(minutes=settings.web_login_lock_minutes)
    await staff.record_failure(
        session,
        account_key(name),
        now,
        window=window,
        limit=settings.web_login_max_failures,
        lock_for=lock,
    )
    await staff.record_failure(
        session,
        address_key(address),
        now,
        window=window,
        limit=settings.web_login_max_failures_per_address,
        lock_for=lock,
    )


async def note_success(session: AsyncSession, name: str) -> None:
    """A right password clears the account's count; the address keeps its count, or one
    valid account would let an address guess other accounts' passwords without end."""
    await staff.clear_failures(session, account_key(name))
