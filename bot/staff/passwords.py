"""Password hashing with argon2id; hashing runs in a thread so the bot's loop keeps going."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.staff.problems import Problem

MIN_LENGTH = 10
MAX_LENGTH = 1024  # argon2 takes any length; this keeps a pasted book from costing CPU

_hasher = PasswordHasher()
# verified against when the account does not exist, so a wrong name takes as long as a
# wrong password and the answer time does not tell which names exist
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


def check_strength(password: str) -> None:
    """Raises ValueError with a plain message when the password is too weak to accept."""
    if len(password) < MIN_LENGTH:
        raise Problem(
            "problem.password_short",
            f"the password needs at least {MIN_LENGTH} characters",
            min=MIN_LENGTH,
        )
    if len(password) > MAX_LENGTH:
        raise Problem(
            "problem.password_long",
            f"the password may have at most {MAX_LENGTH} characters",
            max=MAX_LENGTH,
        )
    if not password.strip():
        raise Problem("problem.password_blank", "the password must not be only spaces")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


def _verify(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password[:MAX_LENGTH]) and (
            stored_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; `stored_hash` None (no such account) is always False."""
    return await asyncio.to_thread(_verify, stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """After the hashing parameters were raised, a successful login upgrades the hash."""
    return _hasher.check_needs_rehash(stored_hash)
