"""Replays conversation tests (YAML transcripts) through the real dispatcher and checks replies."""

from __future__ import annotations

import tempfile
import unicodedata
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

import yaml
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import ChannelAdapter
from bot.channels.recording import RecordingChannel
from bot.config import Settings
from bot.content.fresh_database import fresh_database_url
from bot.delivery.worker import DeliveryWorker
from bot.dispatcher import Dispatcher
from bot.messages import ConversationKey, InboundMessage
from flows.types import Location, Option, Reply
from flows.yaml_source import FlowLoader
from nlu.factory import create_recognizer
from nlu.types import IntentRecognizer
from storage import flow_versions

CHANNEL = "test"
TURN_KEYS = {
    "say",
    "press",
    "press_old",
    "location",  # a shared position, [latitude, longitude]
    "who",
    "restart",
    "expect",
    "options",
    "absent",
}
# How each channel presents options, as a test may replay them (`channel:`): with buttons a
# press sends the option's value; with a numbered list the citizen types its number.
PRESENTATIONS = {"telegram": True, "web": True, "terminal": False, "matrix": False}
# The conversation tests that come with mitreden; each names the flows it goes through.
SHIPPED_TRANSCRIPTS = Path(__file__).parents[2] / "flows" / "conversations"


class TranscriptError(ValueError):
    """The test file itself is malformed."""


@dataclass
class Outcome:
    path: Path
    name: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def load_transcript(path: Path, source: str | None = None) -> dict[str, Any]:
    """The test in `path`, or in `source` (an administrator's edit of that test) if given."""
    # read like a flow: within limits, and a citizen who types `yes` or `no` means the word
    try:
        text = path.read_text(encoding="utf-8") if source is None else source
        data = yaml.load(text, Loader=FlowLoader)
    except yaml.YAMLError as error:
        raise TranscriptError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("turns"), list):
        raise TranscriptError(f"{path}: a conversation test needs a list of `turns`")
    for number, turn in enumerate(data["turns"], start=1):
        if not isinstance(turn, dict) or not set(turn) <= TURN_KEYS:
            raise TranscriptError(
                f"{path}: turn {number} may only use {', '.join(sorted(TURN_KEYS))}"
            )
        if "location" in turn and _position(turn["location"]) is None:
            raise TranscriptError(f"{path}: turn {number}: location is [latitude, longitude]")
    flows = data.get("flows", [])
    if not isinstance(flows, list) or not all(isinstance(flow, str) for flow in flows):
        raise TranscriptError(f"{path}: `flows` must be a list of flow ids")
    unknown = [name for name in channels(data) if name is not None and name not in PRESENTATIONS]
    if unknown:
        known = ", ".join(PRESENTATIONS)
        raise TranscriptError(f"{path}: unknown channel {unknown[0]!r} (known: {known})")
    return data


def channels(data: Mapping[str, Any]) -> list[str | None]:
    """The channels a test is replayed as: `channel: terminal` or a list; None for the
    plain test channel (buttons)."""
    wanted = data.get("channel")
    if wanted is None:
        return [None]
    return [str(name) for name in wanted] if isinstance(wanted, list) else [str(wanted)]


def transcripts_for_flow(flow_id: str, directory: Path = SHIPPED_TRANSCRIPTS) -> list[Path]:
    """The conversation tests in `directory` that name `flow_id` under `flows`."""
    found = []
    for path in collect([directory]):
        try:
            if flow_id in load_transcript(path).get("flows", []):
                found.append(path)
        except TranscriptError:
            found.append(path)  # a broken test is shown as failing, never silently skipped
    return found


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def check_replies(replies: Sequence[Reply], turn: dict[str, Any]) -> list[str]:
    """What is wrong with these replies, measured against the turn's expectations."""
    said = "\n".join(reply.text for reply in replies)
    labels = [option.label for reply in replies for option in reply.options]
    problems = []
    for wanted in _as_list(turn.get("expect")):
        if _fold(wanted) not in _fold(said):
            problems.append(f"expected “{wanted}” in the replies")
    for wanted in _as_list(turn.get("options")):
        if not any(_fold(wanted) in _fold(label) for label in labels):
            problems.append(f"expected an option “{wanted}”; offered: {labels}")
    for unwanted in _as_list(turn.get("absent")):
        if _fold(unwanted) in _fold(said):
            problems.append(f"did not expect “{unwanted}” in the replies")
    if problems:
        problems.append("the bot said:\n    " + said.replace("\n", "\n    "))
    return problems


class Bot(Protocol):
    """What a replayed conversation needs of a bot."""

    sessions: async_sessionmaker[AsyncSession]
    dispatcher: Dispatcher
    worker: DeliveryWorker

    async def reload_flows(self) -> None: ...

    async def close(self) -> None: ...


# How to build a whole bot: the composition root's `build_app`, handed in by whoever calls
# (the CLI, the staff app, tests), so administration code never imports the root itself.
BuildBot = Callable[[Settings, Mapping[str, ChannelAdapter], IntentRecognizer], Awaitable[Bot]]


