"""A real Synapse homeserver for the tests: generated config, 127.0.0.1 only, no federation."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SERVER_NAME = "localhost"
SHARED_SECRET = "mitreden-test-registration"
STARTUP = 90.0  # only a guard against a hanging start; Synapse is ready in a few seconds
READY = "Synapse now listening on TCP port"
GENEROUS = {"per_second": 1000, "burst_count": 1000}


@dataclass(frozen=True)
class Account:
    user_id: str
    password: str
    access_token: str | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _log_config(directory: Path) -> Path:
    path = directory / "log.yaml"
    config = {
        "version": 1,
        "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {"synapse": {"level": "INFO"}, "twisted": {"level": "WARNING"}},
        "root": {"level": "WARNING", "handlers": ["console"]},
        "disable_existing_loggers": False,
    }
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def write_config(directory: Path, port: int) -> Path:
    """Synapse's own generated config, then the changes a private test server needs."""
    path = directory / "homeserver.yaml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "synapse.app.homeserver",
            "--generate-config",
            "--server-name",
            SERVER_NAME,
            "--config-path",
            str(path),
            "--data-directory",
            str(directory),
            "--report-stats=no",
        ],
        check=True,
        capture_output=True,
        cwd=directory,
    )
    config: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    config.update(
        {
            "public_baseurl": f"http://127.0.0.1:{port}/",
            "listeners": [
                {
                    "port": port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
            "log_config": str(_log_config(directory)),
            "media_store_path": str(directory / "media"),
            "registration_shared_secret": SHARED_SECRET,
            "enable_registration": False,
            "federation_domain_whitelist": [],
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "url_preview_enabled": False,
            "presence": {"enabled": False},
            "report_stats": False,
            "enable_metrics": False,
            # Synapse's default for messages, so a bot without an override meets a real 429
            "rc_message": {"per_second": 0.2, "burst_count": 10},
            "rc_registration": GENEROUS,
            "rc_login": {"address": GENEROUS, "account": GENEROUS, "failed_attempts": GENEROUS},
            "rc_joins": {"local": GENEROUS, "remote": GENEROUS},
            "rc_joins_per_room": GENEROUS,
            "rc_invites": {"per_room": GENEROUS, "per_user": GENEROUS, "per_issuer": GENEROUS},
            "rc_key_requests": GENEROUS,
            "rc_room_creation": GENEROUS,
        }
    )
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


class Synapse:
    """One running homeserver and the admin calls the tests need."""

    def __init__(self, url: str, process: subprocess.Popen[str], log: list[str]) -> None:
        self.url = url
        self.process = process
        self.log = log
        self._counter = 0
        self._lock = threading.Lock()
        self.admin = self.register("admin", admin=True, login=True)

    def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
            return answer

    def unique(self, name: str) -> str:
        with self._lock:
            self._counter += 1
            return f"{name}{self._counter}"

    def register(self, localpart: str, *, admin: bool = False, login: bool = False) -> Account:
        """A new account through the shared-secret admin API."""
        password = f"pw-{localpart}-secret"
        nonce = self._call("GET", "/_synapse/admin/v1/register")["nonce"]
        mac = hmac.new(SHARED_SECRET.encode(), digestmod=hashlib.sha1)
        mac.update(
            b"\x00".join(
                [
                    nonce.encode(),
                    localpart.encode(),
                    password.encode(),
                    b"admin" if admin else b"notadmin",
                ]
            )
        )
        answer = self._call(
            "POST",
            "/_synapse/admin/v1/register",
            {
                "nonce": nonce,
                "username": localpart,
                "password": password,
                "admin": admin,
                "mac": mac.hexdigest(),
                # without a login, no key-less device is left behind for the E2EE clients
                "inhibit_login": not login,
            },
        )
        return Account(answer["user_id"], password, answer.get("access_token"))

    def lift_rate_limit(self, user_id: str) -> None:
        """What docs/matrix.md tells an operator to do for the bot account."""
        quoted = urllib.parse.quote(user_id)
        self._call(
            "POST",
            f"/_synapse/admin/v1/users/{quoted}/override_ratelimit",
            {"messages_per_second": 0, "burst_count": 0},
            token=self.admin.access_token,
        )

    def account(self, name: str, *, limited: bool = False) -> Account:
        account = self.register(self.unique(name))
        if not limited:
            self.lift_rate_limit(account.user_id)
        return account


def _watch(process: subprocess.Popen[str], log: list[str], ready: threading.Event) -> None:
    """Keep reading Synapse's log, so the pipe never fills and the start is noticed."""
    assert process.stderr is not None
    for line in process.stderr:
        log.append(line)
        if READY in line:
            ready.set()
    ready.set()  # the process ended: the waiter finds out from its return code


@contextmanager
def running_synapse(directory: Path) -> Iterator[Synapse]:
    port = free_port()
    config = write_config(directory, port)
    process = subprocess.Popen(
        [sys.executable, "-m", "synapse.app.homeserver", "--config-path", str(config)],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    ready = threading.Event()
    watcher = threading.Thread(target=_watch, args=(process, log, ready), daemon=True)
    watcher.start()
    try:
        if not ready.wait(STARTUP) or process.poll() is not None:
            raise RuntimeError("Synapse did not start:\n" + "".join(log[-40:]))
        yield Synapse(f"http://127.0.0.1:{port}", process, log)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        watcher.join(30)
        if process.stderr is not None:
            process.stderr.close()
