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
    return [Option(run.text(option["label"]), option_value(option)) for option in declared]


def declared_option(step: StepDefinition, value: str) -> dict[str, Any] | None:
    declared = step.get("options")
    if not isinstance(declared, list):
        return None
    return next((option for option in declared if option_value(option) == value), None)
