"""Creating and changing staff accounts; used by `mitreden staff` and the admin pages.

Every function raises ValueError with a message an administrator can act on, and does not
commit: the caller records the audit entry in the same transaction.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.staff.passwords import check_strength, hash_password
from bot.staff.problems import Problem
from storage import staff
from storage.models.staff import StaffAccount
from storage.staff import set_active

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
LANGUAGES = ("de", "en")


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise Problem(
            "problem.name_invalid",
            "a name has 2 to 64 characters: letters, digits, dot, dash, underscore or @",
        )
    return name


def check_role(role: str) -> str:
    if role not in staff.ROLES:
        raise Problem("problem.role_invalid", "the role is either staff or admin")
    return role


async def create_account(
    session: AsyncSession, name: str, password: str, role: str, now: datetime, language: str = "de"
) -> StaffAccount:
    name = check_name(name)
    check_role(role)
    check_strength(password)
    if await staff.account_by_name(session, name) is not None:
        raise Problem("problem.name_taken", f"there is already an account named {name}", name=name)
    return await staff.add_account(
        session,
        name=name,
        password_hash=await hash_password(password),
        role=role,
        language=language if language in LANGUAGES else "de",
        now=now,
    )


async def existing(session: AsyncSession, name: str) -> StaffAccount:
    account = await staff.account_by_name(session, name)
    if account is None:
        raise Problem("problem.no_account", f"there is no account named {name}", name=name)
    return account


async def set_password(session: AsyncSession, account: StaffAccount, password: str) -> None:
    """A new password also ends every session of the account."""
    check_strength(password)
    await staff.set_password_hash(session, account, await hash_password(password))


async def set_role(session: AsyncSession, account: StaffAccount, role: str) -> None:
    await staff.set_role(session, account, check_role(role))


async def is_last_active_admin(session: AsyncSession, account: StaffAccount) -> bool:
    """Taking the admin role from the last active admin would lock everyone out."""
    if account.role != "admin" or not account.active:
        return False
    admins = [a for a in await staff.list_accounts(session) if a.role == "admin" and a.active]
    return len(admins) == 1


# enabling or disabling has nothing to check: the storage function is the whole change
__all__ = [
    "check_name",
    "check_role",
    "create_account",
    "existing",
    "is_last_active_admin",
    "set_active",
    "set_password",
    "set_role",
]
