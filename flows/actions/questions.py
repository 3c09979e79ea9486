"""Questions to the administration: similar answered ones first, then storing a new one."""

from __future__ import annotations

from flows.actions.spec import ActionSpec
from flows.definition import StepDefinition
from flows.run import Run

_QUOTES = {"de": ("„", "“"), "en": ("“", "”")}


async def find_similar_questions(run: Run, step: StepDefinition) -> str:
    text = run.slot_str("question") or ""
    found = await run.ports.questions.similar_public(text, run.language, 3)
    if not found:
        run.slots["similar_answers"] = ""
        run.slots["similar_count"] = 0
        return "none"
    opening, closing = _QUOTES.get(run.language, _QUOTES["en"])
    run.slots["similar_answers"] = "\n\n".join(
        f"{opening}{item.question}{closing}\n→ {item.answer}" for item in found
    )
    run.slots["similar_count"] = len(found)
    return "found"


async def create_question(run: Run, step: StepDefinition) -> str:
    text = run.slot_str("question") or ""
    run.slots["question_ref"] = await run.ports.questions.create(
        run.ctx.citizen_id, text, run.language
    )
    return "ok"


ACTIONS = {
    "find_similar_questions": ActionSpec(
        find_similar_questions, ("found", "none"), ("similar_answers", "similar_count")
    ),
    "create_question": ActionSpec(create_question, sets=("question_ref",)),
}
