"""Staff accounts, their web sessions, failed-login counters and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.staff import AuditEntry, LoginThrottle, StaffAccount, StaffSession

ROLES = ("staff", "admin")


async def account_by_name(session: AsyncSession, name: str) -> StaffAccount | None:
    return await session.scalar(
        select(StaffAccount).where(func.lower(StaffAccount.name) == name.strip().lower())
    )


async def account_by_id(session: AsyncSession, account_id: int) -> StaffAccount | None:
    return await session.get(StaffAccount, account_id)


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


async def set_password_hash(
    session: AsyncSession, account: StaffAccount, password_hash: str
) -> None:
    """A new password also ends every session of the account."""
    account.password_hash = password_hash
    await end_sessions_of(session, account.id)
    await session.flush()


async def set_active(session: AsyncSession, account: StaffAccount, active: bool) -> None:
    """Enable or disable the account; disabling also ends its sessions."""
    account.active = active
    if not active:
        await end_sessions_of(session, account.id)
    await session.flush()


async def set_role(session: AsyncSession, account: StaffAccount, role: str) -> None:
    account.role = role
    await session.flush()


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


async def add_flash(session: AsyncSession, token_hash: str, kind: str, text: str) -> None:
    """A message the session's next page shows once."""
    row = await session.get(StaffSession, token_hash)
    if row is not None:
        row.flash = [*(row.flash or []), [kind, text]]
        await session.flush()


async def clear_flash(session: AsyncSession, token_hash: str) -> None:
    await session.execute(
        update(StaffSession).where(StaffSession.token_hash == token_hash).values(flash=[])
    )


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


async def delete_stale_throttles(
    session: AsyncSession, *, window_before: datetime, lock_before: datetime
) -> int:
    """Counters nobody needs any more: never locked and their window is over, or their
    last lock ended before `lock_before`."""
    result = await session.execute(
        delete(LoginThrottle).where(
            or_(
                and_(
                    LoginThrottle.locked_until.is_(None),
                    LoginThrottle.first_failure_at < window_before,
                ),
                LoginThrottle.locked_until < lock_before,
            )
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def throttle_for_update(session: AsyncSession, key: str, now: datetime) -> LoginThrottle:
    """The counter of `key` (a new one when there is none), locked until the transaction
    ends: concurrent logins in any process count one after the other. PostgreSQL locks the
    row (FOR UPDATE); on SQLite the transaction's BEGIN IMMEDIATE already holds the file's
    write lock."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    await session.execute(
        insert(LoginThrottle)
        .values(key=key, failures=0, first_failure_at=now, lockouts=0)
        .on_conflict_do_nothing()
    )
    query = (
        select(LoginThrottle)
        .where(LoginThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(query)).one()


async def clear_failures(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


async def add_audit_entry(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    detail: dict[str, Any],
) -> None:
    """Adds one entry in the caller's transaction, flushed at once."""
    session.add(AuditEntry(at=at, actor=actor, action=action, target=target, detail=detail))
    await session.flush()


async def audit_entries(
    session: AsyncSession,
    *,
    actor: str | None = None,
    action: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[AuditEntry]:
    """The newest first; `actor` matches a whole name (any case), `action` its beginning."""
    query = select(AuditEntry)
    if actor:
        query = query.where(func.lower(AuditEntry.actor) == actor.strip().lower())
    if action:
        query = query.where(AuditEntry.action.startswith(action.strip()))
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
    return list((await session.scalars(query)).all())
