"""Staff accounts, their web sessions and failed-login counters."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.staff import LoginThrottle, StaffAccount, StaffSession

ROLES = ("staff", "admin")


async def account_by_name(session: AsyncSession, name: str) -> StaffAccount | None:
    return await session.scalar(
        select(StaffAccount).where(func.lower(StaffAccount.name) == name.strip().lower())
    )


async def list_accounts(session: AsyncSession) -> list[StaffAccount]:
    query = select(StaffAccount).order_by(func.lower(StaffAccount.name))
    return list((await session.scalars(query)).all())


async def active_account_names(session: AsyncSession) -> list[str]:
    query = (
        select(StaffAccount.name)
        .where(StaffAccount.active.is_(True))
        .order_by(func.lower(StaffAccount.name))
    )
    return list((await session.scalars(query)).all())


async def add_account(
    session: AsyncSession, *, name: str, password_hash: str, role: str, language: str, now: datetime
) -> StaffAccount:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    account = StaffAccount(
        name=name,
        password_hash=password_hash,
        role=role,
        active=True,
        language=language,
        created_at=now,
    )
    session.add(account)
    await session.flush()
    return account


async def end_sessions_of(session: AsyncSession, staff_id: int) -> None:
    """Logs the account out everywhere (after a disable or a new password)."""
    await session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))


async def create_session(
    session: AsyncSession, *, token_hash: str, staff_id: int, csrf_token: str, now: datetime
) -> None:
    session.add(
        StaffSession(
            token_hash=token_hash,
            staff_id=staff_id,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
            flash=[],
        )
    )
    await session.flush()


async def session_with_account(
    session: AsyncSession, token_hash: str
) -> tuple[StaffSession, StaffAccount] | None:
    row = (
        await session.execute(
            select(StaffSession, StaffAccount)
            .join(StaffAccount, StaffAccount.id == StaffSession.staff_id)
            .where(StaffSession.token_hash == token_hash)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def delete_session(session: AsyncSession, token_hash: str) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash))


async def delete_expired_sessions(
    session: AsyncSession, *, seen_before: datetime, created_before: datetime
) -> int:
    """Sessions nobody can use any more: idle too long, or older than the absolute limit."""
    result = await session.execute(
        delete(StaffSession).where(
            or_(StaffSession.last_seen_at < seen_before, StaffSession.created_at < created_before)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def delete_stale_throttles(session: AsyncSession, before: datetime) -> int:
    """Counters whose window and lock are both over."""
    result = await session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.first_failure_at < before,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < before),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def throttle_state(session: AsyncSession, key: str) -> LoginThrottle | None:
    return await session.get(LoginThrottle, key)


async def record_failure(
    session: AsyncSession,
    key: str,
    now: datetime,
    *,
    window: timedelta,
    limit: int,
    lock_for: timedelta,
) -> None:
    """Counts one failed login; `limit` failures within `window` lock the key for `lock_for`."""
    row = await session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failures=0, first_failure_at=now)
        session.add(row)
    if now - row.first_failure_at > window:
        row.failures = 0
        row.first_failure_at = now
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + lock_for
        row.failures = 0
        row.first_failure_at = now
    await session.flush()


async def clear_failures(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
