"""Rasa's "/intent{json}" messages: what a Rasa front end's buttons send, also when typed.

- `/choose{"value": "…"}` presses one of our buttons (bot/web/chat/rasa_format.py);
- `/restart` starts the conversation over;
- `/greet`, `/propose_idea{"topic": "verkehr"}` or `/affirm@0.9` name one of the bot's
  intents, with entities and a confidence as Rasa reads them (1 when none is given);
- `/anything{…}` naming no intent of ours is what Rasa would take as an intent it does not
  know: here it leads to the "not understood" answer.

Everything else, our own commands such as `/daten` included, is typed text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.web.chat.rasa_format import MAX_PAYLOAD_CHARS, PRESS_INTENT, pressed_value
from nlu.types import FALLBACK_INTENT, INTENTS, Entity, NluResult

RESTART = "/restart"
START_COMMAND = "/start"  # the engine's own way back to the beginning
# Rasa's pattern (rasa/shared/core/training_data/story_reader/yaml_story_reader.py)
_INTENT = re.compile(r"/(?P<intent>[^{@]+)(?P<confidence>@[0-9.]+)?(?P<entities>\{.+\})?", re.S)
_KNOWN = frozenset(INTENTS) | {FALLBACK_INTENT}


@dataclass(frozen=True)
class Pressed:
    value: str


@dataclass(frozen=True)
class Restart:
    pass


@dataclass(frozen=True)
class Intent:
    nlu: NluResult


Payload = Pressed | Restart | Intent


def read_payload(message: str) -> Payload | None:
    """What a message starting with "/" means in Rasa's syntax; None: it is typed text."""
    text = message.strip()
    if not text.startswith("/") or len(text) > MAX_PAYLOAD_CHARS:
        return None
    if text.startswith(PRESS_INTENT + "{"):
        value = pressed_value(text)
        return Pressed(value) if value is not None else None
    if text == RESTART:
        return Restart()
    found = _INTENT.fullmatch(text)
    if found is None:
        return None
    name = found.group("intent").strip()
    entities = found.group("entities")
    if name not in _KNOWN and entities is None:
        return None  # "/daten", "/hilfe": our commands, or an unknown one the engine answers
    parsed = _entities(entities)
    if parsed is None:
        return None  # not a JSON object: Rasa, too, reads such a message as text
    if name not in _KNOWN:
        return Intent(NluResult(text, FALLBACK_INTENT, 1.0, ranking=((FALLBACK_INTENT, 1.0),)))
    confidence = _confidence(found.group("confidence"))
    return Intent(NluResult(text, name, confidence, parsed, ranking=((name, confidence),)))


def _confidence(given: str | None) -> float:
    try:
        value = float(given[1:]) if given else 1.0
    except ValueError:
        return 1.0
    return min(1.0, max(0.0, value))


def _entities(given: str | None) -> tuple[Entity, ...] | None:
    """{"topic": "verkehr", "ids": [1, 2]} → one entity per value; None for broken JSON."""
    if given is None:
        return ()
    try:
        data = json.loads(given)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    found: list[Entity] = []
    for name, values in data.items():
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                found.append(Entity(str(name), str(value), str(value), 0, 0))
    return tuple(found)
