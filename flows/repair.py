"""Conversation repair: reading a typed answer against the options shown, and what the
engine says when it needs help — a number no option has, an answer that fits several
options, a citizen who is not sure, another wish in the middle of a flow, an old button,
"zurück"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flows import flow_runner, hedges
from flows import repair_texts as texts
from flows.builtin_texts import CANCEL_OPTION
from flows.choices import NOTHING, SEVERAL, Reading, read_choice
from flows.definition import FlowDefinition
from flows.folding import normalize
from flows.positions import bare_number
from flows.run import Run
from flows.types import ConversationState, Option, UserInput
from flows.wording import localize
from flows.yes_no import yes_or_no

LEAVE = "_leave"
LEAVE_YES, LEAVE_NO = "_leave_yes", "_leave_no"
BACK = "_back"
_BACK_TAKEN = "_back_taken"
_BACK_KEPT = 10
# step types whose answers are stored as they are given
_SAVES_AS_IT_GOES = frozenset({"consultation_questions", "consultation_review"})
# option values that leave a question open rather than answer it
_SKIPS = frozenset({"_skip"})
_PAUSES = frozenset({"_pause"})


def read(text: str, state: ConversationState) -> Reading:
    """What typed text picks among the options the citizen sees.

    At a free-text question only the very label of an option ("Überspringen") or a bare
    number of one ("2" where "2) ⏸ Später weitermachen" is shown) picks: anything else is
    the answer. Elsewhere the loose rules of flows.choices apply."""
    options = state.options
    if not options:
        return NOTHING
    if _skipping(text):
        skip = [option for option in options if option.value in _SKIPS]
        return Reading(tuple(skip[:1]))
    if bool(state.slots.get("_free_text")) and state.flow_id is not None:
        number = bare_number(text)
        if number is not None:
            in_range = 1 <= number <= len(options)
            return Reading((options[number - 1],)) if in_range else NOTHING
        wanted = normalize(text)
        exact = [option for option in options if wanted and normalize(option.label) == wanted]
        return Reading((exact[0],)) if exact else NOTHING
    several = bool(state.slots.get(SEVERAL))
    strict = read_choice(text, options, loose=False, several=several)
    if strict != NOTHING or state.flow_id is None:
        return strict
    if hedges.is_unsure(normalize(text)):
        return NOTHING  # "not sure, I'll finish this later" picks no "later" option
    return read_choice(text, options, several=several)


def needs_help(run: Run, state: ConversationState, text: str, reading: Reading) -> bool:
    """Answers a reading that is not yet an answer; True when it did (the step waits on)."""
    if reading.out_of_range is not None:
        hint = texts.OUT_OF_RANGE
        run.say(run.text(hint, number=reading.out_of_range, count=len(state.options)), run.offered)
        return True
    if reading.candidates:
        extra = [o for o in run.offered if o not in reading.candidates and _navigates(o)]
        run.say(run.text(texts.WHICH_ONE), [*reading.candidates, *extra])
        return True
    if not reading.picked and _skipping(text) and state.flow_id is not None:
        run.say(run.text(texts.CANNOT_SKIP), _with_cancel(run, run.offered))
        return True
    free_text = bool(state.slots.get("_free_text"))
    if not reading.picked and hedges.is_unsure(normalize(text), whole=free_text):
        unsure(run)
        return True
    return False


def _skipping(text: str) -> bool:
    return normalize(text) in hedges.SKIP_WORDS


def _with_cancel(run: Run, options: Sequence[Option]) -> list[Option]:
    """The options, with a way out when none of them is one."""
    if any(_navigates(option) for option in options):
        return list(options)
    return [*options, *run.options([CANCEL_OPTION])]


def _navigates(option: Option) -> bool:
    return option.value.startswith(("_", "/"))


def unsure(run: Run) -> None:
    """Offers skipping or a pause instead of guessing an answer; stores nothing."""
    values = {option.value for option in run.offered}
    can_skip, can_pause = bool(values & _SKIPS), bool(values & _PAUSES)
    if can_skip and can_pause:
        said = texts.UNSURE_SKIP_OR_PAUSE
    elif can_pause:
        said = texts.UNSURE_PAUSE
    elif can_skip:
        said = texts.UNSURE_SKIP
    else:
        said = texts.UNSURE_OTHER
    run.say(run.text(said), _with_cancel(run, run.offered))


# -- another wish in the middle of a flow ----------------------------------------------


def ask_leave(run: Run, target: FlowDefinition, slots: dict[str, Any]) -> None:
    """Asks before leaving the running flow for `target`; never jumps silently."""
    assert run.flow is not None and run.step is not None
    wish = localize(target.title, run.language, run.ctx.formal)
    here = localize(run.flow.title, run.language, run.ctx.formal)
    collects = any(step.type == "ask_text" for step in run.flow.steps.values())
    said = texts.LEAVE_FLOW if collects else texts.LEAVE_PLAIN
    if run.step.type in _SAVES_AS_IT_GOES:
        said = texts.LEAVE_SURVEY
    run.slots[LEAVE] = {"flow": target.flow_id, "slots": slots}
    run.say(
        run.text(said, wish=wish, flow=here),
        run.options([(texts.LEAVE_YES, LEAVE_YES), (texts.LEAVE_NO, LEAVE_NO)]),
    )


async def answer_leave(run: Run, answer: UserInput) -> bool:
    """Takes the answer to `ask_leave`; False when the message is about something else
    (the question is dropped and the step reads the message)."""
    pending = run.slots.pop(LEAVE, None)
    if not isinstance(pending, dict):
        return False
    decided = {LEAVE_YES: "yes", LEAVE_NO: "no"}.get(answer.choice or "")
    if decided is None and answer.choice is None:
        decided = yes_or_no(answer)
    if decided == "yes":
        target = run.library.current(str(pending.get("flow")))
        if target is not None:
            await flow_runner.start(run, target, dict(pending.get("slots") or {}))
            return True
    if decided is None:
        return False
    run.say(run.text(texts.STAYING))
    assert run.step_id is not None
    await flow_runner.run_from(run, run.step_id)
    return True


# -- old buttons and going back ---------------------------------------------------------


def is_stale(answer: UserInput, offered: Sequence[Option]) -> bool:
    """A pressed button of an earlier message: its value is not among those shown now."""
    if answer.choice is None or answer.choice.startswith("/"):
        return False
    return all(option.value != answer.choice for option in offered)


async def stale(run: Run) -> None:
    """Says that the button is old and asks the current step again."""
    run.say(run.text(texts.STALE_BUTTON))
    assert run.step_id is not None
    await flow_runner.run_from(run, run.step_id)


async def go_back(run: Run) -> None:
    """Back to the step that waited before this one, or this one again."""
    assert run.flow is not None and run.step_id is not None
    stack = [s for s in run.slots.get(BACK) or [] if isinstance(s, str) and s in run.flow.steps]
    run.slots[_BACK_TAKEN] = True
    if not stack:
        run.say(run.text(texts.NO_WAY_BACK))
        await flow_runner.run_from(run, run.step_id)
        return
    previous = stack.pop()
    run.slots[BACK] = stack
    await flow_runner.run_from(run, previous)


def note_step(run: Run, state: ConversationState) -> None:
    """Remembers the step the citizen left this turn, for "zurück"."""
    if run.slots.pop(_BACK_TAKEN, False) or run.flow is None or state.step_id is None:
        return
    if state.flow_id != run.flow.flow_id or state.step_id == run.step_id:
        return
    stack = [s for s in run.slots.get(BACK) or [] if isinstance(s, str)]
    run.slots[BACK] = [*stack, state.step_id][-_BACK_KEPT:]
