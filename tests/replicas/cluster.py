"""Several `mitreden run` processes on one PostgreSQL database behind Debian's nginx.

Shared by the replica tests and benchmarks/scale_out.py. nginx sends each request to the
next process in turn, retries on another process only what was never sent (a refused
connection) or an idempotent request, and never keeps connections to the processes open
between requests, as a plain reverse proxy in front of rolling restarts would.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

FRONT_END = "replica-test-front-end"
STARTUP = 120.0  # a guard against a hanging start; nothing is timed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str | None:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    return found


@dataclass
class Replica:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> int:
        """SIGTERM, then wait for the process to finish what it is doing."""
        if self.running():
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=STARTUP)

    def kill(self) -> None:
        if self.running():
            self.process.kill()
        self.process.wait(timeout=STARTUP)


def start_replica(
    database_url: str, folder: Path, nlu_cache: Path, port: int | None = None, **settings: str
) -> Replica:
    port = port or free_port()
    log = folder / f"replica-{port}-{time.monotonic_ns()}.log"
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("MITREDEN_")},
        "MITREDEN_DATABASE_URL": database_url,
        "MITREDEN_DEMO_DATA": "true",
        "MITREDEN_WEB_HOST": "127.0.0.1",
        "MITREDEN_WEB_PORT": str(port),
        "MITREDEN_NLU_CACHE_DIR": str(nlu_cache),
        "MITREDEN_WEB_CHAT_RATE_PER_SESSION": "1000000",
        "MITREDEN_WEB_CHAT_RATE_PER_ADDRESS": "1000000",
        "MITREDEN_WEB_CHAT_FRONTEND_SECRET": FRONT_END,
        "MITREDEN_CONFIG": str(folder / "none.toml"),
        **{f"MITREDEN_{name.upper()}": value for name, value in settings.items()},
    }
    mitreden = Path(sys.executable).with_name("mitreden")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(mitreden), "run"], cwd=folder, env=environment, stdout=output, stderr=output
        )
    return Replica(port, process, log)


def wait_until_up(replica: Replica) -> None:
    """Until the process answers `/readyz` with 200 (polled often: starts are awaited a lot)."""
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if not replica.running():
            raise RuntimeError(f"mitreden run stopped during start-up:\n{replica.log.read_text()}")
        try:
            if httpx.get(f"{replica.url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"mitreden run did not come up:\n{replica.log.read_text()}")


def restart(replica: Replica, database_url: str, nlu_cache: Path) -> Replica:
    """A new process on the same port (so the proxy's list stays right), once ready."""
    started = start_replica(database_url, replica.log.parent, nlu_cache, port=replica.port)
    wait_until_up(started)
    return started


NGINX_CONF = """
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream mitreden {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://mitreden;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # a refused connection or a process that answers 502/503 while stopping: the
            # request goes to the next one (a POST only when it was never sent)
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 0;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
            # event streams pass through at once
            proxy_buffering off;
        }}
    }}
}}
"""


@dataclass
class Nginx:
    binary: str
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def route_to(self, ports: list[int]) -> None:
        """Write the configuration for these processes and (re)load it."""
        servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in ports)
        user = "user root root;" if os.geteuid() == 0 else ""
        config = NGINX_CONF.format(user=user, folder=self.folder, servers=servers, port=self.port)
        (self.folder / "nginx.conf").write_text(config)
        if self.process is None:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "-p",
                    str(self.folder),
                    "-c",
                    str(self.folder / "nginx.conf"),
                    "-g",
                    "daemon off;",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self._wait_listening()
        else:
            self.process.send_signal(signal.SIGHUP)

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                errors = (self.folder / "nginx-error.log").read_text()
                raise RuntimeError(f"nginx stopped: {errors}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not listen")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
