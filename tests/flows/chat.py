"""A conversation with the engine as the dispatcher holds it: state in, turn out, state kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from flows.engine import advance
from flows.library import FlowLibrary, FlowSource, load_definitions
from flows.types import ConversationState, Reply, TurnContext, UserInput
from nlu.types import Entity, NluResult
from tests.flows.fakes import NOW, FakeServices

VARIABLES = {
    "town": "Musterstadt",
    "privacy_contact": "datenschutz@musterstadt.de",
    "privacy_version": "2026-01",
}


@cache
def shipped_library() -> FlowLibrary:
    return FlowLibrary.from_sources(
        FlowSource(flow_id, 1, source, filename) for flow_id, filename, source in load_definitions()
    )


@dataclass
class Chat:
    """One citizen talking; `say` returns the replies of that turn."""

    services: FakeServices = field(default_factory=FakeServices)
    library: FlowLibrary = field(default_factory=shipped_library)
    citizen_id: int = 7
    language_hint: str | None = None
    formal: bool = True
    numbered: bool = False  # options shown as a numbered list (terminal, Matrix)
    group_chat: bool = False
    now: datetime = NOW
    state: ConversationState = field(default_factory=ConversationState)
    replies: tuple[Reply, ...] = ()

    async def say(
        self,
        text: str,
        intent: str | None = None,
        entities: dict[str, str] | None = None,
        language: str | None = None,
        confidence: float = 0.95,
    ) -> tuple[Reply, ...]:
        """Sends typed text, as the dispatcher does: the engine itself reads it as an offered
        option where it is one; `intent` is what the recogniser would have said."""
        found = tuple(
            Entity(name, value, value, 0, len(value)) for name, value in (entities or {}).items()
        )
        nlu = NluResult(
            text, intent or "nlu_fallback", confidence if intent else 0.2, found, language
        )
        return await self.send(UserInput(text=text, nlu=nlu))

    async def press(self, label_part: str) -> tuple[Reply, ...]:
        """Presses the offered button whose label contains `label_part`."""
        for option in self.state.options:
            if label_part.casefold() in option.label.casefold():
                return await self.send(UserInput(text=option.label, choice=option.value))
        labels = [option.label for option in self.state.options]
        raise AssertionError(f"no option like {label_part!r} in {labels}")

    async def send(self, user_input: UserInput) -> tuple[Reply, ...]:
        ctx = TurnContext(
            self.citizen_id,
            self.now,
            self.language_hint,
            group_chat=self.group_chat,
            formal=self.formal,
            numbered=self.numbered,
            variables=VARIABLES,
        )
        turn = await advance(self.state, user_input, ctx, self.library, self.services)
        self.state, self.replies = turn.state, turn.replies
        return turn.replies

    @property
    def text(self) -> str:
        """All replies of the last turn as one text."""
        return "\n".join(reply.text for reply in self.replies)

    @property
    def labels(self) -> list[str]:
        return [option.label for option in self.state.options]

    async def agree(self) -> None:
        """Gives consent when the bot asks for it."""
        assert "einverstanden" in self.text.casefold() or "agree" in self.text.casefold(), self.text
        await self.press("✅")
