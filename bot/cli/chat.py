"""`mitreden chat`: a conversation in the terminal, typed by a person or piped by a script."""

from __future__ import annotations

import asyncio
import io
import re
import sys
from typing import TextIO

from bot.app import build_app
from bot.channels.terminal import CHANNEL, TerminalChannel
from bot.config import Settings
from bot.messages import REPLACEMENT, ConversationKey, InboundMessage

HINT = {
    "de": "Schreiben Sie eine Nachricht, zum Beispiel „Hallo“. "
    "Sie können auch mit der Nummer einer Auswahl antworten. Ende mit Strg+D.",
    "en": "Type a message, for example “Hello”. "
    "You can also answer with the number of an option. Quit with Ctrl+D.",
}
INVALID_BYTES = {
    "de": "Hinweis: Ihre Eingabe enthielt Bytes, die kein gültiges {encoding} sind; sie wurden "
    "als „�“ weitergegeben. Stellen Sie Ihr Terminal auf UTF-8 um, wenn das öfter passiert.",
    "en": "Note: your input contained bytes that are not valid {encoding}; they were passed on "
    "as “�”. Switch your terminal to UTF-8 if this keeps happening.",
}
# what undecodable bytes become when read with errors="surrogateescape"
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")


async def chat(
    settings: Settings,
    user: str,
    language: str | None,
    json_lines: bool,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    stderr: TextIO | None = None,
) -> int:
    """Returns the exit code: 0, also when the reader of the output left early (`| head`)."""
    channel = TerminalChannel(user, stdout, json_lines)
    speak = language or settings.default_language
    app = await build_app(settings, {CHANNEL: channel})
    await app.start(app.dispatcher.handle_and_forget)
    interactive = stdin.isatty() and not json_lines
    _tolerate_invalid_bytes(stdin)
    if interactive:
        channel.show(HINT.get(speak, HINT["de"]) + "\n")
    try:
        while not channel.closed:
            if interactive:
                channel.show("\n> ")
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            text, replaced = _ESCAPED_BYTES.subn(REPLACEMENT, line.rstrip("\r\n"))
            if replaced:
                warning = INVALID_BYTES.get(speak, INVALID_BYTES["de"])
                encoding = getattr(stdin, "encoding", None) or "UTF-8"
                print(warning.format(encoding=encoding), file=stderr or sys.stderr)
            queued = await app.dispatcher.handle(
                InboundMessage(
                    key=ConversationKey(CHANNEL, user, user), text=text, language_hint=language
                )
            )
            await app.worker.wait_until_delivered(queued)
            channel.end_turn()
    finally:
        await app.close()
    return 0


def _tolerate_invalid_bytes(stdin: TextIO) -> None:
    """Under a strict UTF-8 locale one wrong byte would end the chat with a traceback; read
    such bytes as escapes instead, which the loop reports and replaces."""
    if isinstance(stdin, io.TextIOWrapper):
        stdin.reconfigure(errors="surrogateescape")
