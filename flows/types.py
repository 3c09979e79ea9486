"""Values that pass between the bot core and the flow engine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nlu.decision import DecisionSettings
from nlu.types import NluResult

JSON = Any  # a value that json.dumps accepts


@dataclass(frozen=True)
class Option:
    """A choice offered to the citizen. `value` comes back as the choice when it is picked."""

    label: str
    value: str
    # other words that pick it when typed: the YAML's synonyms, a topic's keywords
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply (e.g. the data export). Channels without files show `content`."""

    filename: str
    content: str
    media_type: str = "application/json"


@dataclass(frozen=True)
class Reply:
    """One message from the bot to the citizen."""

    text: str
    options: tuple[Option, ...] = ()
    attachment: Attachment | None = None
    # what else the question takes besides text ("location"): a channel that can send it
    # offers a way to (the web chat's "📍 Standort senden"); the others ignore it
    accepts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Location:
    """A position the citizen shared (a messenger's location, the browser's geolocation).
    Channels pass on what they got; the step that takes it checks the ranges."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class Photo:
    """A picture the citizen sent, as the channel got it (bytes not yet checked): the step
    that takes it hands it to a port, which decodes, strips and stores it."""

    content: bytes = field(repr=False)
    content_type: str = ""  # as the channel said ("image/jpeg"); the bytes decide
    name: str = ""  # the original file name, where the channel has one


@dataclass(frozen=True)
class UserInput:
    """What the citizen sent: free text, or the value of an option they picked, or a
    shared position, or a photo."""

    text: str
    choice: str | None = None
    nlu: NluResult | None = None
    location: Location | None = None
    photo: Photo | None = None


@dataclass(frozen=True)
class TurnContext:
    """Facts about this turn that the engine may read but not change."""

    citizen_id: int
    now: datetime
    language_hint: str | None = None
    group_chat: bool = False
    formal: bool = True  # German "Sie"; a municipality may switch to "du"
    # the channel shows options as a numbered list (terminal, Matrix), not as buttons
    numbered: bool = False
    # values texts may use as {town}, {privacy_contact}, {privacy_version}, ...
    variables: Mapping[str, str] = field(default_factory=dict)
    # when to act on a recognised wish, ask which one was meant, or say "not understood"
    decision: DecisionSettings = field(default_factory=DecisionSettings)


@dataclass(frozen=True)
class ConversationState:
    """Where a conversation stands. Stored as JSON between messages.

    `flow_version` pins a running conversation to the version it started with, so a flow
    published meanwhile does not change the steps under a citizen's feet.
    """

    language: str = "de"
    flow_id: str | None = None
    flow_version: int | None = None
    step_id: str | None = None
    slots: Mapping[str, JSON] = field(default_factory=dict)
    options: tuple[Option, ...] = ()
    greeted: bool = False
    # the clarifying question ("Did you mean …?") waiting for an answer: the original
    # message, its candidates and the id of its record (flows/clarify.py)
    asked: Mapping[str, JSON] | None = None

    def to_json(self) -> dict[str, JSON]:
        return {
            "language": self.language,
            "flow_id": self.flow_id,
            "flow_version": self.flow_version,
            "step_id": self.step_id,
            "slots": dict(self.slots),
            "options": [
                [o.label, o.value, list(o.words)] if o.words else [o.label, o.value]
                for o in self.options
            ],
            "greeted": self.greeted,
            **({"asked": dict(self.asked)} if self.asked else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, JSON]) -> ConversationState:
        return cls(
            language=str(data.get("language") or "de"),
            flow_id=data.get("flow_id"),
            flow_version=data.get("flow_version"),
            step_id=data.get("step_id"),
            slots=dict(data.get("slots") or {}),
            options=tuple(_option(item) for item in data.get("options") or []),
            greeted=bool(data.get("greeted", False)),
            asked=dict(data["asked"]) if isinstance(data.get("asked"), Mapping) else None,
        )


def _option(item: list[JSON]) -> Option:
    """[label, value] or [label, value, [words]] as stored."""
    words = item[2] if len(item) > 2 and isinstance(item[2], list) else []
    return Option(str(item[0]), str(item[1]), tuple(str(word) for word in words))


@dataclass(frozen=True)
class Turn:
    """The engine's answer to one input: the new state and the replies to send."""

    state: ConversationState
    replies: tuple[Reply, ...]
