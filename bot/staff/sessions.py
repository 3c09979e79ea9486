"""Server-side sessions of logged-in staff: the cookie holds a random token, the database
its SHA-256, the account, the CSRF token and messages to show once ("flash")."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response

from bot.config import Settings
from bot.staff import throttle
from storage import staff

COOKIE = "mitreden_session"
# writing last_seen_at on every click would make every page view a write
_TOUCH_AFTER = timedelta(seconds=30)


@dataclass(frozen=True)
class StaffUser:
    """The logged-in person as pages see it (`request.state.staff`)."""

    id: int
    name: str
    role: str
    language: str
    csrf_token: str
    token_hash: str
    flash: tuple[tuple[str, str], ...] = ()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(session: AsyncSession, staff_id: int, now: datetime) -> str:
    """A new session for the account; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    await staff.create_session(
        session,
        token_hash=hash_token(token),
        staff_id=staff_id,
        csrf_token=secrets.token_urlsafe(32),
        now=now,
    )
    return token


async def load_user(
    session: AsyncSession, token: str, now: datetime, settings: Settings
) -> StaffUser | None:
    """The user of a still valid session; an expired session or a disabled account ends it."""
    token_hash = hash_token(token)
    found = await staff.session_with_account(session, token_hash)
    if found is None:
        return None
    row, account = found
    idle = timedelta(minutes=settings.web_session_idle_minutes)
    absolute = timedelta(hours=settings.web_session_max_hours)
    if not account.active or now - row.last_seen_at > idle or now - row.created_at > absolute:
        await staff.delete_session(session, token_hash)
        return None
    if now - row.last_seen_at > _TOUCH_AFTER:
        row.last_seen_at = now
    return StaffUser(
        id=account.id,
        name=account.name,
        role=account.role,
        language=account.language,
        csrf_token=row.csrf_token,
        token_hash=token_hash,
        flash=tuple((str(kind), str(text)) for kind, text in row.flash or []),
    )


async def add_flash(session: AsyncSession, user: StaffUser, kind: str, text: str) -> None:
    await staff.add_flash(session, user.token_hash, kind, text)


async def clear_flash(session: AsyncSession, user: StaffUser) -> None:
    await staff.clear_flash(session, user.token_hash)


async def forget_expired(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, now: datetime
) -> int:
    """The scheduler's hourly clean-up: expired sessions and finished login counters go, so
    neither table grows without end. Returns how many sessions went."""
    async with sessions() as session, session.begin():
        gone = await staff.delete_expired_sessions(
            session,
            seen_before=now - timedelta(minutes=settings.web_session_idle_minutes),
            created_before=now - timedelta(hours=settings.web_session_max_hours),
        )
        await throttle.forget_stale(session, now, settings)
    return gone


def cookie_secure(request: Request, settings: Settings) -> bool:
    """Secure cookies over https (also behind a proxy that sets X-Forwarded-Proto), or
    always/never when the operator says so."""
    if settings.web_secure_cookies == "auto":
        return request.url.scheme == "https"
    return settings.web_secure_cookies == "always"


def set_session_cookie(
    response: Response, request: Request, settings: Settings, token: str
) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.web_session_max_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request, settings),
        path="/",
    )


def clear_session_cookie(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=cookie_secure(request, settings)
    )
