"""Checking flow files against the schema; every problem names file, line and what is wrong."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flows.definition import FlowDefinition, StepDefinition, Triggers
from flows.problems import FlowError as FlowError
from flows.problems import Problem
from flows.step_checks import FlowFacts, Report, check_step, check_text
from flows.step_loops import check_loops
from flows.wording import placeholders
from flows.yaml_source import LoadedYaml, YamlSyntaxError, load
from nlu.types import FALLBACK_INTENT, INTENTS

TOP_KEYS = {
    "id",
    "title",
    "description",
    "start",
    "steps",
    "triggers",
    "requires_consent",
    "private",
}
TRIGGER_KEYS = {"intents", "commands", "deep_link", "deep_link_slot", "entities"}
# Variables the bot core passes in TurnContext.variables.
CONTEXT_VARIABLES = frozenset({"town", "privacy_contact", "privacy_version", "privacy_notice"})
# Commands the engine answers itself, before any flow.
RESERVED_COMMANDS = frozenset({"/start", "/abbrechen", "/cancel", "/sprache", "/language"})
FLOW_ID = re.compile(r"[a-z][a-z0-9_]*")


def validate_source(source: str, filename: str) -> list[Problem]:
    """Every problem in one flow file's text."""
    return _check(source, filename, 1)[1]


def parse_flow(source: str, filename: str, version: int = 1) -> FlowDefinition:
    """The flow in `source`; raises FlowError when anything is wrong."""
    flow, problems = _check(source, filename, version)
    if problems or flow is None:
        raise FlowError(problems or [Problem(filename, None, "not_a_flow")])
    return flow


