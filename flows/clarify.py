"""Asking instead of guessing: at the top of a conversation, a message the recogniser is
unsure about gets "Did you mean …?" with the likely wishes as options.

Picking one starts that flow with the original message, as if it had been understood at
once, so what the citizen already wrote (a question, an idea) is not lost. The question
waits in the conversation state (`ConversationState.asked`), so it survives a restart.
Messages asked about or not understood are recorded through the understanding port, so staff
can teach the recogniser (the page "Not understood").
"""

from __future__ import annotations

from typing import Any

from flows import clarify_texts, flow_runner, routing
from flows.definition import FlowDefinition
from flows.menu import main_menu
from flows.ports.understanding import Outcome, Unclear
from flows.run import Run
from flows.types import JSON, Option
from flows.wording import localize
from nlu.decision import Decision, decide, offered_by_default
from nlu.types import FALLBACK_INTENT, Entity, NluResult

MEANT = "meant:"  # option values: "meant:propose_idea"; never a command, never a step's value
OTHER = MEANT + "-"
MAX_TEXT = 2000  # characters kept of a message; a chat message is rarely longer


def ranking_of(nlu: NluResult | None) -> tuple[tuple[str, float], ...]:
    """The ranking to decide on; a recogniser that gives none counts with its one intent."""
    if nlu is None:
        return ()
    if nlu.ranking:
        return nlu.ranking
    return () if nlu.intent == FALLBACK_INTENT else ((nlu.intent, nlu.confidence),)


def decide_here(run: Run, nlu: NluResult | None) -> Decision:
    """Act, ask or fall back, offering only wishes that start a flow here."""

    def offerable(intent: str) -> bool:
        return offered_by_default(intent) and flow_for(run, intent) is not None

    return decide(ranking_of(nlu), run.ctx.decision, offerable)


def flow_for(run: Run, intent: str) -> FlowDefinition | None:
    flow = routing.by_intent(run.library, intent)
    return None if flow is None or flow.flow_id == routing.FALLBACK else flow


def _label(run: Run, intent: str, flow: FlowDefinition) -> str:
    wish = clarify_texts.WISHES.get(intent)
    return run.text(wish) if wish else localize(flow.title, run.language, run.ctx.formal)


async def ask(run: Run, nlu: NluResult, decision: Decision) -> None:
    """Say "Did you mean …?" with one option per candidate flow and "Something else"."""
    options: list[Option] = []
    offered: list[str] = []
    flows_seen: set[str] = set()
    for intent in decision.candidates:
        flow = flow_for(run, intent)
        if flow is None or flow.flow_id in flows_seen:
            continue  # two intents of one flow (join or list surveys) are one wish
        flows_seen.add(flow.flow_id)
        offered.append(intent)
        options.append(Option(_label(run, intent, flow), MEANT + intent))
    options.append(Option(run.text(clarify_texts.SOMETHING_ELSE), OTHER))
    record = await _record(run, nlu, "asked")
    run.asked = {
        "text": nlu.text[:MAX_TEXT],
        "language": nlu.language,
        "entities": [_entity_json(found) for found in nlu.entities],
        "candidates": offered,
        "record": record,
    }
    run.say(run.text(clarify_texts.DID_YOU_MEAN), options)


async def note_fallback(run: Run, nlu: NluResult | None) -> None:
    """Record a message the bot did not understand (not empty presses or emoji rows)."""
    if nlu is not None and any(char.isalpha() for char in nlu.text):
        await _record(run, nlu, "fallback")


async def answer(run: Run, asked: dict[str, Any] | None, choice: str) -> bool:
    """Handles a pick of the clarifying question's options; False when `choice` is none."""
    if not choice.startswith(MEANT):
        return False
    record = asked.get("record") if asked else None
    if choice == OTHER:
        await _chosen(run, record, None)
        run.say(run.text(clarify_texts.IN_OTHER_WORDS), main_menu(run))
        return True
    intent = choice.removeprefix(MEANT)
    flow = flow_for(run, intent)
    if flow is None:
        return False
    await _chosen(run, record, intent)
    original = _original(asked, intent)
    # started as if the message had been understood at once: what it said fills the flow
    await flow_runner.start(run, flow, routing.entity_slots(flow, original))
    return True


def _original(asked: dict[str, Any] | None, intent: str) -> NluResult | None:
    """The first message again, now with the intent the citizen picked (an older button,
    pressed without a waiting question, starts the flow plainly)."""
    if not asked or intent not in (asked.get("candidates") or []):
        return None
    entities = tuple(
        Entity(
            str(item["entity"]),
            str(item["value"]),
            str(item["text"]),
            int(item["start"]),
            int(item["end"]),
        )
        for item in asked.get("entities") or []
        if isinstance(item, dict)
    )
    language = asked.get("language")
    return NluResult(
        str(asked.get("text") or ""),
        intent,
        1.0,
        entities,
        language if isinstance(language, str) else None,
    )


def _entity_json(found: Entity) -> dict[str, JSON]:
    return {
        "entity": found.entity,
        "value": found.value,
        "text": found.text,
        "start": found.start,
        "end": found.end,
    }


async def _record(run: Run, nlu: NluResult, outcome: Outcome) -> int | None:
    ranking = ranking_of(nlu)
    unclear = Unclear(
        citizen_id=run.ctx.citizen_id,
        text=nlu.text[:MAX_TEXT],
        language=run.language,
        guessed=ranking[0][0] if ranking else FALLBACK_INTENT,
        ranking=tuple((name, round(score, 4)) for name, score in ranking[:5]),
        outcome=outcome,
        at=run.ctx.now,
    )
    return await run.ports.understanding.record(unclear)


async def _chosen(run: Run, record: object, intent: str | None) -> None:
    if isinstance(record, int):
        await run.ports.understanding.chosen(record, intent, run.ctx.now)
