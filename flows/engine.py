"""The conversation engine: one inbound message in, the new state and the replies out."""

from __future__ import annotations

import logging
from dataclasses import replace

from flows import (
    builtin_texts,
    clarify,
    flow_runner,
    interrupts,
    locations,
    out_of_scope,
    photos,
    repair,
    routing,
)
from flows.choices import NOTHING
from flows.definition import FlowDefinition
from flows.library import FlowLibrary
from flows.menu import main_menu
from flows.ports import Ports
from flows.run import Run
from flows.steps import STEP_TYPES
from flows.steps.outcome import End, Go, Invalid, Wait
from flows.types import ConversationState, Option, Reply, Turn, TurnContext, UserInput
from flows.wording import LANGUAGES, fill, localize
from nlu.types import NluResult

logger = logging.getLogger(__name__)

# Intents that need no flow of their own at first contact: the welcome answers them.
WELCOME_INTENTS = frozenset(
    {
        "greet",
        "help",
        "thanks",
        "affirm",
        "deny",
        "out_of_scope",
        "nlu_fallback",
        "cancel",
        "goodbye",
    }
)


async def advance(
    state: ConversationState,
    user_input: UserInput,
    ctx: TurnContext,
    library: FlowLibrary,
    ports: Ports,
) -> Turn:
    """Handles one message. Never raises: a failure gives a friendly reply and a clean state."""
    run = Run(
        ctx,
        ports,
        library,
        language=state.language,
        slots=dict(state.slots),
        offered=state.options,
    )
    try:
        await _handle(run, state, user_input)
        repair.note_step(run, state)
    except Exception:
        logger.exception(
            "flow engine failed for citizen %s in %s/%s",
            ctx.citizen_id,
            state.flow_id,
            state.step_id,
        )
        return _error_turn(state, ctx, run.language)
    if run.erased:
        return Turn(ConversationState(), tuple(run.replies))
    return _finish(run)


def _finish(run: Run) -> Turn:
    replies = list(run.replies)
    if run.flow is None and (not replies or not replies[-1].options):
        menu = tuple(main_menu(run))
        replies = (
            [*replies[:-1], replace(replies[-1], options=menu)]
            if replies
            else [Reply(run.text(builtin_texts.CANCELLED), menu)]
        )
    state = ConversationState(
        language=run.language,
        flow_id=run.flow.flow_id if run.flow else None,
        flow_version=run.flow.version if run.flow else None,
        step_id=run.step_id if run.flow else None,
        slots=run.slots if run.flow else {},
        options=replies[-1].options if replies else (),
        greeted=True,
        asked=run.asked if run.flow is None else None,
    )
    return Turn(state, tuple(replies))


def _error_turn(state: ConversationState, ctx: TurnContext, language: str) -> Turn:
    menu = tuple(
        Option(localize(label, language, ctx.formal), value) for label, value in builtin_texts.MENU
    )
    text = localize(builtin_texts.ERROR, language, ctx.formal)
    fresh = ConversationState(language=language, options=menu, greeted=True)
    return Turn(fresh, (Reply(text, menu),))


def _first_language(ctx: TurnContext, nlu: NluResult | None, text: str) -> str:
    hint = ctx.language_hint if ctx.language_hint in LANGUAGES else None
    detected = nlu.language if nlu is not None and nlu.language in LANGUAGES else None
    # the platform's language loses only against a message that clearly says otherwise
    if detected and (hint is None or len(text.split()) >= 2):
        return detected
    return hint or detected or "de"


