"""`mitreden staff`: accounts for the staff web app, from the command line.

The first administrator is created here; afterwards admins manage accounts in the web app.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.content import with_store

ACTOR = "command line"


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = commands.add_parser("staff", help="accounts for the staff web app").add_subparsers(
        dest="staff_command", required=True
    )
    add = staff.add_parser("add", help="create an account (the password is asked for)")
    add.add_argument("name", help="the login name, e.g. anna.schmidt")
    add.add_argument("--role", choices=["staff", "admin"], default="staff")
    add.add_argument("--language", choices=["de", "en"], default="de")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(func=_add)

    staff.add_parser("list", help="every account with role and state").set_defaults(func=_list)

    disable = staff.add_parser("disable", help="lock an account and end its sessions")
    disable.add_argument("name")
    disable.set_defaults(func=_set_active, active=False)
    enable = staff.add_parser("enable", help="unlock a disabled account")
    enable.add_argument("name")
    enable.set_defaults(func=_set_active, active=True)

    reset = staff.add_parser("reset", help="set a new password and end the account's sessions")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true")
    reset.set_defaults(func=_reset)


def _read_password(from_stdin: bool) -> str:
    """The new password, checked for strength; ValueError says what is wrong with it."""
    from bot.staff.passwords import check_strength

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        check_strength(password)
        return password
    first = getpass.getpass("Password: ")
    check_strength(first)  # before asking again: nobody should type a refused password twice
    if getpass.getpass("Repeat the password: ") != first:
        raise ValueError("the two passwords differ")
    return first


def _fail(error: Exception) -> int:
    print(f"mitreden: {error}", file=sys.stderr)
    return 1


def _add(args: argparse.Namespace) -> int:
    from bot.staff.accounts import check_name, check_role, create_account
    from bot.staff.audit import record_audit

    now = datetime.now(UTC)
    try:
        check_name(args.name)
        check_role(args.role)
        password = _read_password(args.password_stdin)
    except ValueError as error:
        return _fail(error)

    async def work(session: AsyncSession) -> None:
        account = await create_account(
            session, args.name, password, args.role, now, language=args.language
        )
        await record_audit(session, ACTOR, "account.create", account.name, {"role": args.role})

    try:
        with_store(args.settings, work)
    except ValueError as error:
        return _fail(error)
    print(f"Account {args.name.strip()} ({args.role}) created. Log in at /login.")
    return 0


def _list(args: argparse.Namespace) -> int:
    from storage.staff import list_accounts

    async def work(session: AsyncSession) -> list[str]:
        lines = []
        for account in await list_accounts(session):
            state = "active" if account.active else "disabled"
            last = f"{account.last_login_at:%Y-%m-%d %H:%M}" if account.last_login_at else "never"
            lines.append(f"{account.name}\t{account.role}\t{state}\tlast login: {last}")
        return lines

    lines = with_store(args.settings, work, write=False)
    print("\n".join(lines) if lines else "No accounts yet: mitreden staff add NAME --role admin")
    return 0


def _set_active(args: argparse.Namespace) -> int:
    from bot.staff.accounts import existing, set_active
    from bot.staff.audit import record_audit

    async def work(session: AsyncSession) -> None:
        account = await existing(session, args.name)
        await set_active(session, account, args.active)
        action = "account.enable" if args.active else "account.disable"
        await record_audit(session, ACTOR, action, account.name)

    try:
        with_store(args.settings, work)
    except ValueError as error:
        return _fail(error)
    print(f"Account {args.name} {'enabled' if args.active else 'disabled'}.")
    return 0


def _reset(args: argparse.Namespace) -> int:
    from bot.staff.accounts import existing, set_password
    from bot.staff.audit import record_audit

    try:
        password = _read_password(args.password_stdin)
    except ValueError as error:
        return _fail(error)

    async def work(session: AsyncSession) -> None:
        account = await existing(session, args.name)
        await set_password(session, account, password)
        await record_audit(session, ACTOR, "account.password_reset", account.name)

    try:
        with_store(args.settings, work)
    except ValueError as error:
        return _fail(error)
    print(f"New password set for {args.name}; the account was logged out everywhere.")
    return 0
