"""The parsed, validated form of one flow file: steps, triggers and texts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TextMap = Mapping[str, str]  # {"de": ..., "de_du": ..., "en": ...}


@dataclass(frozen=True)
class StepDefinition:
    """One step of a flow; `fields` holds the step's YAML keys except `type`."""

    step_id: str
    type: str
    fields: Mapping[str, Any]
    line: int | None = None

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)


@dataclass(frozen=True)
class Triggers:
    """What starts a flow: NLU intents, commands, a /start deep-link prefix, entities to slots."""

    intents: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    deep_link: str | None = None
    deep_link_slot: str | None = None
    entity_slots: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FlowDefinition:
    """A flow at one version."""

    flow_id: str
    version: int
    title: TextMap
    start: str
    steps: Mapping[str, StepDefinition]
    triggers: Triggers = Triggers()
    requires_consent: bool = False
    private: bool = False  # shows personal data: never in a group chat
    filename: str = ""

    def step(self, step_id: str | None) -> StepDefinition | None:
        return self.steps.get(step_id) if step_id else None
