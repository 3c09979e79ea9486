"""The chat simulator: the real bot with the draft flows, on a database of its own."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.app import build_app, prepare_database
from bot.config import Settings
from bot.content import flows as flow_admin
from bot.content.simulator import Simulators
from flows.library import load_definitions
from nlu.types import TeachableRecognizer
from storage.database import create_engine, session_factory
from storage.models import Idea

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SHIPPED = {flow_id: source for flow_id, _, source in load_definitions()}


async def test_the_simulator_chats_with_the_draft_and_keeps_real_data_apart(
    sqlite_url: str, recognizer: TeachableRecognizer
) -> None:
    engine = create_engine(sqlite_url)
    sessions = session_factory(engine)
    settings = Settings(database_url=sqlite_url, nlu_cache_dir=None)
    simulators = Simulators()
    try:
        await (await prepare_database(settings))[0].dispose()
        changed = SHIPPED["thanks"].replace("Gern geschehen!", "Immer wieder gern!")
        async with sessions() as session, session.begin():
            assert await flow_admin.save_draft(session, "thanks", changed, "ada", NOW) == []
        flows, problems = await flow_admin.flows_to_try(sessions, "thanks")
        assert problems == [] and dict(flows)["thanks"] == changed
        simulator = await simulators.open(
            ("login-1", "thanks"), settings, recognizer, build_app, flows
        )
        await simulators.send(simulator, "Hallo")
        assert ("💡 Idee vorschlagen", "/idee") in simulator.options
        replies = await simulators.send(simulator, "danke")
        assert "Immer wieder gern!" in replies[0].text
        label, value = next(o for o in simulator.options if "Idee" in o[0])
        await simulators.send(simulator, label, value)
        assert simulator.lines[-1].sender == "bot" and "Datenschutz" in simulator.lines[-1].text
        assert simulators.get(("login-1", "thanks")) is simulator
        assert simulators.get(("login-2", "thanks")) is None

        async with sessions() as session:  # the real database saw nothing of it
            assert await session.scalar(select(func.count()).select_from(Idea)) == 0

        broken = changed.replace("type: say", "type: sag")
        async with sessions() as session, session.begin():
            await flow_admin.save_draft(session, "thanks", broken, "ada", NOW)
        flows, problems = await flow_admin.flows_to_try(sessions, "thanks")
        assert flows == [] and problems[0].line == 10
    finally:
        await simulators.close_all()
        await engine.dispose()
    assert simulators.get(("login-1", "thanks")) is None
