"""The deployment files are valid (Compose Specification, Kubernetes schemas, checked
offline against the copies in tests/schemas/), name only settings that exist, and the
README's commands are real."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from bot.cli.main import build_parser
from bot.config import Settings

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).resolve().parent / "schemas"
MANIFESTS = sorted((REPO / "deploy" / "kubernetes").glob("*.yaml"))
KUBERNETES_SCHEMAS = {
    ("apps/v1", "Deployment"): "deployment-apps-v1.json",
    ("v1", "Service"): "service-v1.json",
    ("v1", "Secret"): "secret-v1.json",
    ("batch/v1", "Job"): "job-batch-v1.json",
}


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
    # what a town must set for a public install comes through from .env
    for needed in ("PUBLIC_URL", "WEB_CHAT_ORIGINS", "TRUSTED_PROXIES", "CONTACT_PHONE"):
        assert f"${{MITREDEN_{needed}" in str(environment[f"MITREDEN_{needed}"]), needed
        assert f"MITREDEN_{needed}=" in (REPO / ".env.example").read_text(encoding="utf-8")


def test_every_setting_in_the_docs_exists() -> None:
    documented: set[str] = set()
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / ".env.example"]:
        found = re.findall(r"MITREDEN_[A-Z0-9_]+\*?", path.read_text(encoding="utf-8"))
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


def _problems(schema_file: Path, document: Any) -> list[str]:
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(schema).iter_errors(document)
    ]


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    )
    return loaded


def test_compose_file_follows_the_compose_specification() -> None:
    assert _problems(SCHEMAS / "compose-spec.json", _compose()) == []


def test_compose_listens_inside_and_scales_behind_nginx() -> None:
    services = _compose()["services"]
    bot = services["bot"]
    assert bot["environment"]["MITREDEN_WEB_HOST"] == "0.0.0.0"  # else the port is unreachable
    assert "/readyz" in " ".join(bot["healthcheck"]["test"])
    proxy = services["proxy"]
    assert proxy["profiles"] == ["scale"]
    mounted = proxy["volumes"][0].split(":")[0]
    config = (REPO / mounted).read_text(encoding="utf-8")
    assert "server bot:8080 resolve" in config
    assert re.search(r"location = /webhooks/rest/events \{[^}]*proxy_buffering off", config)
    # the bot trusts the proxies of the compose network, and that network is fixed
    subnet = _compose()["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert subnet in bot["environment"]["MITREDEN_TRUSTED_PROXIES"]


def _manifests() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in MANIFESTS:
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                found.append((path.name, document))
    return found


def test_there_are_kubernetes_manifests_for_each_part() -> None:
    kinds = {document["kind"] for _, document in _manifests()}
    assert {"Deployment", "Service", "Secret", "Job"} <= kinds


@pytest.mark.parametrize("name,document", _manifests(), ids=lambda value: str(value)[:40])
def test_kubernetes_manifest_follows_its_schema(name: str, document: dict[str, Any]) -> None:
    schema = KUBERNETES_SCHEMAS[(document["apiVersion"], document["kind"])]
    assert _problems(SCHEMAS / "kubernetes" / schema, document) == [], name


def test_kubernetes_probes_settings_and_secret_fit_the_bot() -> None:
    documents = [document for _, document in _manifests()]
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert {"name": "http", "containerPort": 8080} in container["ports"]
    named = {item["name"] for item in container["env"]}
    secret = next(
        d for d in documents if d["kind"] == "Secret" and d["metadata"]["name"] == "mitreden"
    )
    named |= set(secret["stringData"])
    assert "MITREDEN_DATABASE_URL" in secret["stringData"]
    unknown = {name for name in named if name.startswith("MITREDEN_")} - _known_settings()
    assert not unknown
    job = next(d for d in documents if d["kind"] == "Job")
    command = " ".join(job["spec"]["template"]["spec"]["containers"][0]["args"])
    assert "mitreden staff add" in command and "--password-stdin" in command
