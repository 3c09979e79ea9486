"""The composition root: the one place that builds the parts and connects them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels.base import ChannelAdapter, InboundSink
from bot.channels.web import CHANNEL as WEB_CHANNEL
from bot.channels.web import WebChannel
from bot.civic.photos import PhotoRules
from bot.civic.services import StoreServices
from bot.config import Settings
from bot.content.conversation_tests import BuildBot
from bot.content.intent_data import Trainer, serve_data
from bot.content.simulator import Simulators
from bot.conversations import Conversations
from bot.delivery.callback import CHANNEL as CALLBACK_CHANNEL
from bot.delivery.rate_limits import RateLimits
from bot.delivery.worker import DeliveryWorker
from bot.dispatcher import Dispatcher, DispatchSettings
from bot.web.chat.cors import parse_origins
from bot.web.chat.limits import MAX_STREAMS_PER_SESSION, RateLimiter, StreamSlots
from bot.web.chat.runtime import ChatRuntime
from bot.web.server import WebServer, create_web_app
from flows.library import DEFINITIONS, FlowLibrary, FlowSource, load_definitions
from flows.validation import FlowError, validate_paths
from nlu.decision import DecisionSettings
from nlu.factory import create_recognizer
from nlu.parse_cache import ParseCache
from nlu.training_data import TrainingDataError
from nlu.types import IntentRecognizer
from storage import flow_drafts, flow_versions, nlu_versions, site_texts
from storage.content_cache import ContentCache
from storage.database import create_engine, is_sqlite, normalise_url, session_factory
from storage.migrate import serialise_start, upgrade_async
from storage.seed import ensure_default_topics, seed_demo
from storage.web_chat import signing_key

log = logging.getLogger(__name__)

ServicesForTurn = Callable[[AsyncSession | Callable[[], AsyncSession], str], StoreServices]


@dataclass
class Served:
    """What administrators published, as this process serves it now."""

    library: FlowLibrary = field(default_factory=lambda: FlowLibrary.from_sources([]))
    flows_seen: int = 0  # the newest flow version row this process has loaded
    nlu_serving: int | None = None  # the intent data version the recogniser answers from


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    recognizer: IntentRecognizer
    dispatcher: Dispatcher
    worker: DeliveryWorker
    adapters: Mapping[str, ChannelAdapter]
    dispatcher_settings: DispatchSettings
    # the store for one message, shared by the dispatcher and the staff pages (their cache)
    services: ServicesForTurn
    chat: ChatRuntime
    served: Served
    # how to build another whole bot (conversation tests, the flow simulator): this very
    # function, handed over so administration code never imports the composition root
    build_bot: BuildBot
    trainer: Trainer  # trainings of intent data, one at a time
    delivering: asyncio.Task[None] | None = None
    watching: asyncio.Task[None] | None = None
    # the administrators' tools: chats with draft flows, trainings of intent data
    simulators: Simulators = field(default_factory=Simulators)

    @property
    def library(self) -> FlowLibrary:
        return self.served.library

    async def reload_flows(self) -> None:
        """Read every stored flow version again (after an administrator published one)."""
        async with self.sessions() as session:
            newest = await flow_drafts.newest_version_id(session)
            stored = await flow_versions.all_versions(session)
        self.served.library = FlowLibrary.from_sources(
            FlowSource(row.flow_id, row.version, row.source, f"{row.flow_id}@v{row.version}")
            for row in stored
        )
        self.served.flows_seen = newest

    async def refresh_content(self) -> None:
        """Pick up flows and intent data published by any process (two cheap queries when
        nothing changed): the web app's process switches at once, the others here."""
        async with self.sessions() as session:
            newest = await flow_drafts.newest_version_id(session)
            active = await nlu_versions.active(session)
            edited = await site_texts.flow_variables(session)
        self._use_site_texts(edited)
        if newest != self.served.flows_seen:
            await self.reload_flows()
        active_id = None if active is None else active.id
        if active_id != self.served.nlu_serving:
            try:
                await serve_data(self.recognizer, None if active is None else active.files)
            except TrainingDataError as error:  # cannot happen to a trained version; be safe
                log.error("intent data version %s cannot be used: %s", active_id, error)
            self.served.nlu_serving = active_id  # not again every few seconds

    def _use_site_texts(self, edited: Mapping[str, str]) -> None:
        """Texts edited in the staff app (the privacy notice) reach the next message; the
        dispatcher shares this very dict."""
        wanted = {**self.settings.variables(), **edited}
        variables = self.dispatcher_settings.variables
        if variables != wanted:
            variables.clear()
            variables.update(wanted)

    async def _watch_content(self) -> None:
        while True:
            await asyncio.sleep(self.settings.content_check_seconds)
            try:
                await self.refresh_content()
            except Exception:  # a database hiccup or broken data: keep serving, try again
                log.exception("could not check for new flows or intent data")

    async def start(self, sink: InboundSink) -> None:
        """Start delivering, then let every channel hand its messages to `sink`."""
        self.delivering = asyncio.create_task(self.worker.run())
        self.watching = asyncio.create_task(self._watch_content())
        for adapter in self.adapters.values():
            await adapter.start(sink)

    async def close(self) -> None:
        """Channels first (messages in hand are finished), then deliveries, then the rest."""
        for adapter in self.adapters.values():
            await adapter.stop()
        for closer in (self.simulators.close_all, self.trainer.wait):
            try:
                await closer()
            except Exception:  # one part failing to stop must not keep the others running
                log.exception("stopping a part of the app failed")
        self.worker.stop()
        if self.watching is not None:
            self.watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.watching
            self.watching = None
        if self.delivering is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.delivering
            self.delivering = None
        await self.recognizer.close()  # the Rasa HTTP session, where there is one
        await self.engine.dispose()


