"""Administration of staff accounts: create, change the role, disable, set a new password."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.staff import accounts
from bot.staff.audit import record_audit
from bot.staff.passwords import MIN_LENGTH
from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.i18n import request_language, translate
from bot.web.problems import explain
from bot.web.templating import mitreden, render
from storage.models.staff import StaffAccount
from storage.staff import list_accounts

BACK = "/admin/accounts"


async def _page(request: Request, extra: dict[str, Any] | None = None) -> Response:
    app = mitreden(request)
    async with app.sessions() as session:
        rows = await list_accounts(session)
    return await render(
        request,
        "admin/accounts.html",
        {"accounts": rows, "min_length": MIN_LENGTH, "values": {}, **(extra or {})},
        status_code=400 if extra and "error" in extra else 200,
    )


async def listing(request: Request) -> Response:
    return await _page(request)


async def create(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    form = await request.form()
    name = str(form.get("name", "")).strip()
    role = str(form.get("role", "staff"))
    account_language = str(form.get("language", "de"))
    password = str(form.get("password", ""))
    try:
        async with app.sessions() as session, session.begin():
            account = await accounts.create_account(
                session, name, password, role, datetime.now(UTC), account_language
            )
            await record_audit(session, user.name, "account.create", account.name, {"role": role})
            await add_flash(
                session, user, "success", translate(language, "accounts.created", name=name)
            )
    except ValueError as error:
        return await _page(
            request,
            {
                "error": translate(language, "accounts.refused", reason=explain(error, language)),
                "values": {"name": name, "role": role, "language": account_language},
            },
        )
    return RedirectResponse(BACK, status_code=303)


Change = Callable[[AsyncSession, StaffAccount, Any], Awaitable[tuple[str, str, dict[str, Any]]]]


async def _change(request: Request, change: Change) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    form = await request.form()
    try:
        async with app.sessions() as session, session.begin():
            account = await accounts.existing(session, request.path_params["name"])
            action, message, detail = await change(session, account, form)
            await record_audit(session, user.name, action, account.name, detail)
            await add_flash(session, user, "success", message)
    except ValueError as error:
        return await _page(
            request,
            {"error": translate(language, "accounts.refused", reason=explain(error, language))},
        )
    return RedirectResponse(BACK, status_code=303)


async def set_role(request: Request) -> Response:
    language = request_language(request)

    async def change(
        session: AsyncSession, account: StaffAccount, form: Any
    ) -> tuple[str, str, dict[str, Any]]:
        role = accounts.check_role(str(form.get("role", "")))
        if role != "admin" and await accounts.is_last_active_admin(session, account):
            raise ValueError(translate(language, "accounts.last_admin"))
        await accounts.set_role(session, account, role)
        message = translate(language, "accounts.role_set", name=account.name, role=role)
        return "account.role", message, {"role": role}

    return await _change(request, change)


async def set_active(request: Request) -> Response:
    language = request_language(request)
    me = staff_user(request)

    async def change(
        session: AsyncSession, account: StaffAccount, form: Any
    ) -> tuple[str, str, dict[str, Any]]:
        active = form.get("active") == "yes"
        if not active and account.id == me.id:
            raise ValueError(translate(language, "accounts.not_yourself"))
        if not active and await accounts.is_last_active_admin(session, account):
            raise ValueError(translate(language, "accounts.last_admin"))
        await accounts.set_active(session, account, active)
        key = "accounts.enabled" if active else "accounts.disabled"
        action = "account.enable" if active else "account.disable"
        return action, translate(language, key, name=account.name), {}

    return await _change(request, change)


async def set_password(request: Request) -> Response:
    language = request_language(request)

    async def change(
        session: AsyncSession, account: StaffAccount, form: Any
    ) -> tuple[str, str, dict[str, Any]]:
        await accounts.set_password(session, account, str(form.get("password", "")))
        message = translate(language, "accounts.password_set", name=account.name)
        return "account.password_reset", message, {}

    return await _change(request, change)


def routes() -> list[BaseRoute]:
    return [
        Route(BACK, listing, methods=["GET"]),
        Route(BACK, create, methods=["POST"]),
        Route(BACK + "/{name}/role", set_role, methods=["POST"]),
        Route(BACK + "/{name}/active", set_active, methods=["POST"]),
        Route(BACK + "/{name}/password", set_password, methods=["POST"]),
    ]
