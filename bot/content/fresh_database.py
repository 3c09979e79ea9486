"""Throw-away SQLite databases for conversation tests, copied from one migrated template.

Every replay of a conversation test needs a database of its own. Migrating a new file takes
a third of a second; copying an already migrated file and finding it at the newest revision
takes a tenth of that. Publishing a flow replays all of its tests on every channel, so the
copies make an administrator's wait (and the test suite) several times shorter.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
import threading
from pathlib import Path

from storage.migrate import upgrade_async

_lock = threading.Lock()
_template: Path | None = None


def fresh_database_url(folder: Path) -> str:
    """The URL of a new, migrated SQLite file inside `folder` (which the caller removes)."""
    target = folder / "bot.db"
    shutil.copyfile(_migrated_template(), target)
    return f"sqlite:///{target}"


def _migrated_template() -> Path:
    # replays run in worker threads, each with its own event loop: the template is made once,
    # by whichever thread comes first, on a loop of its own
    global _template
    with _lock:
        if _template is None:
            folder = Path(tempfile.mkdtemp(prefix="mitreden-template-"))
            atexit.register(shutil.rmtree, folder, True)
            path = folder / "template.db"
            _run_in_new_loop(path)
            _template = path
        return _template


def _run_in_new_loop(path: Path) -> None:
    done: list[BaseException | None] = []

    def migrate() -> None:
        try:
            asyncio.run(upgrade_async(f"sqlite:///{path}"))
            done.append(None)
        except BaseException as error:  # handed to the calling thread below
            done.append(error)

    worker = threading.Thread(target=migrate, name="mitreden-template")
    worker.start()
    worker.join()
    if done and done[0] is not None:
        raise done[0]
