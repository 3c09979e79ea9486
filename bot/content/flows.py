"""Editing flows while the bot runs: drafts, checks, conversation tests, publishing, rollback.

A draft is saved whatever it contains, so an administrator never loses typing; publishing
takes a draft (or an older version, for a rollback) through the same gate: the YAML is
valid, fits the other flows, and the flow's conversation tests pass against it. Each
publication is a new version; conversations that started on an older one keep it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.content.conversation_tests import (
    SHIPPED_TRANSCRIPTS,
    BuildBot,
    Outcome,
    TranscriptError,
    run_transcript,
    transcripts_for_flow,
)
from bot.content.expected_texts import edited_tests, transcript_name
from bot.content.intent_data import private_copy
from flows.problems import FlowError, Problem
from flows.validation import check_together, parse_flow, validate_source
from nlu.types import IntentRecognizer
from nlu.yaml_limits import first_nul_line
from storage import conversation_test_edits, flow_drafts, flow_versions

MAX_SOURCE = 200_000  # characters; the largest shipped flow has about 9 000

# Called in the publishing transaction with the new version (e.g. to write the audit log).
OnPublish = Callable[[AsyncSession, int], Awaitable[None]]


async def _nothing(session: AsyncSession, version: int) -> None:
    return None


@dataclass(frozen=True)
class FlowSummary:
    flow_id: str
    title: str
    current_version: int
    versions: int
    has_draft: bool
    changed_at: datetime
    changed_by: str | None


@dataclass(frozen=True)
class Editing:
    """What the editor shows: the draft if there is one, otherwise the current version."""

    flow_id: str
    source: str
    is_draft: bool
    current_version: int | None
    based_on: int | None
    versions: list[flow_drafts.VersionInfo]


@dataclass
class TestRun:
    """The flow's conversation tests against one source. `ran` is False when they were not
    run (problems came first); run with no outcomes means the flow has no tests."""

    outcomes: list[Outcome] = field(default_factory=list)
    ran: bool = False

    @property
    def passed(self) -> bool:
        return all(outcome.passed for outcome in self.outcomes)


@dataclass
class PublishResult:
    """A new version number, or why the source was refused."""

    version: int | None = None
    problems: list[Problem] = field(default_factory=list)
    tests: TestRun = field(default_factory=TestRun)

    @property
    def published(self) -> bool:
        return self.version is not None


async def list_flows(session: AsyncSession, language: str = "de") -> list[FlowSummary]:
    """Every flow with its current version, how many versions it has and whether a draft waits."""
    drafts = await flow_drafts.draft_ids(session)
    summaries = []
    for stored in _group(await flow_versions.all_versions(session)).values():
        current = next((row for row in stored if row.is_current), stored[-1])
        info = next(
            v
            for v in await flow_drafts.versions_of(session, current.flow_id)
            if v.version == current.version
        )
        summaries.append(
            FlowSummary(
                flow_id=current.flow_id,
                title=_title(current.source, current.flow_id, language),
                current_version=current.version,
                versions=len(stored),
                has_draft=current.flow_id in drafts,
                changed_at=info.created_at,
                changed_by=info.created_by,
            )
        )
    return sorted(summaries, key=lambda summary: summary.flow_id)


def _group(rows: Sequence[flow_versions.StoredFlow]) -> dict[str, list[flow_versions.StoredFlow]]:
    grouped: dict[str, list[flow_versions.StoredFlow]] = {}
    for row in rows:
        grouped.setdefault(row.flow_id, []).append(row)
    return grouped


def _title(source: str, flow_id: str, language: str) -> str:
    try:
        flow = parse_flow(source, flow_id)
    except FlowError:
        return flow_id
    return str(flow.title.get(language) or flow.title.get("de") or flow_id)


async def list_versions(session: AsyncSession, flow_id: str) -> list[flow_drafts.VersionInfo]:
    """Every published version of the flow, newest first."""
    return await flow_drafts.versions_of(session, flow_id)


async def open_editor(session: AsyncSession, flow_id: str) -> Editing | None:
    """The flow as the editor starts: None when no such flow or draft exists."""
    versions = await flow_drafts.versions_of(session, flow_id)
    current = next((v.version for v in versions if v.is_current), None)
    draft = await flow_drafts.get_draft(session, flow_id)
    if draft is not None:
        return Editing(flow_id, draft.source, True, current, draft.based_on, versions)
    if current is None:
        return None
    source = await flow_drafts.source_of(session, flow_id, current)
    return Editing(flow_id, source or "", False, current, current, versions)


def starter(flow_id: str) -> str:
    """The text a new flow begins with: valid, so the editor starts without problems."""
    return (
        f"id: {flow_id}\n"
        "title:\n  de: Neuer Dialog\n  en: New flow\n"
        "start: hello\n"
        "steps:\n"
        "  hello:\n"
        "    type: say\n"
        "    text:\n"
        "      de: Hallo! Wählen Sie unten aus, wie es weitergeht.\n"
        "      de_du: Hallo! Wähle unten aus, wie es weitergeht.\n"
        "      en: Hello! Pick below what to do next.\n"
        "    options: menu\n"
    )


def check_source(flow_id: str, source: str, others: Mapping[str, str]) -> list[Problem]:
    """Problems in `source` as flow `flow_id`, including clashes with the other flows.

    Lines refer to `source`; a clash names the other flow in its message.
    """
    problems = validate_source(source, flow_id)
    if problems:
        return problems
    flow = parse_flow(source, flow_id)
    if flow.flow_id != flow_id:
        values = {"flow_id": flow_id, "found": flow.flow_id}
        return [Problem(flow_id, _line_of_id(source), "id_changed", values)]
    rest = [
        parse_flow(other_source, other_id)
        for other_id, other_source in sorted(others.items())
        if other_id != flow_id
    ]
    # the edited flow comes last, so each clash is reported against it
    clashes = check_together([*rest, flow])
    return [problem for problem in clashes if problem.filename == flow_id]


def unsaveable(flow_id: str, source: str) -> Problem | None:
    """Why `source` cannot even be kept as a draft: empty, too long, or holding a NUL
    character (no database stores one). None when it can be saved."""
    if not source.strip() or len(source) > MAX_SOURCE:
        return Problem(flow_id, None, "empty_source")
    nul = first_nul_line(source)
    return None if nul is None else Problem(flow_id, nul, "nul_character")


def _line_of_id(source: str) -> int:
    lines = source.splitlines()
    return next((n for n, line in enumerate(lines, start=1) if line.startswith("id:")), 1)


async def save_draft(
    session: AsyncSession, flow_id: str, source: str, by: str | None, now: datetime
) -> list[Problem]:
    """Keep the edit (always) and return what is wrong with it (nothing: ready to publish)."""
    current = await flow_drafts.current_sources(session)
    based_on = current[flow_id][0] if flow_id in current else None
    await flow_drafts.save_draft(session, flow_id, source, based_on, by, now)
    return check_source(flow_id, source, {fid: src for fid, (_, src) in current.items()})


async def discard_draft(session: AsyncSession, flow_id: str) -> bool:
    """Drop the flow's draft and the test edits that went with it."""
    await conversation_test_edits.drop_drafts(session, flow_id)
    return await flow_drafts.drop_draft(session, flow_id)


