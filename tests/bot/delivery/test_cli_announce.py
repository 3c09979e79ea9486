"""`mitreden announce` as staff use it, on a SQLite database, run in this process."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pytest

from tests.bot.cli.support import Mitreden, Result


class Announce(Protocol):
    def __call__(self, *args: str) -> Result:
        """`mitreden announce ARGS`"""


@pytest.fixture
def announce(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Announce:
    mitreden = Mitreden(
        monkeypatch,
        capsys,
        tmp_path,
        MITREDEN_DATABASE_URL=f"sqlite:///{tmp_path / 'mitreden.db'}",
    )
    return lambda *args: mitreden("announce", *args)


def test_schedule_follow_and_cancel_an_announcement(announce: Announce) -> None:
    scheduled = announce(
        "Die Müllabfuhr kommt am Feiertag einen Tag später.",
        "--text-en",
        "Waste collection is one day later after the holiday.",
        "--audience",
        "all",
        "--at",
        "2099-12-24T09:00+01:00",
    )
    assert scheduled.returncode == 0, scheduled.stderr
    assert scheduled.stdout.startswith("Announcement 1 to all is scheduled for 2099-12-24")

    status = announce("status", "1")
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[0] == "Announcement 1 to all: scheduled"

    cancelled = announce("cancel", "1")
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.stdout.startswith("Announcement 1 is cancelled")

    again = announce("cancel", "1")
    assert (again.returncode, again.stderr) == (
        1,
        "mitreden announce: announcement 1 is cancelled; nothing to cancel\n",
    )


def test_an_announcement_now_is_queued_and_its_status_counts_it(announce: Announce) -> None:
    sent = announce("Das Bürgerbüro ist heute geschlossen.", "--audience", "all")
    assert sent.returncode == 0, sent.stderr
    assert "is on its way to" in sent.stdout
    assert "mitreden announce status 1" in sent.stdout
    status = announce("status", "1")
    assert status.returncode == 0, status.stderr
    assert "sent 0 of" in status.stdout.splitlines()[1]


def test_mistakes_get_one_plain_line(announce: Announce) -> None:
    cases = [
        (["Hallo"], "say who gets it: --audience all, topic:SLUG or consultation:ID"),
        (["Hallo", "--audience", "everyone"], "unknown audience 'everyone'"),
        (["Hallo", "--audience", "topic:gibtsnicht"], "there is no topic 'gibtsnicht'"),
        (["Hallo", "--audience", "all", "--at", "morgen"], "'morgen' is not a time"),
        (["status", "99"], "there is no announcement 99"),
        (["status", "neun"], "'neun' is not an announcement number"),
        (["Hallo", "Welt", "--audience", "all"], "put the text in quotes"),
    ]
    for args, message in cases:
        result = announce(*args)
        assert result.returncode == 1, args
        assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
