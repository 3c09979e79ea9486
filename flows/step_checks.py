"""Checks of single values in a flow file: texts, step references, options, actions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from flows.actions import ACTIONS
from flows.opening import KINDS as OPENING_KINDS
from flows.option_sources import SOURCES
from flows.step_schema import COMMON_FIELDS, OPTION_KEYS, STEP_FIELDS, FieldSpec
from flows.wording import LANGUAGES, placeholders
from flows.yaml_source import Path

TEXT_KEYS = (*LANGUAGES, "de_du")
FORMAL_GERMAN = re.compile(r"\b(Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b")


class Report(Protocol):
    """Notes a problem at `path`: its key in flows/problems.py and the key's values."""

    def __call__(self, path: Path, key: str, /, **values: Any) -> None: ...


@dataclass
class FlowFacts:
    """What the checks of one file learn and share: step ids, slots, references."""

    step_ids: set[str]
    slots: set[str] = field(default_factory=set)
    texts: list[tuple[Path, str]] = field(default_factory=list)
    edges: dict[str, set[str]] = field(default_factory=dict)


def check_text(value: Any, path: Path, facts: FlowFacts, report: Report) -> None:
    if isinstance(value, str):
        report(path, "text_is_plain")
        return
    if not isinstance(value, Mapping):
        report(path, "text_not_mapping")
        return
    for key in value:
        if key not in TEXT_KEYS:
            report((*path, key), "unknown_language", language=key)
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            report(path, "text_missing_language", language=language)
    for key in TEXT_KEYS:
        text = value.get(key)
        if isinstance(text, str):
            try:
                placeholders(text)
            except ValueError as error:
                report((*path, key), "broken_placeholder", detail=str(error))
                continue
            facts.texts.append(((*path, key), text))
    german = value.get("de")
    if isinstance(german, str) and FORMAL_GERMAN.search(german) and not value.get("de_du"):
        report(path, "needs_de_du")


def check_step_ref(
    value: Any, path: Path, source_step: str, facts: FlowFacts, report: Report
) -> None:
    if not isinstance(value, str):
        report(path, "step_ref_not_id")
    elif value not in facts.step_ids:
        report(path, "unknown_step", step=value)
    else:
        facts.edges.setdefault(source_step, set()).add(value)


def check_options(
    value: Any, path: Path, step_id: str, step_type: str, facts: FlowFacts, report: Report
) -> None:
    if value == "menu":
        return
    if not isinstance(value, list) or not value:
        report(path, "bad_options")
        return
    for index, option in enumerate(value):
        here = (*path, index)
        if not isinstance(option, Mapping):
            report(here, "option_not_mapping")
            continue
        for key in option:
            if key not in OPTION_KEYS:
                report((*here, key), "unknown_option_key", name=key)
        if "label" not in option:
            report(here, "option_no_label")
        else:
            check_text(option["label"], (*here, "label"), facts, report)
        raw_value = option.get("value")
        if raw_value is not None and not isinstance(raw_value, str | int):
            report((*here, "value"), "option_bad_value")
        is_command = isinstance(raw_value, str) and raw_value.startswith("/")
        if step_type == "say" and not is_command:
            report(here, "say_option_not_command")
        if "synonyms" in option and not _word_lists(option["synonyms"]):
            report((*here, "synonyms"), "option_bad_synonyms")
        if raw_value is None and "next" not in option:
            report(here, "option_needs_value")
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
            report(path, "bad_slot")
    elif kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            report(path, "not_whole_number", name=name)
    elif kind == "bool":
        if not isinstance(value, bool):
            report(path, "not_bool", name=name)
    elif kind == "options":
        check_options(value, path, step_id, step_type, facts, report)
    elif kind == "opening":
        if value not in OPENING_KINDS:
            report(path, "unknown_opening_part", part=value, known=", ".join(OPENING_KINDS))
    elif kind == "source":
        if value not in SOURCES:
            report(path, "unknown_source", source=value, known=", ".join(sorted(SOURCES)))
    elif kind == "action" and name == "action" and value not in ACTIONS:
        report(path, "unknown_action", action=value, known=", ".join(sorted(ACTIONS)))


def check_outcomes(
    value: Any, path: Path, step: Mapping[str, Any], step_id: str, facts: FlowFacts, report: Report
) -> None:
    if not isinstance(value, Mapping):
        report(path, "on_not_mapping")
        return
    action = ACTIONS.get(str(step.get("action")))
    for outcome, target in value.items():
        if action is not None and outcome not in action.outcomes:
            known = ", ".join(action.outcomes)
            action_name = step.get("action")
            report(
                (*path, outcome),
                "unknown_outcome",
                action=action_name,
                outcome=outcome,
                known=known,
            )
        check_step_ref(target, (*path, outcome), step_id, facts, report)


def check_step(step_id: str, step: Any, path: Path, facts: FlowFacts, report: Report) -> None:
    if not isinstance(step, Mapping):
        report(path, "step_not_mapping")
        return
    step_type = step.get("type")
    if step_type not in STEP_FIELDS:
        if not step_type:
            report((*path, "type") if "type" in step else path, "step_no_type")
        else:
            known = ", ".join(sorted(STEP_FIELDS))
            report((*path, "type"), "unknown_step_type", type=step_type, known=known)
        return
    fields = STEP_FIELDS[str(step_type)]
    for name, value in step.items():
        where = (*path, name)
        if name in COMMON_FIELDS:
            if name == "requires_consent" and not isinstance(value, bool):
                report(where, "not_bool", name=name)
            continue
        spec = fields.get(name)
        if spec is None:
            report(where, "unknown_step_key", type=step_type, name=name)
        elif spec.kind == "outcomes":
            check_outcomes(value, where, step, step_id, facts, report)
        else:
            check_field(name, spec, value, where, (step_id, str(step_type)), facts, report)
    for name, spec in fields.items():
        if spec.required and name not in step:
            report(path, "step_needs_key", type=step_type, name=name)
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
        report(path, "say_next_and_options")
    if step_type == "ask_choice" and "options" not in step and "options_from" not in step:
        report(path, "ask_choice_no_options")
    opening_fills = step_type == "ask_text" and "opening_fills" in step
    if opening_fills and "next" not in step and "opening_next" not in step:
        report(path, "opening_needs_next")
    if step_type == "ask_text":
        low, high = step.get("min_length"), step.get("max_length")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            report(path, "min_above_max")


def _word_lists(value: Any) -> bool:
    """Synonyms: a list of words, or a mapping from language to such a list."""
    lists = list(value.values()) if isinstance(value, Mapping) else [value]
    return all(
        isinstance(words, list) and all(isinstance(word, str) and word.strip() for word in words)
        for words in lists
    )