def services_factory(settings: Settings) -> ServicesForTurn:
    """Services over the store for one message's transaction (or a factory that opens it
    when needed); topics and consultations are shared between messages
    (`storage/content_cache.py`)."""
    content = ContentCache(lifetime=settings.content_check_seconds)

    def services_for(
        session: AsyncSession | Callable[[], AsyncSession], channel: str
    ) -> StoreServices:
        return StoreServices(
            session,
            channel,
            publish_ideas=not settings.ideas_need_approval,
            content=content,
            report_radius_m=settings.report_duplicate_radius_m,
            photo_rules=photo_rules(settings),
        )

    return services_for


def photo_rules(settings: Settings) -> PhotoRules:
    return PhotoRules(
        settings.report_photo_dir,
        settings.report_photo_max_bytes,
        settings.report_photo_max_pixels,
        settings.report_photo_store,
    )


def load_shipped_flows(directory: Path | None) -> list[tuple[str, str, str]]:
    """The flow files to publish; a broken one stops the start with every problem named."""
    problems = validate_paths([directory or DEFINITIONS])
    if problems:
        raise FlowError(problems)
    return load_definitions(directory)


def _new_sqlite_file(url: str) -> bool:
    if not is_sqlite(url):
        return False
    database = make_url(url).database
    return not database or database == ":memory:" or not Path(database).exists()


async def prepare_database(
    settings: Settings,
) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """Migrate the schema, publish the shipped flows and, on a new demo install, seed it."""
    url = normalise_url(settings.database_url)
    fresh = _new_sqlite_file(url)
    shipped = load_shipped_flows(settings.flows_dir)  # a broken file stops us before any change
    await upgrade_async(url)
    engine = create_engine(url, pool_size=settings.database_pool_size)
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        await serialise_start(session)  # other processes starting now wait here
        await flow_versions.publish_shipped(
            session, [(flow_id, source) for flow_id, _, source in shipped], now
        )
        wants_demo = settings.demo_data == "true" or (settings.demo_data == "auto" and fresh)
        if wants_demo and await seed_demo(session, now):
            log.info("loaded the demo town into the new database")
        elif await ensure_default_topics(session):
            log.info("added the standard topics; edit them to fit the town")
    return engine, sessions


