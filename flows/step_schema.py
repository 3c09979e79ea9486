"""Which keys each step type accepts and what kind of value each key holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldKind = Literal[
    "text", "step", "slot", "int", "bool", "options", "action", "source", "outcomes", "opening"
]


@dataclass(frozen=True)
class FieldSpec:
    kind: FieldKind
    required: bool = False


def _req(kind: FieldKind) -> FieldSpec:
    return FieldSpec(kind, required=True)


def _opt(kind: FieldKind) -> FieldSpec:
    return FieldSpec(kind)


# Keys every step may have besides these: type, requires_consent.
STEP_FIELDS: dict[str, dict[str, FieldSpec]] = {
    "say": {
        "text": _req("text"),
        "options": _opt("options"),
        "next": _opt("step"),
        "cancel_caller": _opt("bool"),
    },
    "ask_text": {
        "text": _req("text"),
        "slot": _req("slot"),
        "next": _opt("step"),
        "min_length": _opt("int"),
        "max_length": _opt("int"),
        "optional": _opt("bool"),
        # the part of the message that started the flow which may answer this step
        # (flows/opening.py): text, title, details or place; then the flow goes on at
        # opening_next (else next) without asking
        "opening_fills": _opt("opening"),
        "opening_next": _opt("step"),
        # a shared position answers it too: fills `latitude`, `longitude` and the slot
        # (flows/locations.py)
        "location": _opt("bool"),
    },
    # a picture (flows/photos.py), or "Überspringen"; the slot gets a list of photo ids
    "ask_photo": {"text": _req("text"), "slot": _req("slot"), "next": _opt("step")},
    "ask_choice": {
        "text": _req("text"),
        "slot": _opt("slot"),
        "next": _opt("step"),
        "options": _opt("options"),
        "options_from": _opt("source"),
        "empty": _opt("step"),
        "yes": _opt("step"),
        "no": _opt("step"),
    },
    "confirm": {
        "text": _req("text"),
        "yes": _req("step"),
        "no": _req("step"),
        "yes_label": _opt("text"),
        "no_label": _opt("text"),
        "explicit": _opt("bool"),
    },
    "action": {"action": _req("action"), "next": _opt("step"), "on": _opt("outcomes")},
    "goto": {"step": _req("step")},
    "consultation_questions": {"next": _req("step"), "pause": _req("step"), "closed": _req("step")},
    "consultation_review": {
        "text": _req("text"),
        "submit": _req("step"),
        "pause": _req("step"),
        "edit": _req("step"),
    },
    "idea_list": {
        "text": _req("text"),
        "empty": _req("text"),
        "slot": _req("slot"),
        "next": _req("step"),
    },
}

COMMON_FIELDS = {"type": _req("action"), "requires_consent": _opt("bool")}

# Option keys in an `options:` list.
OPTION_KEYS = frozenset({"label", "value", "next", "return", "synonyms"})
