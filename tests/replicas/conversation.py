"""Citizens proposing ideas over and over through the proxy, each waiting for its answer
before the next message: every answer must be the flow's next step, so a message handled
twice (or lost) shows at once, and every idea must be stored exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import select

from storage.database import create_engine, session_factory
from storage.models import Idea
from tests.replicas.chat_client import say

TITLE_ASKED = "Wie soll sie heißen"
CONSENT_GIVEN = "yes"
# what each message of an idea gets as its answer: the flow's next question
STEPS = [
    ("{title}", "Beschreiben Sie Ihre Idee"),
    ("Ein Trinkbrunnen am Marktplatz wäre im Sommer für alle gut.", "Zu welchem Thema"),
    ("Umwelt & Klima", "bestimmten Ort"),
    ("Marktplatz", "Soll ich sie so einreichen"),
]


async def propose_ideas(
    http: httpx.AsyncClient,
    url: str,
    sender: str,
    enough: asyncio.Event,
    midway: Callable[[], Awaitable[None]] | None = None,
) -> list[str]:
    """At least one idea, more until `enough` is set (the idea under way is finished);
    returns their titles. `midway` runs once, between two messages of the first idea."""
    titles: list[str] = []
    while not titles or not enough.is_set():
        title = f"Brunnen {sender} Nummer {len(titles) + 1}"
        answer = await say(http, url, sender, "/idee")
        if TITLE_ASKED not in answer:  # the first time: consent first
            answer = await say(http, url, sender, CONSENT_GIVEN)
        assert TITLE_ASKED in answer, answer
        for text, expected in STEPS:
            answer = await say(http, url, sender, text.format(title=title))
            assert expected in answer, (text, answer)
            if midway is not None:
                await midway()
                midway = None
        await say(http, url, sender, "einreichen")
        titles.append(title)
    return titles


async def stored_titles(database_url: str, prefix: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            found = await session.scalars(select(Idea.title).where(Idea.title.like(f"{prefix}%")))
            return sorted(found)
    finally:
        await engine.dispose()


async def keep_page_open(
    http: httpx.AsyncClient, url: str, sender: str, enough: asyncio.Event
) -> int:
    """The sender's chat page: its event stream, opened again at once whenever the server
    ends it (as a browser does), until `enough` is set; returns how often it was opened."""
    opened = 0
    while not enough.is_set():
        async with http.stream(
            "GET", f"{url}/webhooks/rest/events", params={"sender": sender}
        ) as stream:
            assert stream.status_code == 200
            opened += 1
            lines = stream.aiter_lines()
            while not enough.is_set():
                reading = asyncio.ensure_future(anext(lines, None))
                ending = asyncio.ensure_future(enough.wait())
                await asyncio.wait({reading, ending}, return_when=asyncio.FIRST_COMPLETED)
                ending.cancel()
                if not reading.done():
                    reading.cancel()
                    break
                if reading.result() is None:
                    break  # the server ended the stream: open it again
    return opened
