"""A returned connection goes to whoever waited longest, not to whoever asks next.

Seen by citizens: when many write at once, everyone's first answer comes before anyone's
third, instead of the quickest conversations keeping the connection to themselves.
"""

from __future__ import annotations

import asyncio

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.config import Settings
from bot.messages import ConversationKey, InboundMessage
from nlu.types import IntentRecognizer


async def test_every_citizen_writing_at_once_gets_a_first_answer_before_any_third(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    settings = Settings(database_url=db_url, demo_data="true", nlu_cache_dir=None)
    app = await build_app(settings, {"test": RecordingChannel("test")}, recognizer)
    await app.start(app.dispatcher.handle_and_forget)  # the delivery worker asks for it too
    handled: dict[str, int] = {}
    most_when_first_answered: list[int] = []

    async def citizen(name: str) -> None:
        key = ConversationKey("test", name, name)
        for number in range(6):
            await app.dispatcher.handle(
                InboundMessage(key, "danke", platform_id=f"{name}-{number}")
            )
            handled[name] = handled.get(name, 0) + 1
            if number == 0:
                most_when_first_answered.append(max(handled.values()))

    try:
        await asyncio.gather(*(citizen(f"citizen-{number}") for number in range(30)))
    finally:
        await app.close()
    assert len(most_when_first_answered) == 30
    assert max(most_when_first_answered) <= 2
