"""Browsing published ideas: a page at a time, newest or most supported, by topic."""

from __future__ import annotations

import re

from flows import formatting
from flows.builtin_texts import MENU_OPTION
from flows.definition import StepDefinition
from flows.ports.ideas import IdeaOrder
from flows.run import Run
from flows.steps.outcome import Go, Invalid, Outcome, StepHandler, Wait
from flows.types import Option, UserInput

PAGE = 5
MORE, ORDER, TOPICS = "_more", "_order", "_topics"
_REF = re.compile(r"^\s*(?:i|idee|idea)\s*[-#]?\s*(\d+)\s*$", re.IGNORECASE)

T = dict[str, str]
MORE_LABEL: T = {"de": "➡️ Weitere Ideen", "en": "➡️ More ideas"}
BY_SUPPORT: T = {"de": "🔝 Meist unterstützt", "en": "🔝 Most supported"}
BY_DATE: T = {"de": "🆕 Neueste zuerst", "en": "🆕 Newest first"}
BY_TOPIC: T = {"de": "🏷 Nach Thema", "en": "🏷 By topic"}
ALL_TOPICS: T = {"de": "Alle Themen", "en": "All topics"}
PROPOSE: T = {"de": "💡 Idee vorschlagen", "en": "💡 Propose an idea"}
WHICH_TOPIC: T = {
    "de": "Zu welchem Thema möchten Sie Ideen sehen?",
    "de_du": "Zu welchem Thema möchtest du Ideen sehen?",
    "en": "Which topic would you like to see ideas for?",
}
SORTED: dict[str, T] = {
    "newest": {"de": "Neueste zuerst", "en": "Newest first"},
    "support": {"de": "Meist unterstützt zuerst", "en": "Most supported first"},
}
TOPIC: T = {"de": "Thema: {name}", "en": "Topic: {name}"}
WRONG: T = {
    "de": "Bitte wählen Sie eine Idee aus der Liste (Nummer oder Titel) oder eine der "
    "anderen Möglichkeiten.",
    "de_du": "Bitte wähle eine Idee aus der Liste (Nummer oder Titel) oder eine der "
    "anderen Möglichkeiten.",
    "en": "Please pick an idea from the list (number or title) or one of the other options.",
}


async def enter_idea_list(step: StepDefinition, run: Run) -> Outcome:
    order: IdeaOrder = "support" if run.slots.get("_order") == "support" else "newest"
    topic = run.slot_str("topic") or None
    offset = int(run.slots.get("_offset") or 0)
    ideas = list(await run.ports.ideas.published(run.language, order, topic, offset, PAGE + 1))
    if not ideas and offset:
        run.slots["_offset"] = 0
        return Go(step.step_id)
    heading = [run.text(SORTED[order])]
    if topic:
        heading.append(run.text(TOPIC, name=run.slot_str("topic_label") or topic))
    if not ideas:
        options = [Option(run.text(PROPOSE), "/idee")]
        if topic:
            options.insert(0, Option(run.text(ALL_TOPICS), "topic:"))
        run.say(
            f"{run.text(step.get('empty'))}\n({' · '.join(heading)})",
            [*options, *run.options([MENU_OPTION])],
        )
        return Wait()
    shown = ideas[:PAGE]
    lines = [run.text(step.get("text")), f"({' · '.join(heading)})", ""]
    for number, idea in enumerate(shown, start=offset + 1):
        status = formatting.idea_status(idea.status, run.language)
        lines.append(f"{number}. {idea.title} ({idea.ref}) · 👍 {idea.support_count} · {status}")
    options = [Option(idea.title, f"idea:{idea.ref}") for idea in shown]
    if len(ideas) > PAGE:
        options.append(Option(run.text(MORE_LABEL), MORE))
    options.append(Option(run.text(BY_DATE if order == "support" else BY_SUPPORT), ORDER))
    options.append(Option(run.text(BY_TOPIC), TOPICS))
    options += run.options([MENU_OPTION])
    run.say("\n".join(lines), options)
    return Wait()


async def receive_idea_list(step: StepDefinition, run: Run, answer: UserInput) -> Outcome:
    choice = answer.choice or ""
    if not choice:
        typed = _REF.match(answer.text)
        entity = answer.nlu.entity("idea") if answer.nlu is not None else None
        reference = f"I-{typed.group(1)}" if typed else entity
        choice = f"idea:{reference}" if reference else ""
    if choice.startswith("idea:"):
        run.slots[str(step.get("slot"))] = choice[5:]
        return Go(str(step.get("next")))
    if choice == MORE:
        run.slots["_offset"] = int(run.slots.get("_offset") or 0) + PAGE
        return Go(step.step_id)
    if choice == ORDER:
        run.slots["_order"] = "newest" if run.slots.get("_order") == "support" else "support"
        run.slots["_offset"] = 0
        return Go(step.step_id)
    if choice == TOPICS:
        topics = await run.ports.topics.listed(run.language)
        options = [Option(t.name, f"topic:{t.slug}", t.keywords) for t in topics]
        run.say(run.text(WHICH_TOPIC), [*options, Option(run.text(ALL_TOPICS), "topic:")])
        return Wait()
    if choice.startswith("topic:"):
        slug = choice[6:] or None
        label = next((o.label for o in run.offered if o.value == choice), None)
        run.slots.update(topic=slug, topic_label=label if slug else None, _offset=0)
        return Go(step.step_id)
    return Invalid(run.text(WRONG))


HANDLERS = {"idea_list": StepHandler(enter_idea_list, receive_idea_list)}
