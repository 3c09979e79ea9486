"""The container's command, started as docker compose starts it: the image's command line
and environment (Dockerfile), the bot service's environment (docker-compose.yml) with the
variables of an .env file filled in, here run with the project's own Python. Only what
Docker itself provides differs: the database's host, and the published port on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import _with_database
from tests.storage.postgres_cluster import DatabasePool

REPO = Path(__file__).resolve().parents[1]
STARTUP = 180.0  # the first start trains the language model; only a guard against hanging
DOT_ENV = {  # what an operator's .env holds
    "MITREDEN_DB_PASSWORD": "not-used-here",
    "MITREDEN_METRICS_ENABLED": "true",
    "MITREDEN_METRICS_TOKEN": "scrape-token-0123456789",
}
_VARIABLE = re.compile(r"\$\{([A-Z_]+)(?:(:?[-?])([^}]*))?\}")


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default}, ${NAME-default} and ${NAME:?error}."""

    def one(found: re.Match[str]) -> str:
        name, operator, argument = found.groups()
        present = variables.get(name)
        if operator == ":?":
            assert present, f"compose would refuse to start: {argument}"
            return present
        if operator == ":-":
            return present or argument
        if operator == "-":
            return argument if present is None else present
        return present or ""

    return _VARIABLE.sub(one, value)


def image_command_and_environment() -> tuple[list[str], dict[str, str]]:
    """CMD and ENV of the Dockerfile."""
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)[1])  # type: ignore[index]
    environment: dict[str, str] = {}
    for line in re.findall(r"^ENV (.*)$", dockerfile, re.MULTILINE):
        environment |= dict(pair.split("=", 1) for pair in line.split())
    return command, environment


def compose_environment() -> dict[str, str]:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    bot = compose["services"]["bot"]
    assert "command" not in bot and "entrypoint" not in bot  # the image's command runs
    return {name: interpolate(str(value), DOT_ENV) for name, value in bot["environment"].items()}


@pytest.fixture
def postgres_database(postgres_admin_url: str, postgres_pool: DatabasePool) -> Iterator[str]:
    name = postgres_pool.take()
    try:
        yield _with_database(postgres_admin_url, name)
    finally:
        postgres_pool.release(name)


async def _wait_until_running(process: asyncio.subprocess.Process) -> tuple[int, list[str]]:
    """The port from the line that says the bot runs; the lines read so far."""
    assert process.stderr is not None
    lines: list[str] = []
    async with asyncio.timeout(STARTUP):
        while line := (await process.stderr.readline()).decode():
            lines.append(line)
            found = re.search(r"mitreden is running; .*http://127\.0\.0\.1:(\d+)/chat", line)
            if found:
                return int(found[1]), lines
    pytest.fail("mitreden run ended before it ran:\n" + "".join(lines[-40:]))


@pytest.mark.slow
async def test_the_compose_command_serves_health_readiness_and_metrics(
    postgres_database: str, tmp_path: Path
) -> None:
    command, image_environment = image_command_and_environment()
    assert command == ["mitreden", "run"]
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "MITREDEN_CONFIG": "/nonexistent/mitreden.toml",
        **image_environment,
        **compose_environment(),
    }
    assert environment["MITREDEN_WEB_HOST"] == "0.0.0.0"  # reachable through a published port
    # what Docker provides: the database under its own host name, and "127.0.0.1:PORT:8080"
    environment |= {
        "MITREDEN_DATABASE_URL": postgres_database,
        "MITREDEN_WEB_HOST": "127.0.0.1",
        "MITREDEN_WEB_PORT": "0",
        "MITREDEN_MATRIX_STORE_DIR": str(tmp_path / "data" / "matrix"),
    }
    executable = Path(sys.executable).with_name(command[0])
    process = await asyncio.create_subprocess_exec(
        executable,
        *command[1:],
        cwd=tmp_path,  # the image's WORKDIR: ./data lies here
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        port, _ = await _wait_until_running(process)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            alive = await client.get("/healthz")
            ready = await client.get("/readyz")
            token = DOT_ENV["MITREDEN_METRICS_TOKEN"]
            scraped = await client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), STARTUP)
    assert alive.status_code == 200, alive.text
    assert ready.json() == {"status": "ready", "database": "ok", "schema": "current"}
    assert scraped.status_code == 200
    assert "mitreden_outbox_depth 0" in scraped.text
    assert "mitreden_database_pool_size 10" in scraped.text
    assert process.returncode == 0, errors.decode()[-2000:]
