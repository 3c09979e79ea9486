"""The main menu and the options a step's YAML declares."""

from __future__ import annotations

from typing import Any

from flows import builtin_texts
from flows.definition import StepDefinition
from flows.run import Run
from flows.types import Option


def main_menu(run: Run) -> list[Option]:
    return run.options(builtin_texts.MENU)


def option_value(option: dict[str, Any]) -> str:
    """An option's value: its `value`, else the step it leads to."""
    value = option.get("value")
    return str(value) if value is not None else str(option.get("next"))


def step_options(step: StepDefinition, run: Run) -> list[Option]:
    """The options written in the step: `menu` or a list of label/value."""
    declared = step.get("options")
    if declared is None:
        return []
    if declared == "menu":
        return main_menu(run)
    return [
        Option(run.text(option["label"]), option_value(option), synonyms(option, run.language))
        for option in declared
    ]


def synonyms(option: dict[str, Any], language: str) -> tuple[str, ...]:
    """The words an option's YAML declares as meaning it: a list for every language, or
    one list per language (`{de: [...], en: [...]}`)."""
    declared = option.get("synonyms")
    if isinstance(declared, dict):
        declared = declared.get(language) or []
    if not isinstance(declared, list):
        return ()
    return tuple(str(word) for word in declared)


def declared_option(step: StepDefinition, value: str) -> dict[str, Any] | None:
    declared = step.get("options")
    if not isinstance(declared, list):
        return None
    return next((option for option in declared if option_value(option) == value), None)
