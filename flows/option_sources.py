"""Lists an `ask_choice` step can offer with `options_from:` (read from the ports)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from flows.actions.subscriptions import subscription_label
from flows.run import Run
from flows.types import Option

OptionSource = Callable[[Run], Awaitable[list[Option]]]
# a choice of more than a few buttons is hard to read on a phone
CLOSED_SHOWN = 8


async def topics(run: Run) -> list[Option]:
    listed = await run.ports.topics.listed(run.language)
    return [Option(topic.name, topic.slug, topic.keywords) for topic in listed]


async def open_consultations(run: Run) -> list[Option]:
    found = await run.ports.consultations.listed(run.language, run.ctx.now, "open")
    return [Option(view.title, str(view.id)) for view in found]


async def closed_consultations(run: Run) -> list[Option]:
    """The most recently closed ones, newest first."""
    found = await run.ports.consultations.listed(run.language, run.ctx.now, "closed")
    return [Option(view.title, str(view.id)) for view in found[:CLOSED_SHOWN]]


async def subscriptions(run: Run) -> list[Option]:
    found = await run.ports.subscriptions.listed(run.ctx.citizen_id, run.language)
    return [
        Option(
            subscription_label(item.kind, item.label, run.language), f"{item.kind}:{item.target}"
        )
        for item in found
    ]


async def matches(run: Run) -> list[Option]:
    """The closest few an action found for the citizen's words (flows/actions/finding.py)."""
    found = run.slots.get("_matches")
    if not isinstance(found, list):
        return []
    return [Option(str(title), str(key)) for key, title in found]


SOURCES: dict[str, OptionSource] = {
    "topics": topics,
    "open_consultations": open_consultations,
    "closed_consultations": closed_consultations,
    "subscriptions": subscriptions,
    "matches": matches,
}