class Conversation:
    """One replayed conversation: a bot over a throw-away database, and who speaks."""

    def __init__(
        self,
        settings: Settings,
        recognizer: IntentRecognizer,
        build: BuildBot,
        language: str | None,
        flows: Sequence[tuple[str, str]] = (),
        buttons: bool = True,
    ) -> None:
        self._settings = settings
        self._recognizer = recognizer
        self._build = build
        self._language = language
        self._flows = list(flows)  # (flow id, source) published over the shipped flows
        self.buttons = buttons
        self.channel = RecordingChannel(CHANNEL, buttons)
        self.app: Bot | None = None
        self.last_replies: dict[str, list[Reply]] = {}
        self.offered_before: dict[str, list[Option]] = {}

    async def start(self) -> None:
        self.app = await self._build(self._settings, {CHANNEL: self.channel}, self._recognizer)
        if self._flows:
            async with self.app.sessions() as session, session.begin():
                for flow_id, source in self._flows:
                    await flow_versions.publish(session, flow_id, source, datetime.now(UTC))
            await self.app.reload_flows()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.close()
            self.app = None

    async def send(
        self, user: str, text: str, choice: str | None = None, location: Location | None = None
    ) -> list[Reply]:
        assert self.app is not None
        await self.app.dispatcher.handle(
            InboundMessage(
                ConversationKey(CHANNEL, user, user),
                text,
                choice=choice,
                language_hint=self._language,
                location=location,
            )
        )
        while await self.app.worker.drain_once():
            pass
        replies = self.channel.take(user)
        self.last_replies[user] = replies
        self.offered_before.setdefault(user, []).extend(o for r in replies for o in r.options)
        return replies

    async def press(self, user: str, label: str, old: bool = False) -> list[Reply] | None:
        """Picks an offered option as this channel lets the citizen: a button press, or
        typing its number in the list shown; `old` presses a button of an earlier message.
        None when no such option was offered."""
        if old:
            found = [o for o in self.offered_before.get(user, []) if _fold(label) in _fold(o.label)]
            if not found:
                return None
            return await self.send(user, found[0].label, choice=found[0].value)
        for reply in reversed(self.last_replies.get(user, [])):
            for number, option in enumerate(reply.options, start=1):
                if _fold(label) in _fold(option.label):
                    if self.buttons:
                        return await self.send(user, option.label, choice=option.value)
                    return await self.send(user, str(number))
        return None

    def option_value(self, user: str, label: str) -> str | None:
        for reply in self.last_replies.get(user, []):
            for option in reply.options:
                if _fold(label) in _fold(option.label):
                    return option.value
        return None


async def run_transcript(
    path: Path,
    settings: Settings,
    recognizer: IntentRecognizer,
    build: BuildBot,
    flows: Sequence[tuple[str, str]] = (),
    source: str | None = None,
) -> Outcome:
    """Replay one test; `flows` (flow id, source) replace the shipped flows of those ids, and
    `source` replaces the test's file (an administrator's edit)."""
    data = load_transcript(path, source)
    outcome = Outcome(path, str(data.get("name", path.stem)))
    for channel in channels(data):
        failures = await _replay(data, settings, recognizer, build, flows, channel)
        prefix = f"[{channel}] " if channel else ""
        outcome.failures += [prefix + failure for failure in failures]
    return outcome


async def _replay(
    data: dict[str, Any],
    settings: Settings,
    recognizer: IntentRecognizer,
    build: BuildBot,
    flows: Sequence[tuple[str, str]],
    channel: str | None,
) -> list[str]:
    """One replay of a test, with options presented as `channel` presents them."""
    failures: list[str] = []
    user = str(data.get("user", "citizen"))
    buttons = PRESENTATIONS.get(channel or "", True)
    with tempfile.TemporaryDirectory(prefix="mitreden-conversation-") as folder:
        local = settings.model_copy(
            update={"database_url": fresh_database_url(Path(folder)), "demo_data": "true"}
        )
        conversation = Conversation(
            local, recognizer, build, data.get("language"), flows, buttons=buttons
        )
        await conversation.start()
        try:
            for number, turn in enumerate(data["turns"], start=1):
                user = str(turn.get("who", user))
                if turn.get("restart"):
                    await conversation.restart()
                pressed = turn.get("press", turn.get("press_old"))
                if pressed is not None:
                    label = str(pressed)
                    found = await conversation.press(user, label, old="press_old" in turn)
                    if found is None:
                        failures.append(f"turn {number}: no option “{label}” was offered")
                        break
                    replies = found
                elif "say" in turn:
                    replies = await conversation.send(user, str(turn["say"]))
                elif "location" in turn:
                    replies = await conversation.send(
                        user, "", location=_position(turn["location"])
                    )
                else:
                    continue
                failures += [
                    f"turn {number}: {problem}" for problem in check_replies(replies, turn)
                ]
        finally:
            await conversation.stop()
    return failures


def collect(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files += sorted(path.rglob("*.yml")) if path.is_dir() else [path]
    return files


async def run_files(paths: Sequence[Path], settings: Settings, build: BuildBot, out: TextIO) -> int:
    files = collect(paths)
    if not files:
        out.write("No conversation tests found.\n")
        return 1
    recognizer = create_recognizer(
        backend="embedded",
        data_paths=[settings.nlu_data] if settings.nlu_data else None,
        cache_dir=settings.nlu_cache_dir,
    )
    failed = 0
    for path in files:
        try:
            outcome = await run_transcript(path, settings, recognizer, build)
        except TranscriptError as error:
            out.write(f"ERROR {error}\n")
            failed += 1
            continue
        out.write(f"{'PASS' if outcome.passed else 'FAIL'} {path}: {outcome.name}\n")
        for failure in outcome.failures:
            out.write(f"  {failure}\n")
        failed += 0 if outcome.passed else 1
    out.write(f"{len(files) - failed} passed, {failed} failed\n")
    return 1 if failed else 0


def _position(value: object) -> Location | None:
    """A transcript's `location: [52.52, 13.40]`."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in value):
        return None
    return Location(float(value[0]), float(value[1]))
