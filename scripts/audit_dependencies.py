"""Checks the pinned versions in constraints.txt against the OSV vulnerability database.

Run by scripts/test: `.venv/bin/python scripts/audit_dependencies.py`. It fails (exit 1) only
for a known vulnerability; where the database cannot be reached (no network) it says so in
one line and succeeds, so the test command never fails for another reason.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OSV_URL = "https://api.osv.dev/v1/query"
# one request per package, and pip-audit stops at the first that cannot connect
REQUEST_SECONDS = 10
WHOLE_AUDIT_SECONDS = 120


def pip_audit_command(constraints: Path, osv_url: str | None) -> list[str]:
    command = [sys.executable, "-m", "pip_audit", "--requirement", str(constraints)]
    # every version is pinned: nothing to resolve or install, only to look up
    command += ["--no-deps", "--disable-pip", "--vulnerability-service", "osv"]
    command += ["--format", "json", "--progress-spinner", "off"]
    command += ["--timeout", str(REQUEST_SECONDS)]
    if osv_url is not None:
        command += ["--osv-url", osv_url]
    return command


def verdict(returncode: int, report: str, errors: str, where: str) -> tuple[int, list[str]]:
    """The exit code and the lines to show for one run of pip-audit against `where`."""
    found = _vulnerabilities(report)
    if found:
        heading = "dependency audit: known vulnerabilities (update the pins, docs/operating.md):"
        return 1, [heading, *found]
    if returncode == 0:
        return 0, ["dependency audit: no known vulnerabilities in the pinned versions"]
    reason = _reason(errors)
    return 0, [
        f"dependency audit not done: the vulnerability database {where} did not answer ({reason})"
    ]


def _vulnerabilities(report: str) -> list[str]:
    try:
        dependencies: list[dict[str, Any]] = json.loads(report)["dependencies"]
    except (ValueError, KeyError, TypeError):
        return []
    lines = []
    for dependency in dependencies:
        for vulnerability in dependency.get("vulns", []):
            fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed version yet"
            names = ", ".join([vulnerability["id"], *sorted(vulnerability.get("aliases", []))])
            lines.append(
                f"  {dependency['name']} {dependency['version']}: {names} (fixed in {fixed})"
            )
    return lines


def _reason(errors: str) -> str:
    """The error's name from pip-audit's last words, e.g. "ConnectionError"."""
    lines = [line.strip() for line in errors.splitlines() if line.strip()]
    if not lines:
        return "no message"
    name = re.match(r"([\w.]+(?:Error|Exception|Timeout)):", lines[-1])
    return name.group(1).rsplit(".", 1)[-1] if name else lines[-1][:120]


def audit(constraints: Path, osv_url: str | None = None) -> tuple[int, list[str]]:
    if importlib.util.find_spec("pip_audit") is None:
        return 0, ["dependency audit not done: pip-audit is not installed (scripts/bootstrap test)"]
    try:
        run = subprocess.run(
            pip_audit_command(constraints, osv_url),
            capture_output=True,
            text=True,
            timeout=WHOLE_AUDIT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return 0, [f"dependency audit not done: no answer within {WHOLE_AUDIT_SECONDS} s"]
    return verdict(run.returncode, run.stdout, run.stderr, osv_url or DEFAULT_OSV_URL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--constraints", type=Path, default=ROOT / "constraints.txt")
    parser.add_argument("--osv-url", help="another OSV query address (tests use their own)")
    arguments = parser.parse_args()
    code, lines = audit(arguments.constraints, arguments.osv_url)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
