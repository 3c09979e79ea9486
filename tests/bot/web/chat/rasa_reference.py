"""Rasa 3.6's own channel code as the reference for the REST channel, run as a peer process
(tests/bot/web/chat/rasa_peer.py) with .venv/rasa-reference on its path."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

PEER = Path(__file__).with_name("rasa_peer.py")
PATIENCE = 60.0


def reference_path() -> str:
    """Where scripts/bootstrap test installed Rasa; skips the test where it did not."""
    installed = Path(sys.prefix) / "rasa-reference"
    if not (installed / "rasa" / "core" / "channels" / "rest.py").is_file():
        pytest.skip("Rasa's reference channels are not installed: run scripts/bootstrap test")
    return str(installed)


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": reference_path(), "PYTHONWARNINGS": "ignore"}


async def rasa_console(calls: list[dict[str, Any]]) -> list[Any]:
    """Rasa's shell functions, `send_message_receive_block` and
    `_send_message_receive_stream`, one call after another; their answers."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(PEER),
        "console",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_environment(),
    )
    out, err = await asyncio.wait_for(process.communicate(json.dumps(calls).encode()), PATIENCE)
    assert process.returncode == 0, err.decode()[-3000:]
    answers: list[Any] = json.loads(out.decode().strip().splitlines()[-1])
    return answers


@contextlib.asynccontextmanager
async def rasa_rest_server() -> AsyncIterator[str]:
    """Rasa's RestInput in Sanic, as Rasa's server mounts it, with an echo agent; its URL."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(PEER),
        "serve",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=_environment(),
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        line = b""
        while not line.startswith(b"port "):  # Sanic's own lines come first
            line = await asyncio.wait_for(process.stdout.readline(), PATIENCE)
            assert line, "Rasa's server did not start"
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()
