"""Finding what the citizen's own words name: the consultation whose results they ask about,
the published idea they want to support. The words are the message that started the flow."""

from __future__ import annotations

import re

from flows import opening
from flows.actions.spec import ActionSpec
from flows.definition import StepDefinition
from flows.run import Run
from flows.title_match import Match, clear_winner, rank

MATCHES = "_matches"  # [[key, title], …] the closest few, offered by `options_from: matches`
SHOWN = 4
IDEAS_SEARCHED = 300  # published ideas compared with the words; a town has fewer
# words that point to the council rather than to a consultation
_COUNCIL = re.compile(
    r"\b(rat|rats|stadtrat|gemeinderat|ratsbeschluss\w*|beschluss\w*|beschlossen|"
    r"ratssitzung|vorlage|council|councillors?|voted?|decided|decision|motion)\b",
    re.IGNORECASE,
)


def _said(run: Run) -> str:
    said = run.slots.get(opening.OPENING)
    return opening.strip_greeting(said) if isinstance(said, str) else ""


def _offer(run: Run, matches: list[Match]) -> None:
    run.slots[MATCHES] = [[match.key, match.title] for match in matches[:SHOWN]]


async def find_results(run: Run, step: StepDefinition) -> str:
    """found: a consultation named by title (its results, or when they come); council: the
    words ask about a council decision; none: nothing named, so the list of closed ones."""
    if run.slot_str("consultation"):
        return "none"  # a link already named it
    said = _said(run)
    if not said:
        return "none"
    listed = [
        *await run.ports.consultations.listed(run.language, run.ctx.now, "closed"),
        *await run.ports.consultations.listed(run.language, run.ctx.now, "open"),
    ]
    winner = clear_winner(rank(said, [(str(view.id), view.title) for view in listed]))
    if winner is not None:
        run.slots["consultation"] = winner.key
        return "found"
    return "council" if _COUNCIL.search(said) else "none"


async def find_idea_to_support(run: Run, step: StepDefinition) -> str:
    """one: the idea is clear; several: the closest few to choose from (the best supported
    when the words name none); none: no idea is published."""
    if run.slot_str("idea"):
        return "one"  # named by its reference ("idee I-17 unterstützen")
    ideas = await run.ports.ideas.published(run.language, "support", None, 0, IDEAS_SEARCHED)
    if not ideas:
        return "none"
    matches = rank(_said(run), [(idea.ref, idea.title) for idea in ideas])
    winner = clear_winner(matches)
    if winner is not None:
        run.slots["idea"] = winner.key
        return "one"
    if not matches:
        matches = [Match(idea.ref, idea.title, 0.0) for idea in ideas]
    _offer(run, matches)
    return "several"


ACTIONS = {
    "find_results": ActionSpec(find_results, ("found", "council", "none"), ("consultation",)),
    "find_idea_to_support": ActionSpec(find_idea_to_support, ("one", "several", "none"), ("idea",)),
}
