"""Editing the intent training data while the bot runs: draft, check, train, evaluate, activate.

The data is a set of Rasa-format YAML files by relative name ("intents/greet.yml"). Edits
go into one draft, saved whatever it contains; training turns the draft into a version,
trains it in a worker thread (the event loop keeps answering citizens) and scores it by
cross-validation; activating a trained version makes the running bot use it. With no
active version the installation's data serves (the shipped data unless MITREDEN_NLU_DATA
names another folder).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from nlu.cross_validation import cross_validate
from nlu.data_problems import Problem, TrainingDataError
from nlu.embedded import EmbeddedRecognizer, train
from nlu.evaluation import Evaluation
from nlu.training_data import (
    SHIPPED_DATA,
    TrainingData,
    data_files,
    load_training_data,
    load_training_texts,
)
from nlu.types import IntentRecognizer
from nlu.yaml_limits import first_nul_line
from storage import nlu_versions
from storage.nlu_versions import DataVersion

log = logging.getLogger(__name__)
FOLDS = 5
MISSES_KEPT = 100  # the report lists this many misclassified examples at most
INTERRUPTED = "the training was interrupted (the program stopped); it was started again"
FILE_NAME = re.compile(r"[a-z0-9_-]+(/[a-z0-9_-]+)*\.ya?ml")
MAX_FILE = 500_000  # characters in one file; the largest shipped file has about 12 000


@dataclass(frozen=True)
class Editing:
    """The files the editor shows and where they come from."""

    files: dict[str, str]
    is_draft: bool
    based_on: int | None  # the version the draft started from; None: the installed data


def installed_files(settings: Settings) -> dict[str, str]:
    """The installation's data files by name relative to their folder."""
    root = settings.nlu_data or SHIPPED_DATA
    files = {}
    for path in data_files([root]):
        name = path.relative_to(root).as_posix() if root.is_dir() else path.name
        files[name] = path.read_text(encoding="utf-8")
    return files


async def open_editor(session: AsyncSession, settings: Settings) -> Editing:
    """The draft, or else the newest version, or else the installed data."""
    draft = await nlu_versions.draft(session)
    if draft is not None:
        return Editing(draft.files, True, None)
    newest = await nlu_versions.newest(session)
    if newest is not None:
        return Editing(newest.files, False, newest.id)
    return Editing(installed_files(settings), False, None)


def check_files(files: Mapping[str, str]) -> list[Problem]:
    """Every problem in the data, by file name and line; empty when it can be trained."""
    try:
        load_training_texts(files)
    except TrainingDataError as error:
        return list(error.problems)
    return []


def check_file_name(name: str) -> str | None:
    """Why `name` cannot name a data file, or None when it can."""
    if len(name) > 120 or not FILE_NAME.fullmatch(name):
        return "use a name like intents/greet.yml (lower-case letters, digits, - and _)"
    return None


def unsaveable(name: str, text: str) -> Problem | None:
    """Why `text` cannot even be kept in the draft: too long, or holding a NUL character
    (no database stores one). None when it can be saved."""
    if len(text) > MAX_FILE:
        return Problem(name, 0, "too_long", {"limit": MAX_FILE})
    nul = first_nul_line(text)
    return None if nul is None else Problem(name, nul, "nul_character")


async def save_file(
    session: AsyncSession,
    settings: Settings,
    name: str,
    text: str,
    by: str | None,
    now: datetime,
) -> list[Problem]:
    """Put one file into the draft (always) and return what is wrong with the whole data.

    An empty text removes the file from the draft.
    """
    editing = await open_editor(session, settings)
    files = dict(editing.files)
    if text.strip():
        files[name] = text.replace("\r\n", "\n")
    else:
        files.pop(name, None)
    await nlu_versions.save_draft(session, files, by, now)
    return check_files(files)


async def discard_draft(session: AsyncSession) -> None:
    await nlu_versions.drop_draft(session)


@dataclass(frozen=True)
class Progress:
    """Where a training run is: `done` of `total` steps, in words."""

    version_id: int
    done: int
    total: int
    step: str

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def report_of(
    evaluation: Evaluation, data: TrainingData, seconds: float, folds: int = FOLDS
) -> dict[str, Any]:
    """The evaluation as stored with the version (plain JSON)."""
    return {
        "method": f"{folds}-fold cross-validation",
        "folds": folds,
        "examples": len(data.examples),
        "intents": len(data.intents()),
        "accuracy": round(evaluation.accuracy, 4),
        "macro_f1": round(sum(s.f1 for s in evaluation.scores) / len(evaluation.scores), 4)
        if evaluation.scores
        else 0.0,
        "scores": [
            {
                "intent": s.intent,
                "precision": round(s.precision, 3),
                "recall": round(s.recall, 3),
                "f1": round(s.f1, 3),
                "support": s.support,
            }
            for s in evaluation.scores
        ],
        "confusions": [[e, p, n] for e, p, n in evaluation.confusions],
        "misses": [
            {
                "text": m.text,
                "expected": m.expected,
                "predicted": m.predicted,
                "confidence": round(m.confidence, 2),
            }
            for m in evaluation.misses[:MISSES_KEPT]
        ],
        "seconds": round(seconds, 1),
    }


