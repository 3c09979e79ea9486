"""Generic step types: say, goto, action and confirm."""

from __future__ import annotations

from flows import builtin_texts
from flows.actions import ACTIONS
from flows.choices import normalize
from flows.definition import StepDefinition
from flows.menu import step_options
from flows.positions import bare_number
from flows.run import Run
from flows.steps.outcome import End, Go, Invalid, Outcome, StepHandler, Wait, proceed
from flows.types import Option, UserInput
from flows.yes_no import yes_or_no


async def enter_say(step: StepDefinition, run: Run) -> Outcome:
    run.say(run.text(step.get("text")), step_options(step, run))
    if step.get("next"):
        return proceed(step, run)
    return End(cancel_caller=bool(step.get("cancel_caller", False)))


async def enter_goto(step: StepDefinition, run: Run) -> Outcome:
    return Go(str(step.get("step")))


async def enter_action(step: StepDefinition, run: Run) -> Outcome:
    outcome = await ACTIONS[str(step.get("action"))].run(run, step)
    target = (step.get("on") or {}).get(outcome)
    return Go(str(target)) if target else proceed(step, run)


async def enter_confirm(step: StepDefinition, run: Run) -> Outcome:
    yes = run.text(step.get("yes_label") or builtin_texts.YES)
    no = run.text(step.get("no_label") or builtin_texts.NO)
    run.say(run.text(step.get("text")), [Option(yes, "yes"), Option(no, "no")])
    return Wait()


async def receive_confirm(step: StepDefinition, run: Run, answer: UserInput) -> Outcome:
    decided = answer.choice if answer.choice in ("yes", "no") else yes_or_no(answer)
    label = run.text(step.get("yes_label") or builtin_texts.YES)
    # the channel tells a press from typed text; a press comes with its button's label, and
    # a typed answer counts only as the button's number or its very words
    exact = normalize(answer.text) == normalize(label) or bare_number(answer.text) == 1
    if decided == "yes" and step.get("explicit") and (answer.choice != "yes" or not exact):
        # a serious step (erasing data) takes only the button, its number or its exact label
        return Invalid(run.text(builtin_texts.EXPLICIT_YES, label=label))
    if decided is None:
        return Invalid(run.text(builtin_texts.NOT_YES_NO))
    return Go(str(step.get(decided)))


HANDLERS = {
    "say": StepHandler(enter_say),
    "goto": StepHandler(enter_goto),
    "action": StepHandler(enter_action),
    "confirm": StepHandler(enter_confirm, receive_confirm),
}
