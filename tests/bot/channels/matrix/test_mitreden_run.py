"""`mitreden run` as an operator starts it: a process that talks to the test Synapse."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.bot.channels.matrix.conftest import CitizenFactory
from tests.bot.channels.matrix.synapse_server import Account, Synapse

STARTUP = 90.0  # the first start trains the language model; only a guard against hanging


@pytest.mark.slow
async def test_mitreden_run_answers_in_an_encrypted_chat_and_stops_cleanly(
    synapse: Synapse,
    bot_account: Account,
    citizens: CitizenFactory,
    tmp_path: Path,
    nlu_cache: Path,
) -> None:
    environment = {
        **os.environ,
        "MITREDEN_MATRIX_HOMESERVER": synapse.url,
        "MITREDEN_MATRIX_USER_ID": bot_account.user_id,
        "MITREDEN_MATRIX_PASSWORD": bot_account.password,
        "MITREDEN_MATRIX_STORE_DIR": str(tmp_path / "matrix-store"),
        "MITREDEN_DATABASE_URL": f"sqlite:///{tmp_path / 'mitreden.db'}",
        "MITREDEN_NLU_CACHE_DIR": str(nlu_cache),
        "MITREDEN_WEB_PORT": "0",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "run",
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        anna = await citizens("anna")
        joined = asyncio.ensure_future(
            asyncio.wait_for(anna.open_direct_chat(bot_account.user_id), STARTUP)
        )
        exited = asyncio.ensure_future(process.wait())
        await asyncio.wait({joined, exited}, return_when=asyncio.FIRST_COMPLETED)
        if not joined.done():
            joined.cancel()
            stderr = await process.stderr.read() if process.stderr else b""
            pytest.fail(f"mitreden run ended with {process.returncode}: {stderr.decode()[-2000:]}")
        exited.cancel()
        joined.result()
        await anna.write("/hilfe")
        (menu,) = await anna.collect(1)
        assert menu.encrypted
        assert "Das kann ich für Sie tun" in menu.body
        await anna.write(anna.number_of("Frage stellen"))
        (prompt,) = await anna.collect(1)
        assert "Was möchten Sie die Verwaltung fragen?" in prompt.body
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), STARTUP)
    assert process.returncode == 0, errors.decode()[-2000:]