def train_and_evaluate(
    files: Mapping[str, str],
    cache_dir: Path | None,
    progress: Callable[[int, int, str], None],
    folds: int = FOLDS,
) -> dict[str, Any]:
    """The blocking part, for a worker thread: score by cross-validation, then train the model
    on all data into the cache, so activating the version later is immediate."""
    started = time.perf_counter()
    total = folds + 2
    progress(0, total, "checking the data")
    data = load_training_texts(files)

    def fold_done(done: int, parts: int) -> None:
        progress(1 + done, total, f"evaluating: part {done} of {parts} done")

    fold_done(0, folds)
    evaluation = cross_validate(data, folds=folds, progress=fold_done)
    progress(1 + folds, total, "training the model on all data")
    train(data, cache_dir)
    progress(total, total, "done")
    return report_of(evaluation, data, time.perf_counter() - started, folds)


class Trainer:
    """Runs trainings in worker threads, one at a time, and knows how far each has got."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings
        self._progress: dict[int, Progress] = {}
        self._finished: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._one_at_a_time = asyncio.Lock()

    def progress(self, version_id: int) -> Progress | None:
        return self._progress.get(version_id)

    async def start(self, by: str | None, now: datetime) -> int | list[Problem]:
        """Turn the draft into a version and train it in the background; its id, or the
        problems that stop it (the draft stays as it was then)."""
        async with self._sessions() as session, session.begin():
            draft = await nlu_versions.draft(session)
            if draft is None:
                return [Problem("-", 0, "nothing_to_train")]
            problems = check_files(draft.files)
            if problems:
                return problems
            await nlu_versions.set_status(session, draft.id, nlu_versions.TRAINING, now)
        folds = self._settings.nlu_evaluation_folds
        self._progress[draft.id] = Progress(draft.id, 0, folds + 2, "waiting")
        task = asyncio.create_task(self._run(draft.id, draft.files))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return draft.id

    async def train_again(self, version_id: int, by: str | None, now: datetime) -> int | None:
        """Train a failed or interrupted version's files again, as a new version.

        None when that version is neither (a training running in this process, or done)."""
        async with self._sessions() as session, session.begin():
            version = await nlu_versions.get(session, version_id)
            running_here = version_id in self._progress and version_id not in self._finished
            if version is None or running_here:
                return None
            if version.status == nlu_versions.TRAINING:
                await nlu_versions.set_status(
                    session, version_id, nlu_versions.FAILED, now, error=INTERRUPTED
                )
            elif version.status != nlu_versions.FAILED:
                return None
            await nlu_versions.save_draft(session, version.files, by, now)
        started = await self.start(by, now)
        return started if isinstance(started, int) else None

    async def wait(self) -> None:
        """Until every started training has finished (for shutdown and tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _run(self, version_id: int, files: Mapping[str, str]) -> None:
        loop = asyncio.get_running_loop()

        def report(done: int, total: int, step: str) -> None:  # called in the worker thread
            update = Progress(version_id, done, total, step)
            loop.call_soon_threadsafe(self._progress.__setitem__, version_id, update)

        async with self._one_at_a_time:
            try:
                result = await asyncio.to_thread(
                    train_and_evaluate,
                    files,
                    self._settings.nlu_cache_dir,
                    report,
                    self._settings.nlu_evaluation_folds,
                )
                status, error = nlu_versions.READY, None
            except Exception as problem:  # shown to the administrator; the bot is unaffected
                log.exception("training intent data version %d failed", version_id)
                result, status, error = None, nlu_versions.FAILED, str(problem)
            async with self._sessions() as session, session.begin():
                await nlu_versions.set_status(
                    session, version_id, status, datetime.now(UTC), report=result, error=error
                )
            self._finished.add(version_id)


async def activate(
    session: AsyncSession, version_id: int | None, now: datetime
) -> DataVersion | str | None:
    """Mark a trained version active (None: go back to the installed data).

    Returns the version, None for the installed data, or a message why it cannot be used.
    """
    if version_id is None:
        await nlu_versions.activate(session, None, now)
        return None
    version = await nlu_versions.get(session, version_id)
    if version is None or version.status != nlu_versions.READY:
        return "only a trained version can be used; train it first"
    await nlu_versions.activate(session, version_id, now)
    return version


def embedded_part(recognizer: IntentRecognizer) -> EmbeddedRecognizer | None:
    """The in-process model of a recogniser: itself, or the fallback of the Rasa client or of
    the sentence-embedding recogniser."""
    if isinstance(recognizer, EmbeddedRecognizer):
        return recognizer
    fallback = getattr(recognizer, "fallback", None)
    return fallback if isinstance(fallback, EmbeddedRecognizer) else None


def private_copy(recognizer: IntentRecognizer) -> IntentRecognizer:
    """A recogniser for a throw-away bot: the same model, but what that bot teaches it (its
    demo topics) stays with it. Only the in-process model is used, never a Rasa server."""
    embedded = embedded_part(recognizer)
    return recognizer if embedded is None else embedded.twin()


async def serve_data(recognizer: IntentRecognizer, files: Mapping[str, str] | None) -> bool:
    """Let `recognizer` answer from `files` (None: its installed data) from the next message
    on. Training (or loading from the cache) runs in a worker thread. False when the
    recogniser has no in-process model to switch."""
    embedded = embedded_part(recognizer)
    if embedded is None:
        return False
    paths = embedded.data_paths

    def prepare() -> Any:
        data = load_training_texts(files) if files is not None else load_training_data(paths)
        return embedded.prepare(data)

    embedded.use(await asyncio.to_thread(prepare))
    if embedded is not recognizer and hasattr(recognizer, "finder"):
        # the Rasa client finds entities with the embedded data's lookups and synonyms
        recognizer.finder = embedded.loaded.finder
    return True
