"""Checks of single values in a flow file: texts, step references, options, actions."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flows.actions import ACTIONS
from flows.option_sources import SOURCES
from flows.step_schema import COMMON_FIELDS, OPTION_KEYS, STEP_FIELDS, FieldSpec
from flows.wording import LANGUAGES, placeholders
from flows.yaml_source import Path

TEXT_KEYS = (*LANGUAGES, "de_du")
FORMAL_GERMAN = re.compile(r"\b(Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b")

Report = Callable[[Path, str], None]


@dataclass
class FlowFacts:
    """What the checks of one file learn and share: step ids, slots, references."""

    step_ids: set[str]
    slots: set[str] = field(default_factory=set)
    texts: list[tuple[Path, str]] = field(default_factory=list)
    edges: dict[str, set[str]] = field(default_factory=dict)


def check_text(value: Any, path: Path, facts: FlowFacts, report: Report) -> None:
    if isinstance(value, str):
        report(path, "a text needs a German and an English version (keys de and en)")
        return
    if not isinstance(value, Mapping):
        report(path, "a text must be a mapping with the keys de and en")
        return
    for key in value:
        if key not in TEXT_KEYS:
            report((*path, key), f"unknown language '{key}' (use de, de_du or en)")
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            report(path, f"the text has no {language} version")
    for key in TEXT_KEYS:
        text = value.get(key)
        if isinstance(text, str):
            try:
                placeholders(text)
            except ValueError as error:
                report((*path, key), f"broken placeholder: {error}")
                continue
            facts.texts.append(((*path, key), text))
    german = value.get("de")
    if isinstance(german, str) and FORMAL_GERMAN.search(german) and not value.get("de_du"):
        report(
            path, "the German text says 'Sie' or 'Ihr': add a de_du version for towns that say 'du'"
        )


def check_step_ref(
    value: Any, path: Path, source_step: str, facts: FlowFacts, report: Report
) -> None:
    if not isinstance(value, str):
        report(path, "a step reference must be a step id")
    elif value not in facts.step_ids:
        report(path, f"jumps to unknown step '{value}'")
    else:
        facts.edges.setdefault(source_step, set()).add(value)


def check_options(
    value: Any, path: Path, step_id: str, step_type: str, facts: FlowFacts, report: Report
) -> None:
    if value == "menu":
        return
    if not isinstance(value, list) or not value:
        report(path, "options must be 'menu' or a list of options with label and value")
        return
    for index, option in enumerate(value):
        here = (*path, index)
        if not isinstance(option, Mapping):
            report(here, "an option must be a mapping with label and value")
            continue
        for key in option:
            if key not in OPTION_KEYS:
                report((*here, key), f"unknown option key '{key}'")
        if "label" not in option:
            report(here, "the option has no label")
        else:
            check_text(option["label"], (*here, "label"), facts, report)
        raw_value = option.get("value")
        if raw_value is not None and not isinstance(raw_value, str | int):
            report((*here, "value"), "an option's value must be a word or number")
        is_command = isinstance(raw_value, str) and raw_value.startswith("/")
        if step_type == "say" and not is_command:
            report(here, "options of a say step must be commands (values starting with /)")
        if raw_value is None and "next" not in option:
            report(here, "the option needs a value or a next step")
        for key in ("next", "return"):
            if key in option:
                check_step_ref(option[key], (*here, key), step_id, facts, report)


def check_field(
    name: str,
    spec: FieldSpec,
    value: Any,
    path: Path,
    step: tuple[str, str],
    facts: FlowFacts,
    report: Report,
) -> None:
    step_id, step_type = step
    kind = spec.kind
    if kind == "text":
        check_text(value, path, facts, report)
    elif kind == "step":
        check_step_ref(value, path, step_id, facts, report)
    elif kind == "slot":
        if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            report(path, "a slot name must be lower-case letters, digits and _")
    elif kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            report(path, f"{name} must be a whole number ≥ 0")
    elif kind == "bool":
        if not isinstance(value, bool):
            report(path, f"{name} must be true or false")
    elif kind == "options":
        check_options(value, path, step_id, step_type, facts, report)
    elif kind == "source":
        if value not in SOURCES:
            report(path, f"unknown option source '{value}' (known: {', '.join(sorted(SOURCES))})")
    elif kind == "action" and name == "action" and value not in ACTIONS:
        report(path, f"unknown action '{value}' (known: {', '.join(sorted(ACTIONS))})")


def check_outcomes(
    value: Any, path: Path, step: Mapping[str, Any], step_id: str, facts: FlowFacts, report: Report
) -> None:
    if not isinstance(value, Mapping):
        report(path, "'on' must map outcomes to steps")
        return
    action = ACTIONS.get(str(step.get("action")))
    for outcome, target in value.items():
        if action is not None and outcome not in action.outcomes:
            known = ", ".join(action.outcomes)
            report(
                (*path, outcome),
                f"action '{step.get('action')}' has no outcome '{outcome}' (it has: {known})",
            )
        check_step_ref(target, (*path, outcome), step_id, facts, report)


def check_step(step_id: str, step: Any, path: Path, facts: FlowFacts, report: Report) -> None:
    if not isinstance(step, Mapping):
        report(path, "a step must be a mapping with a type")
        return
    step_type = step.get("type")
    if step_type not in STEP_FIELDS:
        known = ", ".join(sorted(STEP_FIELDS))
        report(
            (*path, "type") if "type" in step else path,
            f"unknown step type '{step_type}' (known: {known})"
            if step_type
            else "the step has no type",
        )
        return
    fields = STEP_FIELDS[str(step_type)]
    for name, value in step.items():
        where = (*path, name)
        if name in COMMON_FIELDS:
            if name == "requires_consent" and not isinstance(value, bool):
                report(where, "requires_consent must be true or false")
            continue
        spec = fields.get(name)
        if spec is None:
            report(where, f"a {step_type} step has no key '{name}'")
        elif spec.kind == "outcomes":
            check_outcomes(value, where, step, step_id, facts, report)
        else:
            check_field(name, spec, value, where, (step_id, str(step_type)), facts, report)
    for name, spec in fields.items():
        if spec.required and name not in step:
            report(path, f"the {step_type} step needs '{name}'")
    _collect_slots(step, facts)
    _check_combinations(step_id, step, path, report)


def _collect_slots(step: Mapping[str, Any], facts: FlowFacts) -> None:
    slot = step.get("slot")
    if isinstance(slot, str):
        facts.slots.update({slot, f"{slot}_label"})
    action = ACTIONS.get(str(step.get("action")))
    if step.get("type") == "action" and action is not None:
        facts.slots.update(action.sets)


def _check_combinations(step_id: str, step: Mapping[str, Any], path: Path, report: Report) -> None:
    step_type = step.get("type")
    if step_type == "say" and "next" in step and "options" in step:
        report(path, "a say step with next cannot offer options (the next step does)")
    if step_type == "ask_choice" and "options" not in step and "options_from" not in step:
        report(path, "an ask_choice step needs options or options_from")
    if step_type == "ask_text":
        low, high = step.get("min_length"), step.get("max_length")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            report(path, "min_length is larger than max_length")
