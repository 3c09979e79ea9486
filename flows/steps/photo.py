"""ask_photo: asks for a picture, which the citizen may skip. The photo goes to the reports
port, which checks it and stores the picture without its metadata; the slot holds the
stored photo's id in a list. A position found in the photo waits in `_photo_position`
until the citizen is asked whether to use it."""

from __future__ import annotations

from dataclasses import replace

from flows import builtin_texts, photos
from flows.definition import StepDefinition
from flows.run import Run
from flows.steps.outcome import Invalid, Outcome, StepHandler, Wait, proceed
from flows.types import Option, UserInput
from flows.yes_no import yes_or_no

SKIP = "_skip"


async def enter_ask_photo(step: StepDefinition, run: Run) -> Outcome:
    options = [Option(run.text(builtin_texts.SKIP), SKIP)]
    options += run.options([builtin_texts.CANCEL_OPTION])
    run.say(run.text(step.get("text")), options)
    # channels that can send a picture from here offer it (the web chat's "📷 Foto senden")
    run.replies[-1] = replace(run.replies[-1], accepts=(photos.PHOTO,))
    return Wait()


async def receive_ask_photo(step: StepDefinition, run: Run, answer: UserInput) -> Outcome:
    slot = str(step.get("slot"))
    if answer.photo is None:
        if answer.choice == SKIP or (answer.choice is None and yes_or_no(answer) == "no"):
            run.slots.pop(photos.POSITION, None)
            run.slots[slot] = []
            return proceed(step, run)
        return Invalid(run.text(photos.SEND_ONE))
    taken = await run.ports.reports.take_photo(answer.photo)
    if taken.photo_id is None:
        refusal = photos.REFUSED.get(taken.refused or "", photos.REFUSED["not_an_image"])
        return Invalid(run.text(refusal, limit=taken.limit_mb))
    run.slots[slot] = [taken.photo_id]  # one photo a report: a second one replaces it
    run.slots.pop(photos.POSITION, None)
    if taken.position is not None:
        run.slots[photos.POSITION] = [taken.position.latitude, taken.position.longitude]
    return proceed(step, run)


HANDLERS = {photos.STEP_TYPE: StepHandler(enter_ask_photo, receive_ask_photo)}
