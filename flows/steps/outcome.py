"""What a step tells the engine after entering it or receiving an answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from flows.definition import StepDefinition
from flows.run import Run
from flows.types import UserInput


@dataclass(frozen=True)
class Wait:
    """The step asked something; the conversation waits for the citizen."""


@dataclass(frozen=True)
class Go:
    """Continue with another step of the same flow."""

    step: str


@dataclass(frozen=True)
class End:
    """The flow is done; `cancel_caller` also drops a flow waiting for this one (consent)."""

    cancel_caller: bool = False


@dataclass(frozen=True)
class Invalid:
    """The answer does not fit; the engine says `reason` and asks the step again."""

    reason: str


Outcome = Wait | Go | End | Invalid
Enter = Callable[[StepDefinition, Run], Awaitable[Outcome]]
Receive = Callable[[StepDefinition, Run, UserInput], Awaitable[Outcome]]


@dataclass(frozen=True)
class StepHandler:
    """A step type: `enter` runs when the step is reached, `receive` gets the next message."""

    enter: Enter
    receive: Receive | None = None


def proceed(step: StepDefinition, run: Run, key: str = "next") -> Outcome:
    """Go on after this step: back to a summary being corrected, the next step, or the end."""
    back = run.slots.pop("_return", None)
    if isinstance(back, str) and run.flow is not None and back in run.flow.steps:
        return Go(back)
    target = step.get(key)
    return Go(str(target)) if target else End()
