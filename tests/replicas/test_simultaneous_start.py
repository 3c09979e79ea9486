"""Three processes started at the same moment on an empty database: the schema is built and
the town seeded once, and all three serve."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from storage.database import create_engine, session_factory
from storage.models import Consultation, FlowVersion, Idea, Topic
from tests.replicas.chat_client import client, say
from tests.replicas.conftest import replicas


async def test_three_processes_started_at_once_on_an_empty_database_seed_it_once(
    empty_database: str, tmp_path: Path, nlu_cache: Path
) -> None:
    with replicas(empty_database, tmp_path, nlu_cache, 3) as started:  # each waits for /readyz
        async with client() as http:
            for number, replica in enumerate(started):
                assert "Umfragen" in await say(http, replica.url, f"start-{number}", "Hallo")
    engine = create_engine(empty_database)
    try:
        async with session_factory(engine)() as session:
            per_flow = await session.execute(
                select(FlowVersion.flow_id, func.count()).group_by(FlowVersion.flow_id)
            )
            versions = {flow_id: count for flow_id, count in per_flow}
            topics = await session.scalar(select(func.count()).select_from(Topic))
            consultations = await session.scalar(select(func.count()).select_from(Consultation))
            ideas = (await session.scalars(select(Idea.title))).all()
    finally:
        await engine.dispose()
    assert versions
    assert set(versions.values()) == {1}  # every shipped flow published once
    assert topics and consultations  # the demo town is there ...
    assert len(ideas) == len(set(ideas))  # ... once
