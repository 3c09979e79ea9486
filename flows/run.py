"""The engine's working state while it handles one message (mutable, never stored as is)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from flows.builtin_texts import VARIABLE_DEFAULTS
from flows.definition import FlowDefinition, StepDefinition
from flows.ports import Ports
from flows.types import JSON, Attachment, Option, Reply, TurnContext
from flows.wording import fill, has_placeholders, localize


class Flows(Protocol):
    """The published flows as a turn looks them up (flows/library.py has them). A Protocol:
    the library parses and checks flows, and the checks know the actions that use `Run`."""

    def current(self, flow_id: str) -> FlowDefinition | None: ...

    def get(self, flow_id: str, version: int) -> FlowDefinition | None: ...

    def current_flows(self) -> list[FlowDefinition]: ...


@dataclass
class Run:
    """What the steps and actions of one turn read and change."""

    ctx: TurnContext
    ports: Ports
    library: Flows
    language: str
    flow: FlowDefinition | None = None
    step_id: str | None = None
    slots: dict[str, JSON] = field(default_factory=dict)
    offered: tuple[Option, ...] = ()  # options of the bot's previous reply
    replies: list[Reply] = field(default_factory=list)
    pending_attachment: Attachment | None = None
    erased: bool = False
    consent: bool | None = None  # cached for this turn
    asked: dict[str, JSON] | None = None  # a clarifying question to keep (flows/clarify.py)
    _variable_values: dict[str, Any] | None = field(default=None, init=False, repr=False)

    def text(self, texts: Mapping[str, str], **extra: Any) -> str:
        """A text map in the conversation's language with placeholders filled."""
        template = localize(texts, self.language, self.ctx.formal)
        if not has_placeholders(template):  # most labels: nothing to look up
            return template
        values = dict(self._variables())
        values.update({k: v for k, v in self.slots.items() if not k.startswith("_")})
        values.update(extra)
        return fill(template, values)

    def _variables(self) -> dict[str, Any]:
        """The town's variables in this turn's language, gathered once per turn."""
        if self._variable_values is None:
            values: dict[str, Any] = {
                name: localize(default, self.language, self.ctx.formal)
                for name, default in VARIABLE_DEFAULTS.items()
            }
            values.update({k: v for k, v in self.ctx.variables.items() if v and ":" not in k})
            # "name:en" is a variable's text for one language (e.g. an edited privacy notice)
            suffix = f":{self.language}"
            values.update(
                {
                    k.removesuffix(suffix): v
                    for k, v in self.ctx.variables.items()
                    if v and k.endswith(suffix)
                }
            )
            self._variable_values = values
        return self._variable_values

    def say(self, text: str, options: Sequence[Option] = ()) -> None:
        """Adds a reply; a waiting attachment (the data export) goes with it."""
        self.replies.append(Reply(text, tuple(options), self.pending_attachment))
        self.pending_attachment = None

    def options(self, pairs: Iterable[tuple[Mapping[str, str], str]]) -> list[Option]:
        return [Option(self.text(label), value) for label, value in pairs]

    async def has_consent(self) -> bool:
        if self.consent is None:
            self.consent = (await self.ports.citizens.get(self.ctx.citizen_id)).consent_given
        return self.consent

    def slot_str(self, name: str) -> str | None:
        value = self.slots.get(name)
        return None if value is None else str(value)

    @property
    def step(self) -> StepDefinition | None:
        return self.flow.step(self.step_id) if self.flow else None