async def _handle(run: Run, state: ConversationState, user_input: UserInput) -> None:
    text, choice, nlu = user_input.text or "", user_input.choice, user_input.nlu
    free_text = bool(state.slots.get("_free_text")) and state.flow_id is not None
    # command words win over options: "zurück", "hilfe" or a typed "/meine" never picks one
    # ("/meine" would otherwise match the option "Meine Daten löschen")
    command_word = choice is None and (
        text.lstrip().startswith("/")
        or interrupts.is_cancel(text)
        or interrupts.is_help(text)
        or interrupts.is_back(text)
    )
    reading = NOTHING
    if choice is None and state.options and not command_word:
        reading = repair.read(text, state)
        choice = reading.one.value if reading.one else None
    if not state.greeted:
        run.language = _first_language(run.ctx, nlu, text)
        await run.ports.citizens.set_language(run.ctx.citizen_id, run.language)
    if user_input.location is not None and choice is None:
        # a shared position answers only a question for a place (flows/locations.py)
        if _keep_position(run, state) and locations.wanted(run.step):
            await _answer_step(run, user_input, free_text=True)
        else:
            locations.not_needed(run, state.options or tuple(main_menu(run)))
        return
    if user_input.photo is not None and choice is None:
        # a picture answers only a question for one (flows/photos.py)
        if _keep_position(run, state) and photos.wanted(run.step):
            await _answer_step(run, user_input, free_text=True)
        else:
            photos.not_needed(run, state.options or tuple(main_menu(run)))
        return
    if choice is None and not text.strip():
        run.say(run.text(builtin_texts.EMPTY_MESSAGE), state.options)
        _keep_position(run, state)
        return
    command = interrupts.parse_command(choice if choice is not None else text)
    if command is not None and (choice is None or choice.startswith("/")):
        await _command(run, state, command, nlu)
        return
    if choice is None and interrupts.is_cancel(text):
        _cancel(run, state)
        return
    if choice is None and interrupts.is_help(text):
        await _start_named(run, routing.HELP)
        return
    if choice is None and interrupts.is_back(text):
        if _keep_position(run, state):
            await repair.go_back(run)
        else:
            await _start_named(run, routing.HELP)
        return
    wanted = interrupts.language_request(text) if choice is None else None
    if wanted is not None:
        await _switch_language(run, state, wanted)
        return
    if choice is not None and state.flow_id is None:
        # an answer to "Did you mean …?": the picked wish starts with the original message
        asked = dict(state.asked) if state.asked else None
        if await clarify.answer(run, asked, choice):
            return
    if _keep_position(run, state):
        answer = UserInput(text, choice, nlu)
        if await repair.answer_leave(run, answer):
            return
        if choice is None and repair.needs_help(run, state, text, reading):
            return
        await _answer_step(run, answer, free_text)
        return
    await _route(run, state, nlu)


def _keep_position(run: Run, state: ConversationState) -> bool:
    """Restores the running flow at its pinned version; False when none is running."""
    if state.flow_id is None or state.step_id is None:
        return False
    flow = run.library.get(state.flow_id, state.flow_version or 0)
    if flow is None:
        flow = run.library.current(state.flow_id)
        if flow is None or state.step_id not in flow.steps:
            return False
    if state.step_id not in flow.steps:
        return False
    run.flow, run.step_id = flow, state.step_id
    return True


async def _answer_step(run: Run, answer: UserInput, free_text: bool) -> None:
    step = run.step
    assert step is not None and run.flow is not None
    nlu = answer.nlu if answer.choice is None and not free_text else None
    if nlu is not None and nlu.intent == "cancel" and nlu.confidence >= routing.SWITCH_CONFIDENCE:
        _cancel(run, None)
        return
    handler = STEP_TYPES[step.type]
    if handler.receive is None:
        await flow_runner.run_from(run, step.step_id)
        return
    outcome = await handler.receive(step, run, answer)
    if isinstance(outcome, Invalid):
        if repair.is_stale(answer, run.offered):
            await repair.stale(run)
            return
        switch = _switch_target(run, nlu)
        if switch is not None and switch.flow_id == run.flow.flow_id:
            await flow_runner.start(run, switch, routing.entity_slots(switch, nlu))
            return
        if switch is not None:
            # another wish: ask before leaving, never jump away from half-given answers
            repair.ask_leave(run, switch, routing.entity_slots(switch, nlu))
            return
        # the reason with the same options: the question itself is right above in the chat
        run.say(outcome.reason, run.offered)
    elif isinstance(outcome, Go):
        await flow_runner.run_from(run, outcome.step)
    elif isinstance(outcome, End):
        flow_runner.stop(run)
    elif isinstance(outcome, Wait):
        return


