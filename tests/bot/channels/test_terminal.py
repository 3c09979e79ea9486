from __future__ import annotations

import io
import json

from bot.channels.terminal import TerminalChannel, format_plain
from bot.messages import Outbound
from flows.types import Attachment, Option, Reply


def test_options_are_shown_as_a_numbered_list() -> None:
    text = format_plain(
        Reply("Was möchten Sie tun?", (Option("Frage stellen", "a"), Option("Idee", "b")))
    )
    assert text.splitlines() == ["Was möchten Sie tun?", "  1) Frage stellen", "  2) Idee"]


async def test_json_lines_carry_text_options_and_attachment() -> None:
    out = io.StringIO()
    channel = TerminalChannel("anna", out, json_lines=True)
    reply = Reply(
        "Hier sind Ihre Daten.", (Option("Menü", "/hilfe"),), Attachment("daten.json", "{}")
    )
    result = await channel.send(Outbound(1, "terminal", "anna", reply))
    channel.end_turn()
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert result.outcome == "sent"
    assert lines == [
        {
            "text": "Hier sind Ihre Daten.",
            "options": ["Menü"],
            "attachment": {"filename": "daten.json", "content": "{}"},
        },
        {"turn_end": True},
    ]


async def test_messages_for_someone_else_wait_in_the_outbox() -> None:
    out = io.StringIO()
    channel = TerminalChannel("anna", out)
    result = await channel.send(Outbound(1, "terminal", "bernd", Reply("Antwort für Bernd")))
    assert result.outcome == "retry"
    assert result.retry_after is not None
    assert out.getvalue() == ""
