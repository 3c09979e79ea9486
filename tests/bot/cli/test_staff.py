"""`mitreden staff` as an operator uses it: the password piped in, run in this process."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest

from tests.bot.cli.support import Mitreden
from tests.bot.web.support import PASSWORD


@pytest.fixture
def mitreden(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Mitreden:
    return Mitreden(
        monkeypatch,
        capsys,
        tmp_path,
        MITREDEN_DATABASE_URL=f"sqlite:///{tmp_path / 'mitreden.db'}",
        MITREDEN_DEMO_DATA="false",
    )


def test_staff_command_creates_lists_disables_and_resets(mitreden: Mitreden) -> None:
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


def test_a_typed_password_that_is_too_short_is_refused_before_it_is_asked_again(
    mitreden: Mitreden, monkeypatch: pytest.MonkeyPatch
) -> None:
    # getpass needs a terminal, which a test has not: this stands in for the person typing
    prompts: list[str] = []

    def typed(prompt: str = "Password: ", stream: object = None) -> str:
        prompts.append(prompt)
        return "short"

    monkeypatch.setattr(getpass, "getpass", typed)
    refused = mitreden("staff", "add", "anna", "--role", "admin")
    assert refused.returncode == 1 and "at least 10 characters" in refused.stderr
    assert prompts == ["Password: "]
    assert "No accounts yet" in mitreden("staff", "list").stdout
