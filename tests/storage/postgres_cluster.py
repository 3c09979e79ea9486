"""A PostgreSQL server for the tests: the one at 127.0.0.1:5432, or a private throw-away one.

The private cluster comes from Debian's `postgresql` package. PostgreSQL refuses to run as
root, so under root it runs as `nobody` in a temporary directory that user owns.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import asyncpg  # type: ignore[import-untyped]

T = TypeVar("T")
UNPRIVILEGED_USER = "nobody"


def blocking(make: Callable[[], Awaitable[T]]) -> T:
    """Runs a coroutine to the end from sync code, also when an event loop is running here."""

    async def main() -> T:
        return await make()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


async def _answers(url: str) -> bool:
    try:
        connection = await asyncpg.connect(url, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


def server_answers(url: str) -> bool:
    return blocking(lambda: _answers(url))


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4])
    )
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class PrivateCluster:
    directory: Path
    port: int
    bin_dir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        _run_as_owner(
            [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def _run_as_owner(command: list[str], check: bool = True) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", UNPRIVILEGED_USER, "--", *command]
    subprocess.run(command, check=check, capture_output=True, timeout=120)


def start_private_cluster() -> PrivateCluster:
    """initdb and start a cluster on 127.0.0.1 and a free port (trust auth, user postgres)."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL found: install Debian's postgresql package")
    directory = Path(tempfile.mkdtemp(prefix="mitreden-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, user=UNPRIVILEGED_USER)
    data = directory / "data"
    _run_as_owner(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ]
    )
    port = free_port()
    options = f"-h 127.0.0.1 -p {port} -k {directory} -F -c max_connections=50"
    _run_as_owner(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(directory / "log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        ]
    )
    return PrivateCluster(directory, port, bin_dir)


async def create_database(admin_url: str, name: str, template: str | None = None) -> None:
    connection = await asyncpg.connect(admin_url, timeout=10)
    try:
        suffix = f' TEMPLATE "{template}"' if template else ""
        await connection.execute(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        await connection.close()


async def drop_database(admin_url: str, name: str) -> None:
    connection = await asyncpg.connect(admin_url, timeout=10)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


class DatabasePool:
    """Fresh databases cloned from a template, made one ahead and dropped in the background.

    Creating and dropping a PostgreSQL database takes about half a second each on a busy
    machine; doing both while the tests run keeps the suite fast.
    """

    def __init__(self, admin_url: str, template: str, prefix: str = "mitreden_test_") -> None:
        self._admin_url = admin_url
        self._template = template
        self._prefix = prefix
        self._worker = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="pg-pool")
        self._next = self._prepare()

    def _prepare(self) -> concurrent.futures.Future[str]:
        name = f"{self._prefix}{uuid.uuid4().hex[:12]}"

        def create() -> str:
            asyncio.run(create_database(self._admin_url, name, template=self._template))
            return name

        return self._worker.submit(create)

    def take(self) -> str:
        """The name of a database nobody has used yet."""
        name = self._next.result()
        self._next = self._prepare()
        return name

    def release(self, name: str) -> None:
        self._worker.submit(asyncio.run, drop_database(self._admin_url, name))

    def close(self) -> None:
        spare = self._next.result()
        self.release(spare)
        self._worker.shutdown(wait=True)
