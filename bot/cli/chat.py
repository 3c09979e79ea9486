"""`mitreden chat`: a conversation in the terminal, typed by a person or piped by a script."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.app import build_app
from bot.channels.terminal import CHANNEL, TerminalChannel
from bot.config import Settings
from bot.messages import ConversationKey, InboundMessage

HINT = {
    "de": "Schreiben Sie eine Nachricht, zum Beispiel „Hallo“. "
    "Sie können auch mit der Nummer einer Auswahl antworten. Ende mit Strg+D.",
    "en": "Type a message, for example “Hello”. "
    "You can also answer with the number of an option. Quit with Ctrl+D.",
}


async def chat(
    settings: Settings,
    user: str,
    language: str | None,
    json_lines: bool,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    channel = TerminalChannel(user, stdout, json_lines)
    app = await build_app(settings, {CHANNEL: channel})
    await app.start(app.dispatcher.handle_and_forget)
    interactive = stdin.isatty() and not json_lines
    if interactive:
        stdout.write(HINT.get(language or settings.default_language, HINT["de"]) + "\n")
    try:
        while True:
            if interactive:
                stdout.write("\n> ")
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            text = line.rstrip("\r\n")
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
