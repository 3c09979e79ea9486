"""`mitreden council` as an operator runs it, against the local OParl server."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.bot.civic.council.oparl_server import OParlServer

REPO = Path(__file__).resolve().parents[4]


async def _mitreden(folder: Path, server: OParlServer, *args: str) -> tuple[int, str, str]:
    """Run the command in its own process; the server keeps answering meanwhile."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MITREDEN_")}
    env.update(
        MITREDEN_DATABASE_URL=f"sqlite:///{folder / 'mitreden.db'}",
        MITREDEN_OPARL_SYSTEM_URL=server.system_url,
        MITREDEN_OPARL_TIMEOUT="2",
        MITREDEN_CONFIG=str(folder / "mitreden.toml"),
        MITREDEN_DEMO_DATA="true",
        PYTHONPATH=str(REPO),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        *args,
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, out.decode(), err.decode()


async def test_sync_review_and_publish_from_the_command_line(
    tmp_path: Path, oparl: OParlServer
) -> None:
    code, out, _ = await _mitreden(tmp_path, oparl, "council", "drafts")
    assert (code, out.strip()) == (0, "No decision drafts are waiting.")

    code, out, _ = await _mitreden(tmp_path, oparl, "council", "sync")
    assert code == 0, out
    assert "paper list" in out and "5 objects, 1 deleted upstream" in out
    assert "Drafts: 3 new, 0 updated, 0 removed" in out

    code, out, _ = await _mitreden(tmp_path, oparl, "council", "drafts")
    rows = [line.split("\t") for line in out.strip().splitlines()]
    assert [row[3:5] for row in rows] == [
        ["verkehr", "paper 2026/123"],
        ["no topic", "no paper"],
        ["bildung", "paper VO/2026/0456"],
    ]
    assert rows[0][5] == "Radwegebau an der Hauptstraße"

    code, out, _ = await _mitreden(tmp_path, oparl, "council", "publish", rows[0][0])
    assert (code, out.strip()) == (
        0,
        f"Decision {rows[0][0]} published; 0 message(s) on their way.",
    )
    code, out, _ = await _mitreden(tmp_path, oparl, "council", "drafts")
    assert len(out.strip().splitlines()) == 2

    code, _, err = await _mitreden(tmp_path, oparl, "council", "publish", "4711")
    assert (code, err.strip()) == (1, "mitreden: there is no decision 4711")


async def test_a_failing_server_makes_sync_fail_with_the_reason(
    tmp_path: Path, oparl: OParlServer
) -> None:
    oparl.fail("/body/1/meeting", how="500", times=5)

    code, out, _ = await _mitreden(tmp_path, oparl, "council", "sync")

    assert code == 1
    assert "meeting list" in out and "HTTP 500 (Interner Serverfehler)" in out
    code, out, _ = await _mitreden(tmp_path, oparl, "council", "status")
    paper = next(line for line in out.splitlines() if "body/1/paper" in line)
    assert "last read completely: 20" in paper and "error" not in paper
    meeting = next(line for line in out.splitlines() if "body/1/meeting" in line)
    assert "last read completely: never" in meeting and "HTTP 500" in meeting
