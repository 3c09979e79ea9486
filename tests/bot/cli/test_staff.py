"""`mitreden staff` as an operator uses it: a real process, the password piped in."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bot.web.support import PASSWORD

REPO = Path(__file__).resolve().parents[3]
Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def mitreden(tmp_path: Path) -> Runner:
    env = {name: value for name, value in os.environ.items() if not name.startswith("MITREDEN_")}
    env.update(
        MITREDEN_DATABASE_URL=f"sqlite:///{tmp_path / 'mitreden.db'}",
        MITREDEN_DEMO_DATA="false",
        MITREDEN_CONFIG=str(tmp_path / "mitreden.toml"),
        PYTHONPATH=str(REPO),
    )

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli.main", *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )

    return run


def test_staff_command_creates_lists_disables_and_resets(mitreden: Runner) -> None:
    short = mitreden("staff", "add", "anna", "--role", "admin", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    made = mitreden("staff", "add", "anna", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert made.returncode == 0, made.stderr
    again = mitreden("staff", "add", "Anna", "--password-stdin", stdin=PASSWORD)
    assert again.returncode == 1 and "already an account named Anna" in again.stderr
    assert mitreden("staff", "disable", "anna").returncode == 0
    reset = mitreden("staff", "reset", "anna", "--password-stdin", stdin="another long one\n")
    assert reset.returncode == 0
    listing = mitreden("staff", "list")
    assert "anna\tadmin\tdisabled\tlast login: never" in listing.stdout
    missing = mitreden("staff", "disable", "nobody")
    assert missing.returncode == 1 and "no account named nobody" in missing.stderr
