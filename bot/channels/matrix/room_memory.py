"""What the Matrix channel remembers about its rooms between one event and the next.

In memory: the bot's last yes/no question per room (a 👍 answers it), the thread a citizen
is writing in (answers go there), and the recent texts citizens wrote (a deletion names
only the event, and the text must be found to be forgotten). On disk, in the store
directory: the bot's data exports per room, to take them back after an erasure.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

from bot.channels.matrix.events import YesNoQuestion
from flows.types import Option

EXPORTS = "exports.json"
REMEMBERED_TEXTS = 10_000


class RoomMemory:
    def __init__(self, store_dir: Path) -> None:
        self._exports_file = store_dir / EXPORTS
        self._asked: dict[str, YesNoQuestion] = {}
        self._threads: dict[str, tuple[str, str]] = {}  # room → (thread root, latest event)
        self._texts: OrderedDict[str, tuple[str, str, str]] = OrderedDict()
        self._exports: dict[str, list[str]] = _read(self._exports_file)

    # --- yes/no questions

    def asked(self, room_id: str, event_id: str, options: tuple[Option, ...]) -> None:
        """The bot's latest message with options went out as `event_id`."""
        values = {option.value: option for option in options}
        if "yes" in values and "no" in values:
            english = "yes" in values["yes"].label.lower()
            self._asked[room_id] = YesNoQuestion(event_id, english)
        else:
            self._asked.pop(room_id, None)

    def question(self, room_id: str) -> YesNoQuestion | None:
        return self._asked.get(room_id)

    def answered(self, room_id: str) -> None:
        """A reaction answered the question: a second one must not answer it again."""
        self._asked.pop(room_id, None)

    # --- threads

    def wrote(self, room_id: str, event_id: str, thread: str | None) -> None:
        """A citizen wrote in the room (in `thread`, or in the main timeline)."""
        if thread is None:
            self._threads.pop(room_id, None)
        else:
            self._threads[room_id] = (thread, event_id)

    def thread_relation(self, room_id: str) -> dict[str, Any] | None:
        """How an answer joins the thread the citizen writes in, None for the main timeline."""
        found = self._threads.get(room_id)
        if found is None:
            return None
        root, latest = found
        # clients without threads show the answer as a reply to the citizen's message
        return {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": latest},
        }

    # --- texts citizens wrote

    def text(self, event_id: str, room_id: str, sender: str, text: str) -> None:
        self._texts[event_id] = (room_id, sender, text)
        while len(self._texts) > REMEMBERED_TEXTS:
            self._texts.popitem(last=False)

    def take_text(self, event_id: str) -> tuple[str, str, str] | None:
        """Room, sender and text of a remembered message, forgotten from now on."""
        return self._texts.pop(event_id, None)

    # --- data exports

    def exported(self, room_id: str, event_ids: list[str]) -> None:
        self._exports.setdefault(room_id, []).extend(event_ids)
        _write(self._exports_file, self._exports)

    def exports(self, room_id: str) -> list[str]:
        return list(self._exports.get(room_id, []))

    def forget_exports(self, room_id: str) -> None:
        if self._exports.pop(room_id, None) is not None:
            _write(self._exports_file, self._exports)


def _read(path: Path) -> dict[str, list[str]]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(room): [str(e) for e in events] for room, events in dict(data).items()}


def _write(path: Path, exports: dict[str, list[str]]) -> None:
    """Written whole and then renamed, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(exports, file)
    partial.replace(path)
