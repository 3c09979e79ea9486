"""Editing flows while the bot runs: drafts, checks by line, tests, publish, diff, rollback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App, build_app, teach_recognizer
from bot.channels.recording import RecordingChannel
from bot.config import Settings
from bot.content import flow_diff
from bot.content import flows as flow_admin
from bot.content.simulator import Simulators
from bot.messages import ConversationKey, InboundMessage
from flows.library import load_definitions
from nlu.embedded import EmbeddedRecognizer
from nlu.types import TeachableRecognizer
from storage.topics import upsert_topic

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SHIPPED = {flow_id: source for flow_id, _, source in load_definitions()}
THANKS_TEST = """\
name: Thanks
flows: [thanks]
language: de
turns:
  - say: Hallo
  - say: danke dir
    expect: [Gern geschehen]
"""


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    tests = tmp_path / "conversation-tests"
    tests.mkdir()
    (tests / "thanks.yml").write_text(THANKS_TEST, encoding="utf-8")
    return Settings(database_url=db_url, demo_data="true", nlu_cache_dir=None, flow_tests_dir=tests)


@pytest.fixture
async def app(settings: Settings, recognizer: TeachableRecognizer) -> AsyncIterator[App]:
    app = await build_app(settings, {"test": RecordingChannel("test")}, recognizer=recognizer)
    yield app
    await app.close()


async def first_contact(app: App, user: str, text: str) -> str:
    """A new citizen gets the welcome first; the answer to `text` comes after it."""
    await say(app, user, "Hallo")
    return await say(app, user, text)


async def say(app: App, user: str, text: str) -> str:
    channel = app.adapters["test"]
    assert isinstance(channel, RecordingChannel)
    await app.dispatcher.handle(InboundMessage(ConversationKey("test", user, user), text))
    while await app.worker.drain_once():
        pass
    return "\n".join(reply.text for reply in channel.take(user))


async def save(sessions: async_sessionmaker[AsyncSession], flow_id: str, source: str) -> list[str]:
    async with sessions() as session, session.begin():
        problems = await flow_admin.save_draft(session, flow_id, source, "ada", NOW)
    return [f"{problem.line}: {problem.message}" for problem in problems]


async def test_a_broken_draft_is_kept_and_its_problems_name_their_lines(app: App) -> None:
    broken = SHIPPED["thanks"].replace("    type: say\n", "    type: sag\n")
    problems = await save(app.sessions, "thanks", broken)
    assert problems and problems[0].startswith("10: ") and "sag" in problems[0]
    async with app.sessions() as session:
        editing = await flow_admin.open_editor(session, "thanks")
    assert editing is not None and editing.is_draft and editing.source == broken
    result = await flow_admin.publish_draft(
        app.sessions, "thanks", "ada", NOW, app.settings, app.recognizer, build_app
    )
    assert not result.published and result.problems[0].line == 10
    async with app.sessions() as session:
        assert [v.version for v in await flow_admin.list_versions(session, "thanks")] == [1]


async def test_yaml_errors_and_clashes_with_other_flows_are_refused(app: App) -> None:
    broken_yaml = await save(app.sessions, "thanks", "id: thanks\ntitle: [\n")
    assert broken_yaml[0].startswith("3: broken YAML")
    renamed = SHIPPED["thanks"].replace("id: thanks", "id: danke")
    assert await save(app.sessions, "thanks", renamed) == [
        "1: the id must stay 'thanks' (the text says 'danke')"
    ]
    clash = SHIPPED["thanks"].replace("intents: [thanks]", "intents: [thanks]\n  commands: [/idee]")
    [problem] = await save(app.sessions, "thanks", clash)
    assert "command /idee is also used by propose_idea" in problem


async def test_publishing_runs_the_flow_tests_and_a_failing_test_stops_it(app: App) -> None:
    changed = SHIPPED["thanks"].replace("Gern geschehen!", "Sehr gern!")
    assert await save(app.sessions, "thanks", changed) == []
    result = await flow_admin.publish_draft(
        app.sessions, "thanks", "ada", NOW, app.settings, app.recognizer, build_app
    )
    assert not result.published and result.tests.ran and not result.tests.passed
    failure = "\n".join(result.tests.outcomes[0].failures)
    assert "expected “Gern geschehen”" in failure and "Sehr gern!" in failure
    async with app.sessions() as session:
        editing = await flow_admin.open_editor(session, "thanks")
    assert editing is not None and editing.is_draft  # nothing lost


async def test_publish_diff_and_roll_back(app: App) -> None:
    changed = SHIPPED["thanks"].replace("Gern geschehen!", "Gern geschehen, wirklich!")
    assert await save(app.sessions, "thanks", changed) == []
    tested = await flow_admin.test_draft(
        app.sessions, "thanks", app.settings, app.recognizer, build_app
    )
    assert tested.tests.ran and tested.tests.passed and not tested.published
    result = await flow_admin.publish_draft(
        app.sessions, "thanks", "ada", NOW, app.settings, app.recognizer, build_app
    )
    assert result.version == 2 and result.tests.passed
    await app.reload_flows()
    assert "Gern geschehen, wirklich!" in await first_contact(app, "anna", "danke dir")

    async with app.sessions() as session:
        diff = await flow_diff.diff_versions(session, "thanks", 1, 2)
        editing = await flow_admin.open_editor(session, "thanks")
        listed = {f.flow_id: f for f in await flow_admin.list_flows(session)}
    assert diff is not None and "--- thanks v1" in diff and "+++ thanks v2" in diff
    assert (
        "-      de: Gern geschehen! Wenn" in diff and "+      de: Gern geschehen, wirklich!" in diff
    )
    assert editing is not None and not editing.is_draft and editing.current_version == 2
    assert listed["thanks"].current_version == 2 and listed["thanks"].versions == 2
    assert listed["thanks"].changed_by == "ada" and listed["thanks"].title == "Danke"

    back = await flow_admin.roll_back(
        app.sessions, "thanks", 1, "ada", NOW, app.settings, app.recognizer, build_app
    )
    assert back.version == 3
    await app.reload_flows()
    reply = await first_contact(app, "bert", "danke dir")
    assert "Gern geschehen! Wenn" in reply and "wirklich" not in reply
    async with app.sessions() as session:
        versions = await flow_admin.list_versions(session, "thanks")
        assert await flow_diff.diff_versions(session, "thanks", 1, 3) == ""
        assert await flow_diff.diff_versions(session, "thanks", 1, 9) is None
    assert [(v.version, v.is_current) for v in versions] == [(3, True), (2, False), (1, False)]


async def test_a_running_conversation_keeps_its_version_when_a_new_one_is_published(
    app: App,
) -> None:
    question = "Was möchten Sie die Verwaltung fragen?"
    assert question in await first_contact(app, "anna", "/frage")
    changed = SHIPPED["ask_question"].replace(question, "Neu – Ihre Frage, bitte!")
    changed = changed.replace("min_length: 10", "min_length: 3")
    assert await save(app.sessions, "ask_question", changed) == []
    result = await flow_admin.publish_draft(
        app.sessions, "ask_question", "ada", NOW, app.settings, app.recognizer, build_app
    )
    assert result.version == 2 and result.tests.outcomes == []  # no test names it here
    await app.reload_flows()
    # version 1 asks for at least 10 characters; version 2 would take "Bus?"
    assert "kurz" in (await say(app, "anna", "Bus?")).lower()
    assert "Neu – Ihre Frage, bitte!" in await first_contact(app, "bert", "/frage")


async def test_another_process_picks_up_a_publication(
    app: App, settings: Settings, recognizer: TeachableRecognizer
) -> None:
    other = await build_app(settings, {"test": RecordingChannel("test")}, recognizer=recognizer)
    try:
        changed = SHIPPED["thanks"].replace("Gern geschehen!", "Gern geschehen, sagt der Bot!")
        await save(app.sessions, "thanks", changed)
        await flow_admin.publish_draft(
            app.sessions, "thanks", "ada", NOW, app.settings, app.recognizer, build_app
        )
        before = other.library.current("thanks")
        await other.refresh_content()
        after = other.library.current("thanks")
        assert before is not None and before.version == 1
        assert after is not None and after.version == 2
        assert "sagt der Bot" in await first_contact(other, "carla", "danke dir")
    finally:
        await other.close()


async def test_shipped_flows_do_not_undo_an_administrators_version(
    app: App, settings: Settings, recognizer: TeachableRecognizer
) -> None:
    changed = SHIPPED["thanks"].replace("Gern geschehen!", "Gern geschehen, sagt der Bot!")
    await save(app.sessions, "thanks", changed)
    await flow_admin.publish_draft(
        app.sessions, "thanks", "ada", NOW, settings, recognizer, build_app
    )
    restarted = await build_app(settings, {"test": RecordingChannel("test")}, recognizer=recognizer)
    try:
        assert "sagt der Bot" in await first_contact(restarted, "dora", "danke dir")
    finally:
        await restarted.close()


async def test_tests_and_simulators_leave_the_running_bots_topics_alone(
    settings: Settings, own_nlu_cache: Path
) -> None:
    """Their throw-away bots teach the demo town's topics to a copy of the recogniser only."""
    recognizer = EmbeddedRecognizer(cache_dir=own_nlu_cache)
    app = await build_app(settings, {"test": RecordingChannel("test")}, recognizer=recognizer)
    simulators = Simulators()
    try:
        async with app.sessions() as session, session.begin():
            await upsert_topic(session, "hafen", "Hafen", "Harbour")
        await teach_recognizer(app.recognizer, app.sessions)
        assert (await app.recognizer.parse("Ideen zum Hafen")).entity("topic") == "hafen"
        current = await flow_admin.current_flow_sources(app.sessions)
        run = await flow_admin.run_tests(
            "thanks", current["thanks"], current, settings, app.recognizer, build_app
        )
        simulator = await simulators.open(
            ("login", "thanks"), settings, app.recognizer, build_app, sorted(current.items())
        )
        await simulators.send(simulator, "Ideen zum Hafen")
        assert run.ran and run.passed
        assert (await app.recognizer.parse("Ideen zum Hafen")).entity("topic") == "hafen"
    finally:
        await simulators.close_all()
        await app.close()


async def test_a_running_process_checks_for_publications_by_itself(
    app: App, settings: Settings, recognizer: TeachableRecognizer
) -> None:
    quick = settings.model_copy(update={"content_check_seconds": 0.05})
    other = await build_app(quick, {"test": RecordingChannel("test")}, recognizer=recognizer)
    await other.start(other.dispatcher.handle_and_forget)
    try:
        changed = SHIPPED["thanks"].replace("Gern geschehen!", "Gern geschehen, von selbst!")
        await save(app.sessions, "thanks", changed)
        result = await flow_admin.publish_draft(
            app.sessions, "thanks", "ada", NOW, app.settings, app.recognizer, build_app
        )
        assert result.version == 2
        for _ in range(600):  # until its periodic check has run (at most 30 s)
            current = other.library.current("thanks")
            if current is not None and current.version == 2:
                break
            await asyncio.sleep(0.05)
        current = other.library.current("thanks")
        assert current is not None and current.version == 2
    finally:
        await other.close()
