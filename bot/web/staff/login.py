"""Logging in and out, and the language switch."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.staff import throttle
from bot.staff.audit import record_audit
from bot.staff.passwords import hash_password, needs_rehash, verify_password
from bot.staff.sessions import (
    clear_session_cookie,
    cookie_secure,
    open_session,
    set_session_cookie,
)
from bot.web.auth import staff_user
from bot.web.csrf import FIELD, LOGIN_COOKIE, new_login_token, tokens_match
from bot.web.i18n import LANGUAGE_COOKIE, LANGUAGES, request_language, translate
from bot.web.templating import mitreden, render
from storage import staff

MAX_NAME = 200


def safe_next(target: str | None) -> str:
    """Only a path on this server: a login link must not send anyone elsewhere."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target:
        return "/"
    return target


async def _login_page(
    request: Request, *, error: str = "", name: str = "", next_path: str = "/", status: int = 200
) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or new_login_token()
    response = await render(
        request,
        "login.html",
        {"error": error, "name": name, "next": next_path, "login_token": token},
        status_code=status,
    )
    app = mitreden(request)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=cookie_secure(request, app.settings),
        path="/login",
    )
    language = request.query_params.get("lang")
    if language in LANGUAGES:  # the choice on the login page carries over to the next visit
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response


async def login_form(request: Request) -> Response:
    return await _login_page(request, next_path=safe_next(request.query_params.get("next")))


def _minutes(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


async def login(request: Request) -> Response:
    app = mitreden(request)
    language = request_language(request)
    form = await request.form()
    name = str(form.get("name", "")).strip()[:MAX_NAME]
    password = str(form.get("password", ""))
    next_path = safe_next(str(form.get("next", "/")))
    if not tokens_match(request.cookies.get(LOGIN_COOKIE), str(form.get(FIELD, ""))):
        return await _login_page(
            request,
            error=translate(language, "login.expired"),
            name=name,
            next_path=next_path,
            status=400,
        )
    address = request.client.host if request.client else "unknown"
    now = datetime.now(UTC)
    # the attempt is counted and committed before the check: guesses sent at once must not
    # all reach the (slow, argon2) check before the first one is counted
    async with app.sessions() as session, session.begin():
        until = await throttle.admit(session, name, address, now, app.settings)
        account = await staff.account_by_name(session, name) if name and until is None else None
    if until is not None:
        return await _login_page(
            request,
            error=translate(language, "login.locked", minutes=_minutes(until, now)),
            name=name,
            next_path=next_path,
            status=429,
        )
    stored_hash = account.password_hash if account is not None and account.active else None
    # checked outside the transaction: argon2 is slow on purpose. An unknown name is checked
    # against a dummy hash, so the answer time does not tell which names exist.
    right = await verify_password(stored_hash, password)
    if account is None or not right:
        async with app.sessions() as session, session.begin():
            await record_audit(
                session, name or "?", "login.failed", "", {"address": address}, now=now
            )
        return await _login_page(
            request,
            error=translate(language, "login.wrong"),
            name=name,
            next_path=next_path,
            status=401,
        )
    async with app.sessions() as session, session.begin():
        await throttle.note_success(session, name, address, now)
        fresh = await staff.account_by_id(session, account.id)
        if fresh is None or not fresh.active:
            return await _login_page(request, error=translate(language, "login.wrong"), status=401)
        fresh.last_login_at = now
        if needs_rehash(fresh.password_hash):
            fresh.password_hash = await hash_password(password)
        token = await open_session(session, fresh.id, now)
        await record_audit(session, fresh.name, "login", "", {"address": address}, now=now)
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, request, app.settings, token)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


async def logout(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    async with app.sessions() as session, session.begin():
        await staff.delete_session(session, user.token_hash)
        await record_audit(session, user.name, "logout")
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, request, app.settings)
    return response


async def change_language(request: Request) -> Response:
    """The header's language switch: remembered for the account."""
    app = mitreden(request)
    user = staff_user(request)
    form = await request.form()
    language = str(form.get("language", ""))
    if language in LANGUAGES:
        async with app.sessions() as session, session.begin():
            account = await staff.account_by_id(session, user.id)
            if account is not None:
                account.language = language
    return RedirectResponse(safe_next(str(form.get("next", "/"))), status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/language", change_language, methods=["POST"]),
    ]