async def teach_recognizer(
    recognizer: IntentRecognizer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Tell the recogniser this town's topics and consultations by name, so "Radweg" finds
    its topic and "die Spielplatz-Umfrage" its consultation."""
    now = datetime.now(UTC)
    topics: dict[str, list[str]] = {}
    consultations: dict[str, list[str]] = {}
    async with sessions() as session:
        services = StoreServices(session, "system")
        for language in ("de", "en"):
            for topic in await services.topics.listed(language):
                topics.setdefault(topic.slug, []).append(topic.name)
            for status in ("open", "upcoming"):
                for consultation in await services.consultations.listed(language, now, status):
                    consultations.setdefault(str(consultation.id), []).append(consultation.title)
    recognizer.set_lookup("topic", topics)
    recognizer.set_lookup("consultation", consultations)


async def build_app(
    settings: Settings,
    adapters: Mapping[str, ChannelAdapter],
    recognizer: IntentRecognizer | None = None,
) -> App:
    """Everything wired; `recognizer` lets tests share one trained model between bots."""
    engine, sessions = await prepare_database(settings)
    try:
        return await _assemble(settings, adapters, recognizer, engine, sessions)
    except BaseException:
        await engine.dispose()
        raise


async def _assemble(
    settings: Settings,
    adapters: Mapping[str, ChannelAdapter],
    recognizer: IntentRecognizer | None,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
) -> App:
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
        parallel=settings.delivery_parallel,
        limits=RateLimits.from_settings(settings),
    )
    services = services_factory(settings)
    dispatch_settings = DispatchSettings(
        default_language=settings.default_language,
        formal=settings.formal,
        variables=settings.variables(),
        decision=DecisionSettings(
            act=settings.nlu_act_confidence,
            margin=settings.nlu_act_margin,
            ask=settings.nlu_ask_confidence,
        ),
        numbered_channels=frozenset(
            name for name, adapter in adapters.items() if not adapter.capabilities.buttons
        ),
    )
    served = Served()
    dispatcher = Dispatcher(
        sessions,
        ParseCache(recognizer),
        library=lambda: served.library,
        services=services,
        settings=dispatch_settings,
        # one process owns a SQLite file; with PostgreSQL others may write a conversation
        conversations=Conversations(
            sessions,
            shared=not is_sqlite(settings.database_url),
            default_language=settings.default_language,
        ),
        on_commit=worker.wake,
    )
    app = App(
        settings,
        engine,
        sessions,
        recognizer,
        dispatcher,
        worker,
        adapters,
        dispatch_settings,
        services,
        await chat_runtime(settings, sessions, dispatcher, adapters),
        served,
        build_app,
        Trainer(sessions, settings),
    )
    await app.refresh_content()
    return app


async def chat_runtime(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    adapters: Mapping[str, ChannelAdapter],
) -> ChatRuntime:
    """The web chat's routes' share: the signing key comes from the settings or the store."""
    key = _secret(settings.web_chat_secret)
    if key is None:
        async with sessions() as session, session.begin():
            key = await signing_key(session, datetime.now(UTC))
    channel = adapters.get(WEB_CHANNEL)
    return ChatRuntime(
        key=key,
        origins=parse_origins(settings.web_chat_origins),
        per_session=RateLimiter(settings.web_chat_rate_per_session),
        per_address=RateLimiter(settings.web_chat_rate_per_address),
        max_chars=settings.web_chat_max_chars,
        default_language=settings.default_language,
        answer=dispatcher.answer,
        sessions=sessions,
        channel=channel if isinstance(channel, WebChannel) else None,
        new_sessions=RateLimiter(settings.web_chat_sessions_per_address),
        streams=StreamSlots(MAX_STREAMS_PER_SESSION, settings.web_chat_streams_per_address),
        frontend_secret=_secret(settings.web_chat_frontend_secret),
        queue=dispatcher.handle if CALLBACK_CHANNEL in adapters else None,
        max_photo_bytes=settings.report_photo_max_bytes,
    )


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() or None if value is not None else None


def web_server(app: App) -> WebServer:
    """The one HTTP server: web chat, REST channel and staff app, on the configured port."""
    return WebServer(create_web_app(app), app.settings.web_host, app.settings.web_port)