def transcripts_dir(settings: Settings) -> Path:
    return settings.flow_tests_dir or SHIPPED_TRANSCRIPTS


async def run_tests(
    flow_id: str,
    source: str,
    current: Mapping[str, str],
    settings: Settings,
    recognizer: IntentRecognizer,
    build: BuildBot,
    edited: Mapping[str, str] | None = None,
) -> TestRun:
    """The flow's conversation tests, each on a throw-away database, with `source` in place
    of the flow's current version and every other flow as currently published; `edited`
    tests (by name, see bot/content/expected_texts.py) replace their files.

    Each test runs in a worker thread with an event loop of its own: building its bot
    (migrations, checks, demo data) takes the CPU for a while, and the bot serving
    citizens must not wait for that.
    """
    flows = sorted({**current, flow_id: source}.items())
    directory = transcripts_dir(settings)
    run = TestRun(ran=True)
    for path in transcripts_for_flow(flow_id, directory):
        test = (edited or {}).get(transcript_name(path, directory))
        outcome = await asyncio.to_thread(
            _replay, path, test, settings, private_copy(recognizer), build, flows
        )
        run.outcomes.append(outcome)
    return run


def _replay(
    path: Path,
    test: str | None,
    settings: Settings,
    recognizer: IntentRecognizer,
    build: BuildBot,
    flows: Sequence[tuple[str, str]],
) -> Outcome:
    try:
        return asyncio.run(run_transcript(path, settings, recognizer, build, flows, test))
    except TranscriptError as error:
        return Outcome(path, path.stem, [str(error)])


