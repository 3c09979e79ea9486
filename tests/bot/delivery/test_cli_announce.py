"""`mitreden announce` as staff use it: real processes on a SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def mitreden(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("MITREDEN_")}
    env.update(
        MITREDEN_DATABASE_URL=f"sqlite:///{tmp_path / 'mitreden.db'}",
        MITREDEN_CONFIG=str(tmp_path / "mitreden.toml"),
        PYTHONPATH=str(REPO),
    )
    return subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "announce", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def test_schedule_follow_and_cancel_an_announcement(tmp_path: Path) -> None:
    scheduled = mitreden(
        tmp_path,
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

    status = mitreden(tmp_path, "status", "1")
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[0] == "Announcement 1 to all: scheduled"

    cancelled = mitreden(tmp_path, "cancel", "1")
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.stdout.startswith("Announcement 1 is cancelled")

    again = mitreden(tmp_path, "cancel", "1")
    assert (again.returncode, again.stderr) == (
        1,
        "mitreden announce: announcement 1 is cancelled; nothing to cancel\n",
    )


def test_an_announcement_now_is_queued_and_its_status_counts_it(tmp_path: Path) -> None:
    sent = mitreden(tmp_path, "Das Bürgerbüro ist heute geschlossen.", "--audience", "all")
    assert sent.returncode == 0, sent.stderr
    assert "is on its way to" in sent.stdout
    assert "mitreden announce status 1" in sent.stdout
    status = mitreden(tmp_path, "status", "1")
    assert status.returncode == 0, status.stderr
    assert "sent 0 of" in status.stdout.splitlines()[1]


def test_mistakes_get_one_plain_line(tmp_path: Path) -> None:
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
        result = mitreden(tmp_path, *args)
        assert result.returncode == 1, args
        assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
