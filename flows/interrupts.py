"""Messages that work everywhere: commands, cancel and help words, language requests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.folding import normalize

_COMMAND = re.compile(r"^\s*(/[^\s@]+)(?:@\S+)?(?:\s+(.*))?$", re.DOTALL)

CANCEL_WORDS = frozenset(
    normalize(word)
    for word in ("abbrechen", "abbruch", "stopp", "stop", "cancel", "beenden", "quit", "exit")
)
HELP_WORDS = frozenset(
    normalize(word)
    for word in ("hilfe", "help", "menü", "menu", "hauptmenü", "main menu", "start", "optionen")
)
BACK_WORDS = frozenset(
    normalize(word) for word in ("zurück", "zurueck", "back", "go back", "eins zurück", "previous")
)
# Words around a command that keep it a command: "bitte abbrechen", "menu please",
# "ich will zurück". A longer message that contains "hilfe" is a question, not a command.
_COMMAND_FILLERS = frozenset(
    normalize(word)
    for word in (
        "bitte",
        "please",
        "pls",
        "jetzt",
        "now",
        "doch",
        "mal",
        "einfach",
        "ich",
        "will",
        "möchte",
        "i",
        "want",
        "to",
        "lets",
        "go",
        "zum",
        "zur",
        "ins",
        "the",
        "ok",
        "okay",
        "danke",
        "thanks",
    )
)
_COMMAND_WORDS_MAX = 4

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


def _command_words(text: str) -> str:
    """The message without the polite words around a command; "" for a long message."""
    words = normalize(text).split()
    if len(words) > _COMMAND_WORDS_MAX:
        return ""
    kept = [word for word in words if word not in _COMMAND_FILLERS]
    return " ".join(kept or words)


def is_cancel(text: str) -> bool:
    return normalize(text) in CANCEL_WORDS or _command_words(text) in CANCEL_WORDS


def is_help(text: str) -> bool:
    return normalize(text) in HELP_WORDS or _command_words(text) in HELP_WORDS


def is_back(text: str) -> bool:
    return _command_words(text) in BACK_WORDS


def language_request(text: str) -> str | None:
    """ "de" or "en" when the whole message asks for that language."""
    return LANGUAGE_WORDS.get(normalize(text))
