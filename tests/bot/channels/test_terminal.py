from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.channels.terminal import TerminalChannel, format_plain
from bot.cli.chat import chat
from bot.cli.main import main
from bot.config import Settings
from bot.messages import Outbound
from flows.types import Attachment, Option, Reply


def test_options_are_shown_as_a_numbered_list() -> None:
    text = format_plain(
        Reply("Was möchten Sie tun?", (Option("Frage stellen", "a"), Option("Idee", "b")))
    )
    assert text.splitlines() == ["Was möchten Sie tun?", "  1) Frage stellen", "  2) Idee"]


async def test_json_lines_carry_text_options_and_attachment() -> None:
    out = io.StringIO()
    channel = TerminalChannel("anna", out, json_lines=True)
    reply = Reply(
        "Hier sind Ihre Daten.", (Option("Menü", "/hilfe"),), Attachment("daten.json", "{}")
    )
    result = await channel.send(Outbound(1, "terminal", "anna", reply))
    channel.end_turn()
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert result.outcome == "sent"
    assert lines == [
        {
            "text": "Hier sind Ihre Daten.",
            "options": ["Menü"],
            "attachment": {"filename": "daten.json", "content": "{}"},
        },
        {"turn_end": True},
    ]


async def test_messages_for_someone_else_wait_in_the_outbox() -> None:
    out = io.StringIO()
    channel = TerminalChannel("anna", out)
    result = await channel.send(Outbound(1, "terminal", "bernd", Reply("Antwort für Bernd")))
    assert result.outcome == "retry"
    assert result.retry_after is not None
    assert out.getvalue() == ""


def settings_for(sqlite_url: str, nlu_cache: Path) -> Settings:
    return Settings(database_url=sqlite_url, nlu_cache_dir=nlu_cache, demo_data="false")


async def test_invalid_bytes_are_reported_and_the_chat_goes_on(
    sqlite_url: str, nlu_cache: Path
) -> None:
    """Under a strict UTF-8 locale standard input decodes strictly, as here."""
    typed = io.TextIOWrapper(
        io.BytesIO(b"Hallo\nIch m\xf6chte eine Frage stellen\xff\n/hilfe\n"), encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()

    code = await chat(settings_for(sqlite_url, nlu_cache), "anna", "de", True, typed, out, err)

    assert code == 0
    turns = out.getvalue().count('{"turn_end": true}')
    assert turns == 3, "the lines after the broken one were answered"
    assert "kein gültiges utf-8" in err.getvalue().lower() and "�" in err.getvalue()


def test_a_reader_that_leaves_early_ends_the_chat_quietly(
    sqlite_url: str,
    nlu_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`mitreden chat --json | head -1`: the pipe closes while the bot still writes."""
    for name, value in (
        ("MITREDEN_DATABASE_URL", sqlite_url),
        ("MITREDEN_NLU_CACHE_DIR", str(nlu_cache)),
        ("MITREDEN_DEMO_DATA", "false"),
    ):
        monkeypatch.setenv(name, value)
    reading, writing = os.pipe()
    os.close(reading)  # the reader has gone
    with os.fdopen(writing, "w", encoding="utf-8") as pipe:
        monkeypatch.setattr(sys, "stdin", io.StringIO("Hallo\n/hilfe\n/hilfe\n"))
        monkeypatch.setattr(sys, "stdout", pipe)
        code = main(["chat", "--json"])
        monkeypatch.undo()
    captured = capsys.readouterr()
    assert code == 0
    assert "database" not in captured.err and "Traceback" not in captured.err


def test_the_command_ends_quietly_in_a_pipe_that_closes(tmp_path: Path, nlu_cache: Path) -> None:
    """The real process, whose standard output Python flushes once more on its way out."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MITREDEN_")}
    env.update(
        MITREDEN_DATABASE_URL=f"sqlite:///{tmp_path / 'mitreden.db'}",
        MITREDEN_CONFIG=str(tmp_path / "mitreden.toml"),
        MITREDEN_NLU_CACHE_DIR=str(nlu_cache),
        MITREDEN_DEMO_DATA="false",
    )
    command = [str(Path(sys.executable).with_name("mitreden")), "chat", "--json"]
    with subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        # more replies than a pipe holds, so the bot is still writing when the reader goes
        process.stdin.write(b"Hallo\n" + b"/hilfe\n" * 300)
        process.stdin.close()
        assert json.loads(process.stdout.readline())["text"]  # `head -1`
        process.stdout.close()
        process.wait(timeout=120)  # it writes (almost) nothing to standard error
        assert process.stderr is not None
        errors = process.stderr.read().decode()
    assert process.returncode == 0, errors
    assert errors == ""
