"""Editing the intent data: draft, problems by line, training, report, activate, roll back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.channels.recording import RecordingChannel
from bot.config import Settings
from bot.content import intent_data as nlu_admin
from nlu.embedded import EmbeddedRecognizer
from nlu.types import TeachableRecognizer
from storage import nlu_versions
from storage.database import create_engine, session_factory

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NEW_WORD = "zxqv blorptastisch"


@pytest.fixture
async def app(db_url: str, own_nlu_cache: Path) -> AsyncIterator[App]:
    settings = Settings(database_url=db_url, nlu_cache_dir=own_nlu_cache, nlu_evaluation_folds=3)
    # its own recogniser: this test switches its model, which must not reach other tests
    recognizer = EmbeddedRecognizer(cache_dir=settings.nlu_cache_dir)
    app = await build_app(settings, {"test": RecordingChannel("test")}, recognizer=recognizer)
    yield app
    await app.close()


async def test_edit_train_activate_and_roll_back(app: App) -> None:
    async with app.sessions() as session:
        editing = await nlu_admin.open_editor(session, app.settings)
    assert not editing.is_draft and editing.based_on is None
    ideas = editing.files["intents/propose_idea.yml"]
    assert "intent: propose_idea" in ideas and "entities/topics.yml" in editing.files

    broken = ideas.replace("  examples: |\n", f"  examples: |\n    {NEW_WORD}\n", 1)
    async with app.sessions() as session, session.begin():
        problems = await nlu_admin.save_file(
            session, app.settings, "intents/propose_idea.yml", broken, "ada", NOW
        )
    [problem] = problems
    assert problem.path == "intents/propose_idea.yml" and "must start with '- '" in problem.message
    assert broken.splitlines()[problem.line - 1].strip() == NEW_WORD

    trainer = nlu_admin.Trainer(app.sessions, app.settings)
    refused = await trainer.start("ada", NOW)
    assert isinstance(refused, list) and refused[0].line == problem.line

    fixed = ideas.replace("  examples: |\n", f"  examples: |\n    - {NEW_WORD}\n", 1)
    async with app.sessions() as session, session.begin():
        name = "intents/propose_idea.yml"
        assert await nlu_admin.save_file(session, app.settings, name, fixed, "ada", NOW) == []
        editing = await nlu_admin.open_editor(session, app.settings)
    assert editing.is_draft and editing.files["intents/propose_idea.yml"] == fixed

    version_id = await trainer.start("ada", NOW)
    assert isinstance(version_id, int)
    await trainer.wait()
    progress = trainer.progress(version_id)
    assert progress is not None and progress.percent == 100 and progress.step == "done"
    async with app.sessions() as session:
        version = await nlu_versions.get(session, version_id)
        assert await nlu_versions.draft(session) is None
        editing = await nlu_admin.open_editor(session, app.settings)
    assert version is not None and version.status == "ready" and version.report is not None
    assert version.report["method"] == "3-fold cross-validation"  # as the setting says
    assert 0.5 < version.report["accuracy"] <= 1.0 and version.report["examples"] > 1000
    assert {score["intent"] for score in version.report["scores"]} >= {"greet", "propose_idea"}
    assert editing.based_on == version_id and not editing.is_draft

    assert (await app.recognizer.parse(NEW_WORD)).intent != "propose_idea"
    other = await build_app(  # another process on the same database
        app.settings,
        {"test": RecordingChannel("test")},
        recognizer=EmbeddedRecognizer(cache_dir=app.settings.nlu_cache_dir),
    )
    try:
        async with app.sessions() as session, session.begin():
            assert await nlu_admin.activate(session, version_id, NOW) is not None
        await app.refresh_content()
        assert app.served.nlu_serving == version_id
        assert (await app.recognizer.parse(NEW_WORD)).intent == "propose_idea"
        assert (await other.recognizer.parse(NEW_WORD)).intent != "propose_idea"
        await other.refresh_content()  # what its periodic check does
        assert (await other.recognizer.parse(NEW_WORD)).intent == "propose_idea"
    finally:
        await other.close()

    async with app.sessions() as session, session.begin():  # back to the shipped data
        assert await nlu_admin.activate(session, None, NOW) is None
    await app.refresh_content()
    assert app.served.nlu_serving is None
    assert (await app.recognizer.parse(NEW_WORD)).intent != "propose_idea"


async def test_a_version_that_is_not_trained_cannot_be_activated(app: App) -> None:
    async with app.sessions() as session, session.begin():
        await nlu_admin.save_file(session, app.settings, "extra/more.yml", "nlu:\n", "ada", NOW)
        draft = await nlu_versions.draft(session)
        assert draft is not None
        message = await nlu_admin.activate(session, draft.id, NOW)
        assert message == "only a trained version can be used; train it first"
        assert await nlu_versions.active(session) is None


def test_file_names_must_be_plain_relative_yaml_names() -> None:
    assert nlu_admin.check_file_name("intents/greet.yml") is None
    assert nlu_admin.check_file_name("../etc/passwd.yml") is not None
    assert nlu_admin.check_file_name("intents/greet.txt") is not None
    assert nlu_admin.check_file_name("/abs.yml") is not None


async def test_a_training_cut_short_by_a_restart_is_trained_again(
    sqlite_url: str, own_nlu_cache: Path
) -> None:
    settings = Settings(
        database_url=sqlite_url, nlu_cache_dir=own_nlu_cache, nlu_evaluation_folds=2
    )
    engine = create_engine(sqlite_url)
    sessions = session_factory(engine)
    try:
        files = nlu_admin.installed_files(settings)
        async with sessions() as session, session.begin():  # as a process that then stopped
            cut_short = await nlu_versions.save_draft(session, files, "ada", NOW)
            await nlu_versions.set_status(session, cut_short, nlu_versions.TRAINING, NOW)
        trainer = nlu_admin.Trainer(sessions, settings)  # the restarted process
        assert await trainer.train_again(999, "ada", NOW) is None
        again = await trainer.train_again(cut_short, "ada", NOW)
        assert again is not None and again != cut_short
        assert await trainer.train_again(again, "ada", NOW) is None  # running here
        await trainer.wait()
        async with sessions() as session:
            old = await nlu_versions.get(session, cut_short)
            new = await nlu_versions.get(session, again)
        assert old is not None and old.status == "failed" and old.error == nlu_admin.INTERRUPTED
        assert new is not None and new.status == "ready" and new.files == files
        assert await trainer.train_again(again, "ada", NOW) is None  # done
    finally:
        await engine.dispose()


async def test_the_bot_starts_even_when_the_active_version_cannot_be_read(
    sqlite_url: str, recognizer: TeachableRecognizer, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url=sqlite_url, nlu_cache_dir=None)
    engine = create_engine(sqlite_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            broken = await nlu_versions.save_draft(session, {"x.yml": "nlu: [\n"}, "ada", NOW)
            await nlu_versions.set_status(session, broken, nlu_versions.READY, NOW, report={})
            await nlu_versions.activate(session, broken, NOW)
    finally:
        await engine.dispose()
    app = await build_app(settings, {"test": RecordingChannel("test")}, recognizer=recognizer)
    try:
        assert (await app.recognizer.parse("hallo")).intent == "greet"
        assert f"intent data version {broken} cannot be used" in caplog.text
    finally:
        await app.close()
