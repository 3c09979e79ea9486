"""The composition root: the one place that builds the parts and connects them."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels.base import ChannelAdapter
from bot.config import Settings
from bot.delivery import DeliveryWorker
from bot.dispatcher import DispatchSettings, Dispatcher
from bot.store_services import StoreServices
from flows.library import FlowLibrary, FlowSource, load_definitions
from flows.services import Services
from nlu.factory import create_recognizer
from nlu.types import IntentRecognizer
from storage import flow_versions
from storage.database import create_engine, is_sqlite, normalise_url, session_factory
from storage.migrate import upgrade_async
from storage.seed import seed_demo

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    recognizer: IntentRecognizer
    dispatcher: Dispatcher
    worker: DeliveryWorker
    adapters: Mapping[str, ChannelAdapter]
    library: FlowLibrary = field(default_factory=lambda: FlowLibrary.from_sources([]))

    async def reload_flows(self) -> None:
        """Read every stored flow version again (after an administrator published one)."""
        async with self.sessions() as session:
            stored = await flow_versions.all_versions(session)
        self.library = FlowLibrary.from_sources(
            FlowSource(row.flow_id, row.version, row.source, f"{row.flow_id}@v{row.version}")
            for row in stored
        )

    async def close(self) -> None:
        self.worker.stop()
        await self.engine.dispose()


def services_for(session: AsyncSession, channel: str) -> Services:
    return StoreServices(session, channel)


def _new_sqlite_file(url: str) -> bool:
    if not is_sqlite(url):
        return False
    database = make_url(url).database
    return not database or database == ":memory:" or not Path(database).exists()


async def prepare_database(settings: Settings) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """Migrate the schema, publish the shipped flows and, on a new demo install, seed it."""
    url = normalise_url(settings.database_url)
    fresh = _new_sqlite_file(url)
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        shipped = load_definitions(settings.flows_dir)
        await flow_versions.publish_shipped(session, [(flow_id, source) for flow_id, _, source in shipped], now)
        if settings.demo_data == "true" or (settings.demo_data == "auto" and fresh):
            if await seed_demo(session, now):
                log.info("loaded the demo town into the new database")
    return engine, sessions


async def teach_recognizer(recognizer: IntentRecognizer, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Give the recogniser the names of this town's topics, so "Radweg" finds its topic."""
    set_lookup = getattr(recognizer, "set_lookup", None)
    if set_lookup is None:
        return
    async with sessions() as session:
        services = StoreServices(session, "system")
        names: dict[str, list[str]] = {}
        for language in ("de", "en"):
            for topic in await services.topics(language):
                names.setdefault(topic.slug, []).append(topic.name)
    set_lookup("topic", names)


async def build_app(
    settings: Settings,
    adapters: Mapping[str, ChannelAdapter],
    recognizer: IntentRecognizer | None = None,
) -> App:
    """Everything wired; `recognizer` lets tests share one trained model between bots."""
    engine, sessions = await prepare_database(settings)
    recognizer = recognizer or create_recognizer(
        backend=settings.nlu_backend,
        data_paths=[settings.nlu_data] if settings.nlu_data else None,
        rasa_url=settings.rasa_url,
        cache_dir=settings.nlu_cache_dir,
        timeout=settings.rasa_timeout,
        threshold=settings.nlu_threshold,
    )
    await teach_recognizer(recognizer, sessions)
    worker = DeliveryWorker(
        sessions,
        adapters,
        batch=settings.delivery_batch,
        release_after=timedelta(0) if is_sqlite(settings.database_url) else timedelta(minutes=2),
    )
    app_ref: list[App] = []
    dispatcher = Dispatcher(
        sessions,
        recognizer,
        library=lambda: app_ref[0].library,
        services=services_for,
        settings=DispatchSettings(
            default_language=settings.default_language,
            formal=settings.formal,
            variables=settings.variables(),
        ),
        on_commit=worker.wake,
    )
    app = App(settings, engine, sessions, recognizer, dispatcher, worker, adapters)
    app_ref.append(app)
    await app.reload_flows()
    return app