def _switch_target(run: Run, nlu: NluResult | None) -> FlowDefinition | None:
    """A clear request for something else, typed where an option was expected."""
    if nlu is None or nlu.confidence < routing.SWITCH_CONFIDENCE:
        return None
    if nlu.intent in WELCOME_INTENTS - {"help"}:
        return None
    return routing.by_intent(run.library, nlu.intent)


async def _route(run: Run, state: ConversationState, nlu: NluResult | None) -> None:
    decision = clarify.decide_here(run, nlu)
    if decision.kind == "ask" and nlu is not None:
        if not state.greeted:
            run.say(_hello(run))
        await clarify.ask(run, nlu, decision)
        return
    if decision.kind == "fallback":
        await clarify.note_fallback(run, nlu)
    intent = decision.intent
    if not state.greeted and intent in WELCOME_INTENTS:
        await _start_named(run, routing.WELCOME)
        return
    if intent == "cancel":
        run.say(run.text(builtin_texts.NOTHING_TO_CANCEL), main_menu(run))
        return
    if intent == "out_of_scope":
        out_of_scope.answer(run)
        return
    target = routing.by_intent(run.library, intent) or run.library.current(routing.FALLBACK)
    if not state.greeted:
        run.say(_hello(run))
    if target is None:
        run.say(run.text(builtin_texts.UNKNOWN_COMMAND, command="?"), main_menu(run))
        return
    await flow_runner.start(run, target, routing.entity_slots(target, nlu))


def _hello(run: Run) -> str:
    town = run.ctx.variables.get("town")
    return fill(run.text(builtin_texts.FIRST_HELLO), {"town_suffix": f" {town}" if town else ""})


async def _start_named(run: Run, flow_id: str) -> None:
    flow = run.library.current(flow_id)
    if flow is None:
        flow_runner.stop(run)
        run.say(run.text(builtin_texts.CANCELLED), main_menu(run))
        return
    await flow_runner.start(run, flow)


def _cancel(run: Run, state: ConversationState | None) -> None:
    running = run.flow is not None or (state is not None and state.flow_id is not None)
    flow_runner.stop(run)
    texts = builtin_texts.CANCELLED if running else builtin_texts.NOTHING_TO_CANCEL
    run.say(run.text(texts), main_menu(run))


async def _switch_language(run: Run, state: ConversationState, language: str) -> None:
    run.language = language
    await run.ports.citizens.set_language(run.ctx.citizen_id, language)
    run.say(run.text(builtin_texts.LANGUAGE_SWITCHED))
    if not state.greeted:
        await _start_named(run, routing.WELCOME)
    elif _keep_position(run, state) and run.step_id is not None:
        await flow_runner.run_from(run, run.step_id)


async def _command(
    run: Run, state: ConversationState, command: interrupts.Command, nlu: NluResult | None
) -> None:
    name = command.name
    if name in ("/abbrechen", "/cancel", "/stop", "/stopp"):
        _cancel(run, state)
    elif name in ("/sprache", "/language"):
        wanted = command.payload.casefold()[:2]
        if wanted in LANGUAGES:
            await _switch_language(run, state, wanted)
        else:
            _keep_position(run, state)
            run.say(
                run.text(builtin_texts.LANGUAGE_CHOICE), run.options(builtin_texts.LANGUAGE_OPTIONS)
            )
    elif name == "/start":
        linked = routing.by_deep_link(run.library, command.payload) if command.payload else None
        if linked is None:
            await _start_named(run, routing.WELCOME)
            return
        if not state.greeted:
            run.say(_hello(run))
        await flow_runner.start(run, *linked)
    else:
        flow = routing.by_command(run.library, name)
        if flow is None:
            flow_runner.stop(run)
            run.say(
                run.text(builtin_texts.UNKNOWN_COMMAND, command=command.name[:40]), main_menu(run)
            )
            return
        await flow_runner.start(run, flow)
