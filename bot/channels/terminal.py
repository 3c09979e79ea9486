"""The terminal channel: a citizen chatting in a shell, or a script piping lines in and out."""

from __future__ import annotations

import json
import os
from typing import TextIO

from bot.channels.base import Capabilities, InboundSink, SendResult
from bot.messages import Outbound
from flows.types import Reply

CHANNEL = "terminal"
# messages for a terminal user who is not the one at this terminal wait in the outbox
ABSENT_RETRY_SECONDS = 30.0


def format_plain(reply: Reply) -> str:
    """Text, then options as a numbered list (typing the number or the text picks one)."""
    lines = [reply.text]
    lines += [f"  {number}) {option.label}" for number, option in enumerate(reply.options, start=1)]
    if reply.attachment is not None:
        lines += [f"--- {reply.attachment.filename} ---", reply.attachment.content, "---"]
    return "\n".join(lines)


def format_json(reply: Reply) -> str:
    body: dict[str, object] = {
        "text": reply.text,
        "options": [option.label for option in reply.options],
    }
    if reply.attachment is not None:
        body["attachment"] = {
            "filename": reply.attachment.filename,
            "content": reply.attachment.content,
        }
    return json.dumps(body, ensure_ascii=False)


class TerminalChannel:
    """Prints the replies meant for the one user at this terminal.

    When the reader of the output goes away (`mitreden chat --json | head`), `closed`
    turns true and nothing more is written: the chat ends quietly.
    """

    name = CHANNEL
    capabilities = Capabilities(buttons=False, max_length=1_000_000, files=True)

    def __init__(self, user: str, out: TextIO, json_lines: bool = False) -> None:
        self.user = user
        self._out = out
        self._json = json_lines
        self.closed = False

    async def start(self, sink: InboundSink) -> None:
        """Input is read by the chat loop, which calls the dispatcher itself."""

    async def stop(self) -> None:
        self.show("")

    async def send(self, message: Outbound) -> SendResult:
        if message.address != self.user:
            return SendResult("retry", "that citizen is not at this terminal", ABSENT_RETRY_SECONDS)
        text = format_json(message.reply) if self._json else "\n" + format_plain(message.reply)
        if not self.show(text + "\n"):
            return SendResult("failed", "nobody reads this terminal's output any more")
        return SendResult.sent()

    def end_turn(self) -> None:
        if self._json:
            self.show('{"turn_end": true}\n')

    def show(self, text: str) -> bool:
        """Write and flush; False once the reader has gone."""
        if self.closed:
            return False
        try:
            self._out.write(text)
            self._out.flush()
        except BrokenPipeError:
            self.closed = True
            _silence(self._out)
            return False
        return True


def _silence(out: TextIO) -> None:
    """Point the closed pipe at /dev/null: Python flushes standard output once more on
    exit, and would print a BrokenPipeError there."""
    try:
        descriptor = out.fileno()
    except (OSError, ValueError):  # not a file (a test's StringIO)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)
