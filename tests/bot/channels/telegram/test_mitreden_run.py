"""`mitreden run` as an operator starts it: a process that talks to the Bot API double."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.channels.telegram.bot_api_updates import Citizen

ANNA = Citizen(1001, "Anna", "de")
STARTUP = 90.0  # the first start trains the language model; only a guard against hanging


@pytest.mark.slow
async def test_mitreden_run_answers_on_telegram_and_stops_cleanly(
    double: BotApiDouble, tmp_path: Path, nlu_cache: Path
) -> None:
    environment = {
        **os.environ,
        "MITREDEN_TELEGRAM_TOKEN": double.token,
        "MITREDEN_TELEGRAM_API_URL": double.url,
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
        double.say(ANNA, "/hilfe")
        answered = asyncio.ensure_future(double.wait_for(ANNA.id, 1, patience=STARTUP))
        exited = asyncio.ensure_future(process.wait())
        await asyncio.wait({answered, exited}, return_when=asyncio.FIRST_COMPLETED)
        if not answered.done():
            answered.cancel()
            stderr = await process.stderr.read() if process.stderr else b""
            pytest.fail(f"mitreden run ended with {process.returncode}: {stderr.decode()[-2000:]}")
        exited.cancel()
        (menu,) = answered.result()
        assert "Das kann ich für Sie tun" in menu.text
        assert "❓ Frage stellen" in menu.buttons
        double.press(ANNA, menu, "❓ Frage stellen")
        (prompt,) = await double.wait_for(ANNA.id, 1)
        assert "Was möchten Sie die Verwaltung fragen?" in prompt.text
        assert menu.keyboard is None
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), STARTUP)
    assert process.returncode == 0, errors.decode()[-2000:]
