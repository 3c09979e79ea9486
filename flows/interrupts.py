"""Messages that work everywhere: commands, cancel and help words, language requests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.choices import normalize

_COMMAND = re.compile(r"^\s*(/[^\s@]+)(?:@\S+)?(?:\s+(.*))?$", re.DOTALL)

CANCEL_WORDS = frozenset(
    normalize(word)
    for word in ("abbrechen", "abbruch", "stopp", "stop", "cancel", "beenden", "quit", "exit")
)
HELP_WORDS = frozenset(
    normalize(word)
    for word in ("hilfe", "help", "menü", "menu", "hauptmenü", "main menu", "start", "optionen")
)
LANGUAGE_WORDS = {
    normalize(phrase): language
    for language, phrases in {
        "en": (
            "english",
            "english please",
            "in english",
            "english pls",
            "switch to english",
            "speak english",
            "englisch",
            "auf englisch",
            "englisch bitte",
            "in englisch",
        ),
        "de": (
            "deutsch",
            "auf deutsch",
            "deutsch bitte",
            "bitte auf deutsch",
            "german",
            "in german",
            "german please",
            "switch to german",
            "speak german",
        ),
    }.items()
    for phrase in phrases
}


@dataclass(frozen=True)
class Command:
    """A slash command: `/start c-3` has name "/start" and payload "c-3"."""

    name: str
    payload: str


def parse_command(text: str) -> Command | None:
    found = _COMMAND.match(text)
    if not found:
        return None
    return Command(found.group(1).casefold(), (found.group(2) or "").strip())


def is_cancel(text: str) -> bool:
    return normalize(text) in CANCEL_WORDS


def is_help(text: str) -> bool:
    return normalize(text) in HELP_WORDS


def language_request(text: str) -> str | None:
    """ "de" or "en" when the whole message asks for that language."""
    return LANGUAGE_WORDS.get(normalize(text))