def validate_paths(paths: Sequence[Path]) -> list[Problem]:
    """Problems in the given files and directories (*.yml below them), across files too."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.yml")) if path.is_dir() else [path])
    problems: list[Problem] = []
    flows: list[FlowDefinition] = []
    for file in files:
        try:
            source = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(str(file), None, "unreadable_file", {"detail": str(error)}))
            continue
        flow, found = _check(source, str(file), 1)
        problems.extend(found)
        if flow is not None and not found:
            flows.append(flow)
    problems.extend(check_together(flows))
    return problems


def check_together(flows: Sequence[FlowDefinition]) -> list[Problem]:
    """Problems between flows: the same id, command, intent or deep link claimed twice."""
    problems: list[Problem] = []
    claimed: dict[tuple[str, str], str] = {}
    for flow in flows:
        keys = [("clash_flow_id", flow.flow_id)]
        keys += [("clash_command", command) for command in flow.triggers.commands]
        keys += [("clash_intent", intent) for intent in flow.triggers.intents]
        if flow.triggers.deep_link:
            keys.append(("clash_deep_link", flow.triggers.deep_link))
        for key in keys:
            if key in claimed:
                values = {"value": key[1], "other": claimed[key]}
                problems.append(Problem(flow.filename, 1, key[0], values))
            else:
                claimed[key] = flow.filename
    return problems


def _check(source: str, filename: str, version: int) -> tuple[FlowDefinition | None, list[Problem]]:
    try:
        loaded = load(source)
    except YamlSyntaxError as error:
        return None, [Problem(filename, error.line, error.key, error.values)]
    problems: list[Problem] = []

    def report(path: tuple[str | int, ...], key: str, /, **values: Any) -> None:
        problems.append(Problem(filename, loaded.line(path), key, values))

    for path, line in loaded.duplicates:
        what = "duplicate_step" if len(path) == 2 and path[0] == "steps" else "duplicate_key"
        problems.append(Problem(filename, line, what, {"name": path[-1]}))
    data = loaded.data
    if not isinstance(data, Mapping):
        report((), "not_a_mapping")
        return None, problems
    _check_top(data, report)
    steps = data.get("steps")
    if not isinstance(steps, Mapping) or not steps:
        report(("steps",), "no_steps")
        return None, problems
    facts = FlowFacts(step_ids={str(step_id) for step_id in steps})
    if "title" in data:
        check_text(data["title"], ("title",), facts, report)
    if "description" in data:
        check_text(data["description"], ("description",), facts, report)
    triggers = _check_triggers(data.get("triggers"), facts, report)
    for step_id, step in steps.items():
        check_step(str(step_id), step, ("steps", str(step_id)), facts, report)
    start = data.get("start")
    if start not in facts.step_ids:
        report(("start",), "unknown_start", step=start)
    else:
        _check_reachable(str(start), facts, loaded, report)
    check_loops(steps, facts.step_ids, loaded, report)
    _check_placeholders(facts, report)
    if problems:
        return None, problems
    return _build(data, triggers, loaded, filename, version), problems


def _check_top(data: Mapping[str, Any], report: Report) -> None:
    for key in data:
        if key not in TOP_KEYS:
            report((key,), "unknown_top_key", name=key, known=", ".join(sorted(TOP_KEYS)))
    for key in ("id", "title", "start"):
        if key not in data:
            report((), "missing_top_key", name=key)
    flow_id = data.get("id")
    if "id" in data and (not isinstance(flow_id, str) or not FLOW_ID.fullmatch(flow_id)):
        report(("id",), "bad_flow_id")
    for flag in ("requires_consent", "private"):
        if flag in data and not isinstance(data[flag], bool):
            report((flag,), "not_bool", name=flag)


def _check_triggers(raw: Any, facts: FlowFacts, report: Report) -> Triggers:
    if raw is None:
        return Triggers()
    if not isinstance(raw, Mapping):
        report(("triggers",), "triggers_not_mapping")
        return Triggers()
    for key in raw:
        if key not in TRIGGER_KEYS:
            report(("triggers", key), "unknown_trigger", name=key)
    intents = _string_list(raw.get("intents"), ("triggers", "intents"), report)
    for index, intent in enumerate(intents):
        if intent not in INTENTS and intent != FALLBACK_INTENT:
            report(("triggers", "intents", index), "unknown_intent", intent=intent)
    commands = _string_list(raw.get("commands"), ("triggers", "commands"), report)
    for index, command in enumerate(commands):
        if not re.fullmatch(r"/[a-zäöüß_]+", command):
            report(("triggers", "commands", index), "bad_command", command=command)
        elif command in RESERVED_COMMANDS:
            report(("triggers", "commands", index), "reserved_command", command=command)
    entities = raw.get("entities") or {}
    if not isinstance(entities, Mapping):
        report(("triggers", "entities"), "entities_not_mapping")
        entities = {}
    facts.slots.update(str(slot) for slot in entities.values())
    deep_link, deep_link_slot = raw.get("deep_link"), raw.get("deep_link_slot")
    if (deep_link is None) != (deep_link_slot is None):
        report(("triggers",), "deep_link_pair")
    if deep_link_slot is not None:
        facts.slots.add(str(deep_link_slot))
    return Triggers(
        intents=tuple(intents),
        commands=tuple(commands),
        deep_link=str(deep_link) if deep_link is not None else None,
        deep_link_slot=str(deep_link_slot) if deep_link_slot is not None else None,
        entity_slots={str(k): str(v) for k, v in entities.items()},
    )


def _string_list(value: Any, path: tuple[str, ...], report: Report) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        report(path, "not_word_list")
        return []
    return list(value)


def _check_reachable(start: str, facts: FlowFacts, loaded: LoadedYaml, report: Report) -> None:
    seen, waiting = {start}, [start]
    while waiting:
        for target in facts.edges.get(waiting.pop(), set()):
            if target not in seen:
                seen.add(target)
                waiting.append(target)
    for step_id in sorted(facts.step_ids - seen, key=lambda s: loaded.line(("steps", s)) or 0):
        report(("steps", step_id), "unreachable", step=step_id)


def _check_placeholders(facts: FlowFacts, report: Report) -> None:
    known = facts.slots | CONTEXT_VARIABLES
    for path, text in facts.texts:
        for name in placeholders(text):
            if name not in known:
                report(path, "unknown_placeholder", name=name)


def _build(
    data: Mapping[str, Any], triggers: Triggers, loaded: LoadedYaml, filename: str, version: int
) -> FlowDefinition:
    steps = {
        str(step_id): StepDefinition(
            step_id=str(step_id),
            type=str(raw["type"]),
            fields={key: value for key, value in raw.items() if key != "type"},
            line=loaded.line(("steps", str(step_id))),
        )
        for step_id, raw in data["steps"].items()
    }
    return FlowDefinition(
        flow_id=str(data["id"]),
        version=version,
        title=dict(data["title"]),
        start=str(data["start"]),
        steps=steps,
        triggers=triggers,
        requires_consent=bool(data.get("requires_consent", False)),
        private=bool(data.get("private", False)),
        filename=filename,
    )
