"""constraints.txt pins what the project installs, and the dependency audit of scripts/test
fails for a known vulnerability and for nothing else."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
AUDIT = REPO / "scripts" / "audit_dependencies.py"


def _pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def _needed(project: str, extra: str) -> set[str]:
    """Every distribution `project[extra]` needs, directly or through others."""
    needed: set[str] = set()
    waiting = [(project, frozenset({extra}))]
    while waiting:
        name, extras = waiting.pop()
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is not None and not any(
                marker.evaluate({"extra": wanted}) for wanted in extras or {""}
            ):
                continue
            key = canonicalize_name(requirement.name)
            if key not in needed or requirement.extras:
                needed.add(key)
                waiting.append((requirement.name, frozenset(requirement.extras)))
    return needed


def test_every_package_the_project_needs_is_pinned_and_installed_at_its_pin() -> None:
    pins = _pins(REPO / "constraints.txt")
    needed = _needed("mitreden", "test")
    assert "pip-audit" in needed and "starlette" in needed
    assert sorted(needed - set(pins)) == []
    installed = {name: metadata.version(name) for name in needed}
    assert {name: pins[name] for name in needed} == installed


class _Osv:
    """A stand-in for the OSV query API on 127.0.0.1 (the real one is on the internet)."""

    def __init__(self, known: Mapping[tuple[str, str], list[dict[str, Any]]]) -> None:
        self.known = known
        self.asked: list[tuple[str, str]] = []

    async def query(self, request: web.Request) -> web.Response:
        body = await request.json()
        asked = (body["package"]["name"], body["version"])
        self.asked.append(asked)
        vulns = self.known.get(asked)
        return web.json_response({"vulns": vulns} if vulns else {})


@pytest.fixture
async def serve() -> AsyncIterator[Any]:
    runners: list[web.AppRunner] = []

    async def start(osv: _Osv) -> str:
        app = web.Application()
        app.router.add_post("/v1/query", osv.query)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}/v1/query"

    yield start
    for runner in runners:
        await runner.cleanup()


async def _audit(constraints: Path, osv_url: str) -> tuple[int, list[str]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(AUDIT),
        "--constraints",
        str(constraints),
        "--osv-url",
        osv_url,
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await process.communicate()
    return int(process.returncode or 0), output.decode().splitlines()


ADVISORY = {
    "id": "GHSA-2c2j-9gv5-cj73",
    "summary": "a crafted multipart body exhausts memory",
    "aliases": ["CVE-2025-54121"],
    "affected": [
        {
            "package": {"name": "starlette", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "0.47.2"}]}],
        }
    ],
}


async def test_a_known_vulnerability_fails_the_audit_and_names_the_fixed_version(
    serve: Any, tmp_path: Path
) -> None:
    pinned = tmp_path / "constraints.txt"
    pinned.write_text("# two pins\nstarlette==0.40.0\nPyYAML==6.0.2\n", encoding="utf-8")
    osv = _Osv({("starlette", "0.40.0"): [ADVISORY]})
    code, lines = await _audit(pinned, await serve(osv))
    assert code == 1
    assert "known vulnerabilities" in lines[0]
    assert lines[1:] == [
        "  starlette 0.40.0: CVE-2025-54121, GHSA-2c2j-9gv5-cj73 (fixed in 0.47.2)"
    ]
    assert sorted(osv.asked) == [("pyyaml", "6.0.2"), ("starlette", "0.40.0")]


async def test_the_pinned_versions_are_audited_one_by_one_and_pass_in_one_line(
    serve: Any,
) -> None:
    osv = _Osv({})
    code, lines = await _audit(REPO / "constraints.txt", await serve(osv))
    assert (code, lines) == (
        0,
        ["dependency audit: no known vulnerabilities in the pinned versions"],
    )
    assert len(osv.asked) == len(_pins(REPO / "constraints.txt"))


async def test_without_a_connection_the_audit_says_so_in_one_line_and_does_not_fail() -> None:
    with socket.socket() as unused:  # a port nothing listens on: the connection is refused
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1/query"
    code, lines = await _audit(REPO / "constraints.txt", url)
    assert code == 0
    assert lines == [
        f"dependency audit not done: the vulnerability database {url} did not answer"
        " (ConnectionError)"
    ]
