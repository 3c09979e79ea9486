"""The values intent recognition hands to the rest of mitreden."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

FALLBACK_INTENT = "nlu_fallback"
BACKENDS = ("embedded", "rasa", "embeddings")

INTENTS: tuple[str, ...] = (
    "greet",
    "goodbye",
    "thanks",
    "help",
    "affirm",
    "deny",
    "cancel",
    "ask_question",
    "report_problem",
    "list_consultations",
    "join_consultation",
    "propose_idea",
    "browse_ideas",
    "subscribe_updates",
    "unsubscribe",
    "my_contributions",
    "delete_my_data",
    "follow_paper",
    "see_results",
    "export_my_data",
    "support_idea",
    "switch_language",
    "out_of_scope",
)


@dataclass(frozen=True)
class Entity:
    """A value found in a message, e.g. entity="topic", value="verkehr" (a canonical slug)."""

    entity: str
    value: str
    text: str
    start: int
    end: int
    confidence: float = 1.0


@dataclass(frozen=True)
class NluResult:
    """Intent, its confidence, entities and the language the message is written in."""

    text: str
    intent: str
    confidence: float
    entities: tuple[Entity, ...] = ()
    language: str | None = None  # "de" or "en"; None when the text gives no clue
    ranking: tuple[tuple[str, float], ...] = field(default=())

    def entity(self, name: str) -> str | None:
        """The value of the first entity of that name, if any."""
        for found in self.entities:
            if found.entity == name:
                return found.value
        return None


class IntentRecognizer(Protocol):
    """Turns one message into an NluResult. Never raises for any text. It also learns
    entity values kept in the database at run time, and may hold resources until closed."""

    async def parse(self, text: str, language: str | None = None) -> NluResult: ...

    def set_lookup(self, entity: str, values: Mapping[str, Sequence[str]]) -> None:
        """Values of `entity` by canonical key, e.g. {"verkehr": ["Verkehr", "Radweg"]}."""
        ...

    async def close(self) -> None: ...


# the name tests and callers use where a recogniser learns entity values; every one does
TeachableRecognizer = IntentRecognizer
