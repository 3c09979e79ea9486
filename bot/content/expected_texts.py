"""Conversation tests as the flow editor shows and edits them.

A flow's tests are the files that name it under `flows:`. An administrator who rewords a
flow can change what its tests expect the bot to say: the edited test is kept as a draft
beside the flow's draft, used when the draft is tested, and published with it; from then
on it replaces the file for every test run in the web app (storage/conversation_test_edits).
Only expected texts change here; what the citizen says and the test's flows stay as written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.conversation_tests import TranscriptError, load_transcript, transcripts_for_flow
from nlu.yaml_limits import first_nul_line
from storage import conversation_test_edits as edits

MAX_EXPECTED = 300  # characters of one expected text


@dataclass(frozen=True)
class Expectation:
    """The texts one turn of a test expects in the bot's replies."""

    turn: int  # 1-based, as failures name it
    said: str  # what the citizen says or presses in that turn
    texts: tuple[str, ...]


@dataclass(frozen=True)
class CoveringTest:
    """One test that covers the flow, as it reads now (its edit, if any, else its file)."""

    name: str  # the file's path in the tests folder, e.g. "de_idea.yml"
    title: str
    edit: str | None  # "draft", "published" or None (the file as it is)
    expectations: tuple[Expectation, ...]
    broken: str | None = None  # why the test cannot be read


def transcript_name(path: Path, directory: Path) -> str:
    return path.relative_to(directory).as_posix()


async def edited_tests(session: AsyncSession, flow_id: str | None) -> dict[str, str]:
    """Edited tests by name: the published edits, and over them the drafts that go with
    the draft of `flow_id` (None: published edits only)."""
    sources = await edits.published_sources(session)
    if flow_id is not None:
        sources.update(await edits.draft_sources(session, flow_id))
    return sources


async def covering_tests(
    session: AsyncSession, flow_id: str, directory: Path
) -> list[CoveringTest]:
    """The tests that name `flow_id`, each with the texts it expects, drafts included."""
    published = await edits.published_sources(session)
    drafts = await edits.draft_sources(session, flow_id)
    found = []
    for path in transcripts_for_flow(flow_id, directory):
        name = transcript_name(path, directory)
        edit = "draft" if name in drafts else "published" if name in published else None
        try:
            data = load_transcript(path, drafts.get(name, published.get(name)))
        except TranscriptError as error:
            found.append(CoveringTest(name, name, edit, (), str(error)))
            continue
        found.append(
            CoveringTest(name, str(data.get("name", path.stem)), edit, _expectations(data))
        )
    return found


def _expectations(data: Mapping[str, Any]) -> tuple[Expectation, ...]:
    found = []
    for number, turn in enumerate(data["turns"], start=1):
        wanted = turn.get("expect")
        if wanted is None:
            continue
        texts = wanted if isinstance(wanted, list) else [wanted]
        said = str(turn.get("say", turn.get("press", "")))
        found.append(Expectation(number, said, tuple(str(text) for text in texts)))
    return tuple(found)


async def save_expectations(
    session: AsyncSession,
    flow_id: str,
    name: str,
    texts: Mapping[int, Sequence[str]],
    directory: Path,
    by: str | None,
    now: datetime,
) -> str | None:
    """Store the test `name` with new expected texts per turn, as a draft with the flow's
    draft. Returns why it was refused (a key of the editor's texts), or None when kept."""
    paths = {
        transcript_name(path, directory): path for path in transcripts_for_flow(flow_id, directory)
    }
    if name not in paths:
        return "test_unknown"
    for wanted in texts.values():
        for text in wanted:
            if len(text) > MAX_EXPECTED or first_nul_line(text) is not None:
                return "test_text_refused"
    current = (await edited_tests(session, flow_id)).get(name)
    try:
        data = load_transcript(paths[name], current)
    except TranscriptError:
        return "test_broken"
    turns = data["turns"]
    for number, wanted in texts.items():
        if not 1 <= number <= len(turns) or "expect" not in turns[number - 1]:
            return "test_unknown"
        turns[number - 1]["expect"] = [text.strip() for text in wanted if text.strip()]
    source = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    await edits.save_draft(session, name, flow_id, source, by, now)
    return None
