"""Walking a flow's steps until one waits for the citizen; consent detours and returns."""

from __future__ import annotations

from typing import Any

from flows import builtin_texts, opening, text_input
from flows.definition import FlowDefinition, StepDefinition
from flows.routing import CONSENT
from flows.run import Run
from flows.steps import STEP_TYPES
from flows.steps.outcome import End, Go, Invalid, Wait
from flows.types import JSON

MAX_STEPS_PER_TURN = 60
STACK = "_stack"


class FlowLoopError(RuntimeError):
    """A flow jumped around without ever waiting for the citizen."""


def _stack(run: Run) -> list[dict[str, Any]]:
    stack = run.slots.get(STACK)
    return list(stack) if isinstance(stack, list) else []


async def start(run: Run, flow: FlowDefinition, slots: dict[str, JSON] | None = None) -> None:
    """Leaves whatever ran before and starts `flow` at its first step."""
    run.flow, run.step_id, run.slots = flow, None, dict(slots or {})
    await run_from(run, flow.start)


def stop(run: Run) -> None:
    run.flow, run.step_id, run.slots = None, None, {}


async def run_from(run: Run, step_id: str) -> None:
    """Enters `step_id` and follows the flow until a step waits or the flow ends."""
    for _ in range(MAX_STEPS_PER_TURN):
        flow = run.flow
        step = flow.steps.get(step_id) if flow else None
        if flow is None or step is None:
            stop(run)
            return
        run.step_id = step_id
        needs_consent = step.get("requires_consent") or (
            flow.requires_consent and step_id == flow.start
        )
        if (needs_consent or flow.private) and run.ctx.group_chat:
            # personal things are never asked for, or stored, in front of a group
            run.say(
                run.text(builtin_texts.PRIVATE_ONLY), [run.options([builtin_texts.MENU_OPTION])[0]]
            )
            stop(run)
            return
        if needs_consent and flow.flow_id != CONSENT and not await run.has_consent():
            consent = run.library.current(CONSENT)
            if consent is None:
                raise LookupError("the consent flow is missing")
            _push(run, flow, step_id)
            run.flow, step_id = consent, consent.start
            continue
        taken = _take_opening(run, step)
        if taken is not None:
            step_id = taken
            continue
        run.slots["_free_text"] = False
        outcome = await STEP_TYPES[step.type].enter(step, run)
        if isinstance(outcome, Wait):
            return
        if isinstance(outcome, Go):
            step_id = outcome.step
            continue
        if isinstance(outcome, Invalid):
            run.say(outcome.reason)
            stop(run)
            return
        resumed = _pop(run) if isinstance(outcome, End) and not outcome.cancel_caller else None
        if resumed is None:
            stop(run)
            return
        step_id = resumed
    raise FlowLoopError(f"flow {run.flow.flow_id if run.flow else '?'} does not wait for input")


def _take_opening(run: Run, step: StepDefinition) -> str | None:
    """Answers a question from the message that started the flow, where the step allows it
    (`opening_fills`); the step to go on with, or None to ask as usual. Each step takes its
    part once: going back to it ("change the title") asks."""
    kind = step.get("opening_fills")
    said = run.slots.get(opening.OPENING)
    used = run.slots.get(opening.USED)
    used = list(used) if isinstance(used, list) else []
    if not kind or not isinstance(said, str) or step.step_id in used:
        return None
    run.slots[opening.USED] = [*used, step.step_id]
    value = opening.part(said, str(kind))
    if value is None:
        return None
    value = text_input.clean(value)
    low, high = step.get("min_length", 1), step.get("max_length", text_input.DEFAULT_MAX)
    target = step.get("opening_next") or step.get("next")
    if not target or not low <= len(value) <= high:
        return None
    run.slots[str(step.get("slot"))] = value
    return str(target)


def _push(run: Run, flow: FlowDefinition, step_id: str) -> None:
    stack = _stack(run)
    own = {key: value for key, value in run.slots.items() if key != STACK}
    stack.append(
        {"flow_id": flow.flow_id, "flow_version": flow.version, "step_id": step_id, "slots": own}
    )
    run.slots = {STACK: stack}


def _pop(run: Run) -> str | None:
    """Returns to the flow that waited for this one; the step id to re-enter, or None."""
    stack = _stack(run)
    while stack:
        frame = stack.pop()
        flow = run.library.get(frame["flow_id"], frame["flow_version"]) or run.library.current(
            frame["flow_id"]
        )
        if flow is not None and frame["step_id"] in flow.steps:
            run.flow = flow
            run.slots = dict(frame["slots"])
            if stack:
                run.slots[STACK] = stack
            return str(frame["step_id"])
    return None
