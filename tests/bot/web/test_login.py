"""The staff gate: login, throttling, sessions, CSRF, roles and what stays public."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update
from starlette.applications import Starlette

from bot.app import App
from bot.web.server import create_web_app
from nlu.types import IntentRecognizer
from storage.models.staff import AuditEntry, LoginThrottle, StaffAccount, StaffSession
from tests.bot.web.support import PASSWORD, StaffClient, add_staff, csrf_of, log_in, running_app


def _client(
    web: Starlette, base: str = "http://test", address: str = "127.0.0.1"
) -> httpx.AsyncClient:
    """A browser at `address`."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=web, client=(address, 50000)),
        base_url=base,
        headers={"accept": "text/html"},
    )


@pytest.fixture
def password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hashes the real argon2 hasher checked a password against, in order."""
    checked: list[str] = []
    real_verify = PasswordHasher.verify

    def verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
        checked.append(stored)
        return real_verify(hasher, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    return checked


async def _let_time_pass(app: App, minutes: int) -> None:
    """Moves the login counters back, as if `minutes` had passed."""
    gone = timedelta(minutes=minutes)
    async with app.sessions() as session, session.begin():
        for row in (await session.scalars(select(LoginThrottle))).all():
            row.first_failure_at -= gone
            if row.locked_until is not None:
                row.locked_until -= gone


async def test_every_page_needs_a_login_except_the_public_ones(web: Starlette) -> None:
    async with _client(web) as client:
        page = await client.get("/questions?topic=x")
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=%2Fquestions%3Ftopic%3Dx"
        api = await client.get("/", headers={"accept": "application/json"})
        assert api.status_code == 401
        assert (await client.post("/logout")).status_code == 401
        assert (await client.get("/admin/accounts")).status_code == 303
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/login")).status_code == 200
        assert (await client.get("/static/staff.css")).status_code == 200
        # the citizens' routes are not behind the gate: no redirect, no CSRF refusal
        for path in ("/webhooks/rest/session", "/chat", "/results/1"):
            response = await client.post(path, json={"sender": "x", "message": "hi"})
            assert response.status_code not in (303, 401, 403), path


async def test_wrong_password_is_refused_and_the_right_one_opens_a_session(
    web_app: App, web: Starlette
) -> None:
    await add_staff(web_app, "anna", "admin")
    async with _client(web) as client:
        wrong = await log_in(client, "anna", "not the password")
        assert wrong.status_code == 401
        assert "Benutzername oder Passwort stimmt nicht" in wrong.text
        assert "mitreden_session" not in client.cookies
        unknown = await log_in(client, "nobody")
        assert unknown.status_code == 401 and unknown.text.count("stimmt nicht") == 1
        right = await log_in(client, "Anna")  # names are not case-sensitive
        assert right.status_code == 303 and right.headers["location"] == "/"
        cookie = right.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
        overview = await client.get("/")
        assert overview.status_code == 200 and "Angemeldet als anna" in overview.text
    async with web_app.sessions() as session:
        actions = list((await session.scalars(select(AuditEntry.action))).all())
        account = await session.scalar(select(StaffAccount))
    assert actions.count("login.failed") == 2 and actions.count("login") == 1
    assert account is not None and account.last_login_at is not None


async def test_cookie_is_secure_over_https(web_app: App, web: Starlette) -> None:
    await add_staff(web_app, "anna")
    async with _client(web, "https://test") as client:
        response = await log_in(client, "anna")
    assert "secure" in response.headers["set-cookie"].lower()


async def test_login_form_without_its_token_is_refused(web_app: App, web: Starlette) -> None:
    await add_staff(web_app, "anna")
    async with _client(web) as client:
        response = await client.post("/login", data={"name": "anna", "password": PASSWORD})
    assert response.status_code == 400 and "zu lange offen" in response.text


async def test_after_five_wrong_passwords_the_account_waits_even_across_a_restart(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_app(sqlite_url, recognizer, {}) as app:
        await add_staff(app, "anna")
        async with _client(create_web_app(app)) as client:
            for _ in range(5):
                assert (await log_in(client, "anna", "guess")).status_code == 401
            locked = await log_in(client, "anna")
        assert locked.status_code == 429
        assert "Zu viele Fehlversuche" in locked.text and "15 Minute" in locked.text
    # a restart keeps the lock
    async with (
        running_app(sqlite_url, recognizer, {}) as app,
        _client(create_web_app(app)) as client,
    ):
        assert (await log_in(client, "anna")).status_code == 429
        assert (await log_in(client, "ben", "x")).status_code == 401  # others may log in


async def test_one_address_guessing_many_accounts_is_stopped(web_app: App, web: Starlette) -> None:
    await add_staff(web_app, "anna")
    async with _client(web) as client:
        for number in range(20):
            await log_in(client, f"user{number}", "guess")
        response = await log_in(client, "anna")
    assert response.status_code == 429


async def test_an_unknown_name_costs_one_password_check_like_a_real_one(
    web_app: App, web: Starlette, password_checks: list[str]
) -> None:
    await add_staff(web_app, "anna")
    await add_staff(web_app, "carl")
    async with web_app.sessions() as session, session.begin():
        await session.execute(
            update(StaffAccount).where(StaffAccount.name == "carl").values(active=False)
        )
    checks = []
    async with _client(web) as client:
        for name in ("anna", "nobody", "carl", ""):
            before = len(password_checks)
            assert (await log_in(client, name, "a wrong guess")).status_code == 401
            checks.append(len(password_checks) - before)
    # the same work for every name, so the answer time does not tell which names exist
    assert checks == [1, 1, 1, 1]


async def test_guesses_sent_at_once_are_checked_only_as_often_as_the_limit_allows(
    db_url: str, recognizer: IntentRecognizer, password_checks: list[str]
) -> None:
    # on PostgreSQL two bot processes share the database and the guesses; SQLite's file lock
    # serialises processes anyway, and two engines in one event loop would wait on each other
    processes = 2 if db_url.startswith("postgresql") else 1
    async with AsyncExitStack() as stack:
        apps = [
            await stack.enter_async_context(running_app(db_url, recognizer, {}))
            for _ in range(processes)
        ]
        await add_staff(apps[0], "anna", "admin")
        webs = [create_web_app(app) for app in apps]
        clients = [
            await stack.enter_async_context(_client(webs[number % processes]))
            for number in range(40)
        ]
        answers = await asyncio.gather(
            *(log_in(client, "anna", f"guess {n}") for n, client in enumerate(clients))
        )
    assert sorted(answer.status_code for answer in answers) == [401] * 5 + [429] * 35
    assert len(password_checks) == 5


async def test_guesses_from_elsewhere_do_not_lock_the_administrator_out(
    web_app: App, web: Starlette
) -> None:
    await add_staff(web_app, "anna", "admin")
    async with _client(web, address="203.0.113.9") as attacker:
        answers = [(await log_in(attacker, "anna", f"guess {n}")).status_code for n in range(8)]
    assert answers == [401] * 5 + [429] * 3
    async with _client(web, address="198.51.100.7") as desk:
        assert (await log_in(desk, "anna")).status_code == 303
    async with _client(web, address="203.0.113.9") as attacker:
        assert (await log_in(attacker, "anna")).status_code == 429  # even with the password


async def test_each_lock_in_a_row_lasts_twice_as_long_until_a_right_password(
    web_app: App, web: Starlette
) -> None:
    await add_staff(web_app, "anna")

    async def guessing_until_locked(client: httpx.AsyncClient) -> str:
        for _ in range(5):
            assert (await log_in(client, "anna", "guess")).status_code == 401
        locked = await log_in(client, "anna")
        assert locked.status_code == 429
        return locked.text

    async with _client(web) as client:
        for minutes in (15, 30, 60):
            assert f"{minutes} Minute" in await guessing_until_locked(client)
            await _let_time_pass(web_app, minutes + 1)
        assert (await log_in(client, "anna")).status_code == 303  # ends the series
        assert "15 Minute" in await guessing_until_locked(client)


async def test_right_passwords_do_not_use_up_an_address_allowance(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_app(sqlite_url, recognizer, {}, web_login_max_failures_per_address=3) as app:
        await add_staff(app, "anna")
        web = create_web_app(app)
        for _ in range(4):  # a shared office address, say
            async with _client(web) as client:
                assert (await log_in(client, "anna")).status_code == 303
        async with _client(web) as client:
            assert (await log_in(client, "anna", "a typo")).status_code == 401


async def test_logout_needs_the_csrf_token_and_ends_the_session(admin: StaffClient) -> None:
    refused = await admin.post("/logout")
    assert refused.status_code == 403 and "Formular abgelaufen" in refused.text
    assert (await admin.get("/")).status_code == 200  # still logged in
    wrong = await admin.post("/logout", data={"csrf_token": "forged"})
    assert wrong.status_code == 403
    done = await admin.post_form("/logout")
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert (await admin.get("/")).status_code == 303


async def test_csrf_token_in_a_header_works_for_scripts(admin: StaffClient) -> None:
    response = await admin.post("/logout", headers={"x-csrf-token": admin.csrf})
    assert response.status_code == 303


async def test_admin_pages_are_refused_to_staff(staff: StaffClient) -> None:
    for path in ("/admin/accounts", "/admin/audit", "/admin/anything"):
        response = await staff.get(path)
        assert response.status_code == 403 and "Kein Zugriff" in response.text


@pytest.mark.parametrize("expiry", ["idle", "absolute"])
async def test_an_expired_session_leads_back_to_the_login(
    web_app: App, admin: StaffClient, expiry: str
) -> None:
    past = datetime.now(UTC) - timedelta(hours=13)
    column = StaffSession.last_seen_at if expiry == "idle" else StaffSession.created_at
    async with web_app.sessions() as session, session.begin():
        await session.execute(update(StaffSession).values({column: past}))
    response = await admin.get("/")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    async with web_app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(StaffSession)) == 0


async def test_disabling_an_account_ends_its_session(web_app: App, staff: StaffClient) -> None:
    async with web_app.sessions() as session, session.begin():
        await session.execute(update(StaffAccount).values(active=False))
    assert (await staff.get("/")).status_code == 303
    assert (await log_in(staff.http, "ben")).status_code == 401


async def test_language_from_the_query_and_the_remembered_choice(admin: StaffClient) -> None:
    assert "Übersicht" in (await admin.get("/")).text
    english = await admin.get("/?lang=en")
    assert '<html lang="en">' in english.text and "Overview" in english.text
    assert "Übersicht" in (await admin.get("/")).text  # ?lang is for one page only
    switched = await admin.post_form("/language", {"language": "en", "next": "/"})
    assert switched.status_code == 303
    assert "Signed in as anna" in (await admin.get("/")).text


async def test_login_redirects_only_within_the_site(web_app: App, web: Starlette) -> None:
    await add_staff(web_app, "anna")
    for target, expected in [
        ("/questions?view=open", "/questions?view=open"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        async with _client(web) as client:
            form = await client.get("/login", params={"next": target})
            response = await client.post(
                "/login",
                data={
                    "name": "anna",
                    "password": PASSWORD,
                    "csrf_token": csrf_of(form.text),
                    "next": target,
                },
            )
        assert response.headers["location"] == expected


async def test_pages_carry_security_headers(admin: StaffClient) -> None:
    page = await admin.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"


async def test_unknown_page_gets_a_readable_answer(admin: StaffClient) -> None:
    response = await admin.get("/nowhere")
    assert response.status_code == 404 and "Seite nicht gefunden" in response.text


async def test_hourly_clean_up_forgets_expired_sessions_and_old_counters(
    web_app: App, admin: StaffClient
) -> None:
    from bot.runtime.scheduler import shared_jobs

    async with _client(create_web_app(web_app)) as other:
        await log_in(other, "anna", "wrong password")  # a failure counter
        await log_in(other, "anna")  # a second session, which goes stale below
    later = datetime.now(UTC) + timedelta(minutes=61)
    async with web_app.sessions() as session, session.begin():
        newest = await session.scalar(
            select(StaffSession).order_by(StaffSession.created_at.desc()).limit(1)
        )
        assert newest is not None
        newest.last_seen_at = later  # still in use at that time
    (job,) = [
        j for j in shared_jobs(web_app.settings, web_app.sessions) if j.id == "staff-sessions"
    ]
    assert await job.run(later) == 1
    async with web_app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(StaffSession)) == 1
        assert await session.scalar(select(func.count()).select_from(LoginThrottle)) == 0
