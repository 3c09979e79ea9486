"""Generic questions: free text (ask_text) and one of several options (ask_choice)."""

from __future__ import annotations

from dataclasses import replace

from flows import builtin_texts, hints, locations, text_input
from flows.definition import StepDefinition
from flows.menu import declared_option, step_options
from flows.option_sources import SOURCES
from flows.run import Run
from flows.steps.outcome import Go, Invalid, Outcome, StepHandler, Wait, proceed
from flows.types import Option, UserInput
from flows.yes_no import yes_or_no

SKIP = "_skip"


async def enter_ask_text(step: StepDefinition, run: Run) -> Outcome:
    options = [Option(run.text(builtin_texts.SKIP), SKIP)] if step.get("optional") else []
    options += run.options([builtin_texts.CANCEL_OPTION])
    run.say(run.text(step.get("text")), options)
    if locations.wanted(step):
        run.replies[-1] = replace(run.replies[-1], accepts=(locations.LOCATION,))
    run.slots["_free_text"] = True
    return Wait()


async def receive_ask_text(step: StepDefinition, run: Run, answer: UserInput) -> Outcome:
    slot = str(step.get("slot"))
    if answer.choice == SKIP and step.get("optional"):
        run.slots[slot] = None
        return proceed(step, run)
    if answer.choice is not None:
        # a pressed button (of an earlier message) is never the text asked for
        return Invalid(hints.not_a_choice(run))
    text = text_input.clean(answer.text)
    reason = text_input.problem(
        text, run, step.get("min_length", 1), step.get("max_length", text_input.DEFAULT_MAX)
    )
    if answer.location is not None:
        if not locations.valid(answer.location):
            return Invalid(run.text(locations.NOT_A_POSITION))
        locations.take(run, answer.location)
        # words sent with the position ("am Spielplatz") name the place better than numbers
        run.slots[slot] = (
            text if text and not reason else locations.place_text(answer.location, run.language)
        )
        return proceed(step, run)
    if reason:
        return Invalid(reason)
    if locations.wanted(step):
        locations.forget(run)
    run.slots[slot] = text
    return proceed(step, run)


async def enter_ask_choice(step: StepDefinition, run: Run) -> Outcome:
    options: list[Option] = []
    source = step.get("options_from")
    if source:
        options = await SOURCES[str(source)](run)
        if not options and step.get("empty"):
            return Go(str(step.get("empty")))
    options += step_options(step, run)
    run.say(run.text(step.get("text")), options)
    return Wait()


async def receive_ask_choice(step: StepDefinition, run: Run, answer: UserInput) -> Outcome:
    picked = next((option for option in run.offered if option.value == answer.choice), None)
    if picked is None:
        # "ja" / "nein" where the step says what yes and no mean
        decided = yes_or_no(answer) if answer.choice is None else None
        if decided is not None and step.get(decided):
            return Go(str(step.get(decided)))
        return Invalid(hints.not_a_choice(run))
    slot = step.get("slot")
    if slot:
        run.slots[str(slot)] = picked.value
        run.slots[f"{slot}_label"] = picked.label
    declared = declared_option(step, picked.value)
    if declared is not None and declared.get("next"):
        if declared.get("return"):
            run.slots["_return"] = str(declared["return"])
        return Go(str(declared["next"]))
    return proceed(step, run)


HANDLERS = {
    "ask_text": StepHandler(enter_ask_text, receive_ask_text),
    "ask_choice": StepHandler(enter_ask_choice, receive_ask_choice),
}
