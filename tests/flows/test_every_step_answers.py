"""Every waiting step of every shipped flow, answered with each of its option labels, the
command words, the bare option numbers and "Überspringen"/"Skip": a free-text answer
never stores one of those, and no answer breaks a turn."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from flows import flow_runner
from flows.choices import normalize
from flows.definition import FlowDefinition
from flows.engine import advance
from flows.run import Run
from flows.steps import STEP_TYPES
from flows.types import ConversationState, Option, TurnContext, UserInput
from nlu.types import NluResult
from tests.flows.chat import VARIABLES, shipped_library
from tests.flows.fakes import NOW, FakeServices

COMMAND_WORDS = (
    "abbrechen",
    "stopp",
    "zurück",
    "menü",
    "hilfe",
    "cancel",
    "stop",
    "back",
    "menu",
    "help",
)
SKIP_WORDS = ("Überspringen", "Skip")
CITIZEN = 7
# what the steps of the shipped flows find filled when the citizen gets there
SLOTS = {
    "consultation": "1",
    "consultation_id": 1,
    "consultation_title": "Spielplatz",
    "title": "Trinkbrunnen am Markt",
    "description": "Ein Trinkbrunnen am Marktplatz wäre im Sommer schön.",
    "topic": "umwelt",
    "topic_label": "Umwelt & Klima",
    "question": "Wann hat das Bürgerbüro offen?",
    "idea": "I-1",
    "idea_id": 1,
    "idea_ref": "I-1",
}
ERRORS = ("schiefgegangen", "went wrong")


@dataclass(frozen=True)
class Probe:
    flow: str
    step: str
    language: str
    text: str


def _waiting_steps(flow: FlowDefinition) -> list[str]:
    return [
        step_id for step_id, step in flow.steps.items() if STEP_TYPES[step.type].receive is not None
    ]


def _ctx(language: str) -> TurnContext:
    return TurnContext(CITIZEN, NOW, language, variables=VARIABLES)


def _services() -> FakeServices:
    services = FakeServices()
    services.citizen(CITIZEN)["consent"] = "1"
    services.add_idea("Bänke am Fluss", "umwelt", supporters=1)
    return services


async def _at_step(
    flow: FlowDefinition, step_id: str, language: str, services: FakeServices
) -> ConversationState | None:
    """The conversation as it stands once `step_id` asked its question (or wherever the
    flow went from there); None when it did not wait."""
    run = Run(_ctx(language), services, shipped_library(), language, slots=dict(SLOTS))
    run.flow = flow
    await flow_runner.run_from(run, step_id)
    if run.flow is None or run.step_id is None or not run.replies:
        return None
    return ConversationState(
        language=language,
        flow_id=run.flow.flow_id,
        flow_version=run.flow.version,
        step_id=run.step_id,
        slots=run.slots,
        options=run.replies[-1].options,
        greeted=True,
    )


def _free_text_slots() -> set[str]:
    return {
        str(step.get("slot"))
        for flow in shipped_library().current_flows()
        for step in flow.steps.values()
        if step.type == "ask_text"
    }


def _forbidden(options: tuple[Option, ...]) -> set[str]:
    words = [*COMMAND_WORDS, *SKIP_WORDS, *(o.label for o in options)]
    numbers = [str(n) for n in range(1, len(options) + 1)]
    return {normalize(word) for word in words} | set(numbers)


def _probes() -> list[Probe]:
    probes = []
    for flow in shipped_library().current_flows():
        for step_id in _waiting_steps(flow):
            for language in ("de", "en"):
                texts = [*COMMAND_WORDS, *SKIP_WORDS, *(str(n) for n in range(1, 9))]
                probes += [Probe(flow.flow_id, step_id, language, text) for text in texts]
                probes.append(Probe(flow.flow_id, step_id, language, "<labels>"))
    return probes


PROBES = _probes()


@pytest.mark.parametrize(
    "probe", PROBES, ids=[f"{p.flow}.{p.step}.{p.language}.{p.text}" for p in PROBES]
)
async def test_no_free_text_slot_stores_an_option_a_command_or_a_number(probe: Probe) -> None:
    flow = shipped_library().current(probe.flow)
    assert flow is not None
    free_slots = _free_text_slots()
    shown = await _at_step(flow, probe.step, probe.language, _services())
    if shown is None:
        pytest.skip("the step passes on without asking here")
    texts = [o.label for o in shown.options] if probe.text == "<labels>" else [probe.text]
    for text in texts:
        services = _services()
        state = await _at_step(flow, probe.step, probe.language, services)
        assert state is not None
        nlu = NluResult(text, "nlu_fallback", 0.2, (), probe.language)
        turn = await advance(
            state, UserInput(text, nlu=nlu), _ctx(probe.language), shipped_library(), services
        )
        said = "\n".join(reply.text for reply in turn.replies)
        assert not any(error in said for error in ERRORS), (text, said)
        forbidden = _forbidden(state.options)
        for slot in free_slots & set(turn.state.slots):
            value = turn.state.slots[slot]
            before = state.slots.get(slot)
            if isinstance(value, str) and value != before:
                assert normalize(value) not in forbidden, (text, slot, value)
        for participation in services.participations.values():
            for key, value in participation.answers.items():
                if isinstance(value, str):
                    assert normalize(value) not in forbidden, (text, key, value)
