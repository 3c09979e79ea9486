"""Signing the bot in to its homeserver once, and as the same device after every restart."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, LoginResponse, WhoamiResponse

CREDENTIALS = "credentials.json"
DEVICE_NAME = "mitreden"


class MatrixLoginError(RuntimeError):
    """The homeserver refused the bot's password or access token."""


@dataclass(frozen=True)
class MatrixAccount:
    """The operator's settings for the bot's Matrix account."""

    homeserver: str
    user_id: str
    store_dir: Path
    password: str | None = None
    access_token: str | None = None
    device_name: str = DEVICE_NAME


@dataclass(frozen=True)
class Credentials:
    """What the store directory remembers: the device, its token and the store's key."""

    user_id: str
    device_id: str
    access_token: str
    pickle_key: str


def read_credentials(store_dir: Path, user_id: str) -> Credentials | None:
    path = store_dir / CREDENTIALS
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("user_id") != user_id:
        return None  # the operator switched accounts: the old device is not ours any more
    return Credentials(**data)


def write_credentials(store_dir: Path, credentials: Credentials) -> None:
    """Only the bot's own user may read the token and the key that unlocks the E2EE store."""
    store_dir.mkdir(parents=True, exist_ok=True)
    path = store_dir / CREDENTIALS
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(credentials.__dict__, file)


def client_config(pickle_key: str) -> AsyncClientConfig:
    # max_limit_exceeded=0: a 429 comes back to us, so the outbox waits instead of nio looping
    return AsyncClientConfig(
        max_limit_exceeded=0,
        max_timeouts=2,
        store_sync_tokens=True,
        encryption_enabled=True,
        pickle_key=pickle_key,
    )


async def _fresh_credentials(account: MatrixAccount) -> Credentials:
    probe = AsyncClient(account.homeserver, account.user_id)
    pickle_key = secrets.token_urlsafe(32)
    try:
        if account.access_token:
            probe.access_token = account.access_token
            who = await probe.whoami()
            if not isinstance(who, WhoamiResponse) or not who.device_id:
                raise MatrixLoginError(f"the Matrix access token was refused: {who}")
            return Credentials(account.user_id, who.device_id, account.access_token, pickle_key)
        if not account.password:
            raise MatrixLoginError("set MITREDEN_MATRIX_PASSWORD or MITREDEN_MATRIX_ACCESS_TOKEN")
        login = await probe.login(account.password, device_name=account.device_name)
        if not isinstance(login, LoginResponse):
            raise MatrixLoginError(f"the Matrix login was refused: {login}")
        return Credentials(account.user_id, login.device_id, login.access_token, pickle_key)
    finally:
        await probe.close()


async def signed_in_client(account: MatrixAccount) -> AsyncClient:
    """A client for the bot's device, its E2EE keys and sync token loaded from the store."""
    stored = read_credentials(account.store_dir, account.user_id)
    if stored is not None and account.access_token and stored.access_token != account.access_token:
        stored = None  # a new token may belong to another device
    if stored is None:
        stored = await _fresh_credentials(account)
        write_credentials(account.store_dir, stored)
    client = AsyncClient(
        account.homeserver,
        account.user_id,
        device_id=stored.device_id,
        store_path=str(account.store_dir),
        config=client_config(stored.pickle_key),
    )
    client.restore_login(stored.user_id, stored.device_id, stored.access_token)
    return client
