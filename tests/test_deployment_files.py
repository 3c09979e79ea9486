"""The deployment files name only settings that exist, and the README's commands are real."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import yaml

from bot.cli.main import build_parser
from bot.config import Settings

REPO = Path(__file__).resolve().parents[1]


def _known_settings() -> set[str]:
    return {f"MITREDEN_{name.upper()}" for name in Settings.model_fields}


def test_compose_passes_only_settings_the_bot_knows() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    environment = compose["services"]["bot"]["environment"]
    unknown = {name for name in environment if name.startswith("MITREDEN_")} - _known_settings()
    assert not unknown
    assert compose["services"]["bot"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for service in compose["services"].values():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), port


def test_every_setting_in_the_docs_exists() -> None:
    documented: set[str] = set()
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / ".env.example"]:
        found = re.findall(r"MITREDEN_[A-Z_]+\*?", path.read_text(encoding="utf-8"))
        documented |= {name for name in found if not name.endswith(("*", "_"))}
    ignored = {"MITREDEN_CONFIG", "MITREDEN_DB_PASSWORD", "MITREDEN_TEST_POSTGRES_URL"}
    unknown = documented - ignored - _known_settings()
    assert not unknown, f"documented but not a setting: {sorted(unknown)}"


def test_the_readme_commands_exist() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "scripts/start" in readme and "scripts/test" in readme
    assert (REPO / ".ci" / "run").read_text().strip().endswith("exec scripts/test")
    commands = next(
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    documented = re.findall(r"^\| `mitreden ([a-z]+)", readme, flags=re.MULTILINE)
    assert len(documented) >= 8
    assert set(documented) <= set(commands.choices)