async def current_flow_sources(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    async with sessions() as session:
        current = await flow_drafts.current_sources(session)
    return {flow_id: source for flow_id, (_, source) in current.items()}


async def test_draft(
    sessions: async_sessionmaker[AsyncSession],
    flow_id: str,
    settings: Settings,
    recognizer: IntentRecognizer,
    build: BuildBot,
) -> PublishResult:
    """Check and test the saved draft (with the tests edited beside it) without publishing."""
    async with sessions() as session:
        draft = await flow_drafts.get_draft(session, flow_id)
        edited = await edited_tests(session, flow_id)
    if draft is None:
        return PublishResult(problems=[Problem(flow_id, None, "no_draft")])
    return await _gate(sessions, flow_id, draft.source, settings, recognizer, build, edited)


async def _gate(
    sessions: async_sessionmaker[AsyncSession],
    flow_id: str,
    source: str,
    settings: Settings,
    recognizer: IntentRecognizer,
    build: BuildBot,
    edited: Mapping[str, str],
) -> PublishResult:
    current = await current_flow_sources(sessions)
    problems = check_source(flow_id, source, current)
    if problems:
        return PublishResult(problems=problems)
    tests = await run_tests(flow_id, source, current, settings, recognizer, build, edited)
    return PublishResult(tests=tests)


async def publish_draft(
    sessions: async_sessionmaker[AsyncSession],
    flow_id: str,
    by: str | None,
    now: datetime,
    settings: Settings,
    recognizer: IntentRecognizer,
    build: BuildBot,
    on_publish: OnPublish = _nothing,
) -> PublishResult:
    """Publish the saved draft as a new version when it is valid and its tests pass; the
    tests edited with the draft are published with it."""
    async with sessions() as session:
        draft = await flow_drafts.get_draft(session, flow_id)
        edited = await edited_tests(session, flow_id)
    if draft is None:
        return PublishResult(problems=[Problem(flow_id, None, "no_draft")])
    result = await _gate(sessions, flow_id, draft.source, settings, recognizer, build, edited)
    if result.problems or not result.tests.passed:
        return result
    async with sessions() as session, session.begin():
        still = await flow_drafts.get_draft(session, flow_id)
        unchanged = still is not None and still.source == draft.source
        if not unchanged or await edited_tests(session, flow_id) != edited:
            # someone saved again while the tests ran: publish nothing they have not tested
            changed = Problem(flow_id, None, "draft_changed")
            return PublishResult(problems=[changed], tests=result.tests)
        result.version = await flow_versions.publish(session, flow_id, draft.source, now, by)
        await flow_drafts.drop_draft(session, flow_id)
        await conversation_test_edits.publish_drafts(session, flow_id, by, now)
        await on_publish(session, result.version)
    return result


async def roll_back(
    sessions: async_sessionmaker[AsyncSession],
    flow_id: str,
    version: int,
    by: str | None,
    now: datetime,
    settings: Settings,
    recognizer: IntentRecognizer,
    build: BuildBot,
    on_publish: OnPublish = _nothing,
) -> PublishResult:
    """Publish an older version's source as the newest version, through the same checks."""
    async with sessions() as session:
        source = await flow_drafts.source_of(session, flow_id, version)
        edited = await edited_tests(session, None)
    if source is None:
        missing = Problem(flow_id, None, "no_version", {"version": version})
        return PublishResult(problems=[missing])
    result = await _gate(sessions, flow_id, source, settings, recognizer, build, edited)
    if result.problems or not result.tests.passed:
        return result
    async with sessions() as session, session.begin():
        result.version = await flow_versions.publish(session, flow_id, source, now, by)
        await on_publish(session, result.version)
    return result


async def flows_to_try(
    sessions: async_sessionmaker[AsyncSession], flow_id: str
) -> tuple[list[tuple[str, str]], list[Problem]]:
    """The flow set for the simulator: the published flows with the draft of `flow_id` in
    place of its flow. With a broken draft: no flows, and the draft's problems."""
    current = await current_flow_sources(sessions)
    async with sessions() as session:
        draft = await flow_drafts.get_draft(session, flow_id)
    if draft is not None:
        problems = check_source(flow_id, draft.source, current)
        if problems:
            return [], problems
        current[flow_id] = draft.source
    return sorted(current.items()), []
