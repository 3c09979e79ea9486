"""What an action is: an async function over the turn plus the outcomes and slots it may set."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from flows.definition import StepDefinition
from flows.run import Run

ActionFunction = Callable[[Run, StepDefinition], Awaitable[str]]


@dataclass(frozen=True)
class ActionSpec:
    """`outcomes[0]` is the usual result; an action step's `on:` maps outcomes to steps."""

    run: ActionFunction
    outcomes: tuple[str, ...] = ("ok",)
    sets: tuple[str, ...] = ()
