"""`mitreden council` as an operator runs it, against the local OParl server.

The command runs in this process and starts its own event loop, so the tests are plain
functions and the server answers from an event loop in a thread of its own.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from tests.bot.civic.council.conftest import LOOPBACK_ALLOWED
from tests.bot.civic.council.oparl_server import OParlServer
from tests.bot.cli.support import Mitreden


@pytest.fixture
def server() -> Iterator[OParlServer]:
    """The OParl server, answering from its own thread while a command runs."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="oparl-server", daemon=True)
    thread.start()
    server = OParlServer("v11")
    try:
        asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=30)
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


class Council(Protocol):
    def __call__(self, *args: str) -> tuple[int, str, str]:
        """`mitreden council ARGS`: exit code, output, errors."""


@pytest.fixture
def council(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    server: OParlServer,
) -> Council:
    mitreden = Mitreden(
        monkeypatch,
        capsys,
        tmp_path,
        MITREDEN_DATABASE_URL=f"sqlite:///{tmp_path / 'mitreden.db'}",
        MITREDEN_OPARL_SYSTEM_URL=server.system_url,
        MITREDEN_OPARL_TIMEOUT="2",
        MITREDEN_OPARL_ALLOWED_NETWORKS=LOOPBACK_ALLOWED,
        MITREDEN_DEMO_DATA="true",
    )

    def run(*args: str) -> tuple[int, str, str]:
        result = mitreden("council", *args)
        return result.returncode, result.stdout, result.stderr

    return run


def test_sync_review_and_publish_from_the_command_line(council: Council) -> None:
    code, out, _ = council("drafts")
    assert (code, out.strip()) == (0, "No decision drafts are waiting.")

    code, out, _ = council("sync")
    assert code == 0, out
    assert "paper list" in out and "5 objects, 1 deleted upstream" in out
    assert "Drafts: 3 new, 0 updated, 0 removed" in out

    code, out, _ = council("drafts")
    rows = [line.split("\t") for line in out.strip().splitlines()]
    assert [row[3:5] for row in rows] == [
        ["verkehr", "paper 2026/123"],
        ["no topic", "no paper"],
        ["bildung", "paper VO/2026/0456"],
    ]
    assert rows[0][5] == "Radwegebau an der Hauptstraße"

    code, out, _ = council("publish", rows[0][0])
    assert (code, out.strip()) == (
        0,
        f"Decision {rows[0][0]} published; 0 message(s) on their way.",
    )
    code, out, _ = council("drafts")
    assert len(out.strip().splitlines()) == 2

    code, _, err = council("publish", "4711")
    assert (code, err.strip()) == (1, "mitreden: there is no decision 4711")


def test_a_failing_server_makes_sync_fail_with_the_reason(
    council: Council, server: OParlServer
) -> None:
    server.fail("/body/1/meeting", how="500", times=5)

    code, out, _ = council("sync")

    assert code == 1
    assert "meeting list" in out and "HTTP 500 (Interner Serverfehler)" in out
    code, out, _ = council("status")
    paper = next(line for line in out.splitlines() if "body/1/paper" in line)
    assert "last read completely: 20" in paper and "error" not in paper
    meeting = next(line for line in out.splitlines() if "body/1/meeting" in line)
    assert "last read completely: never" in meeting and "HTTP 500" in meeting


def test_status_and_drafts_show_warnings_and_corrections(
    council: Council, server: OParlServer
) -> None:
    server.encodings["/body/1/meeting"] = ("latin-1", None)
    code, out, _ = council("sync")
    assert code == 0, out
    drafts = [line.split("\t") for line in council("drafts")[1].strip().splitlines()]
    bike = next(row[0] for row in drafts if row[5] == "Radwegebau an der Hauptstraße")
    council("publish", bike)
    meeting = server.meeting("71")
    meeting["agendaItem"][0]["result"] = "aufgehoben"
    meeting["modified"] = "2099-01-01T00:00:00+00:00"

    code, out, _ = council("sync")

    assert code == 0, out
    assert "correction drafts" in out
    code, out, _ = council("status")
    lines = out.splitlines()
    meetings = next(line for line in lines if "body/1/meeting" in line)
    assert "last warning: answers that are not UTF-8 and name no charset" in meetings
    assert "correction drafts" in lines[-1] and "mitreden council publish" in lines[-1]
    rows = [line.split("\t") for line in council("drafts")[1].strip().splitlines()]
    correction = next(row for row in rows if row[2].startswith("CORRECTION"))
    assert correction[2] == f"CORRECTION of {bike}" and correction[4] == "paper 2026/123"
