"""Switching the conversation's language when a sentence asks for it ("can you switch to
english please?", "kannst du deutsch?")."""

from __future__ import annotations

import re

from flows import opening
from flows.actions.spec import ActionSpec
from flows.definition import StepDefinition
from flows.run import Run
from flows.wording import LANGUAGES

_NAMED = {
    "en": re.compile(r"\b(english|englisch|engl\w*|inglés|anglais)\b", re.IGNORECASE),
    "de": re.compile(r"\b(deutsch|german|germ\w*|dütsch|doitsch|deitsch|allemand)\b", re.I),
}


# "in English", "auf Deutsch", "to German": the language asked for, where both are named
_TARGET = re.compile(r"\b(?:in|into|to|auf|zu|ins)\s+(?:the\s+)?(\w+)", re.IGNORECASE)


def wanted_language(text: str, current: str) -> str | None:
    """The language the words ask for; when both are named, the one after "in"/"auf"/"to",
    else the one not spoken now."""
    named = [language for language, pattern in _NAMED.items() if pattern.search(text)]
    if len(named) == 1:
        return named[0]
    if len(named) == 2:
        for found in _TARGET.finditer(text):
            target = [lang for lang, pattern in _NAMED.items() if pattern.fullmatch(found[1])]
            if target:
                return target[0]
        return next(language for language in named if language != current)
    return None


async def choose_language(run: Run, step: StepDefinition) -> str:
    picked = run.slot_str("language")
    said = run.slots.get(opening.OPENING)
    wanted = picked if picked in LANGUAGES else None
    if wanted is None and isinstance(said, str):
        wanted = wanted_language(said, run.language)
    if wanted is None:
        return "unclear"
    run.language = wanted
    await run.ports.citizens.set_language(run.ctx.citizen_id, wanted)
    return "switched"


ACTIONS = {"choose_language": ActionSpec(choose_language, ("switched", "unclear"))}
