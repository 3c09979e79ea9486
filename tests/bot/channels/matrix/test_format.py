"""How replies look on Matrix, and what a refused send means (no homeserver needed)."""

from __future__ import annotations

from nio import RoomSendError

from bot.channels.matrix.errors import send_failure
from bot.channels.matrix.event_size import encrypted_bytes, fits
from bot.channels.matrix.format import reply_contents
from flows.types import Attachment, Option, Reply
from tests.bot.channels.matrix.exports import heavy_export

ROOM = "!room:localhost"


def test_a_long_reply_is_split_at_paragraphs_and_the_options_follow_the_last_piece() -> None:
    text = "\n\n".join(f"Absatz {n}: " + "Wort " * 40 for n in range(10))
    pieces = reply_contents(Reply(text, (Option("Weiter", "next"),)), budget=6_000)
    assert len(pieces) > 1
    assert all(fits(p, 6_000) for p in pieces)
    assert all(p["msgtype"] == "m.notice" for p in pieces)
    assert pieces[0]["body"].startswith("Absatz 0:")
    assert pieces[-1]["body"].endswith("1. Weiter")
    assert "<ol>" not in "".join(p["formatted_body"] for p in pieces[:-1])
    joined = " ".join(p["body"] for p in pieces)
    assert all(f"Absatz {n}:" in joined for n in range(10))


def test_line_breaks_become_html_breaks_and_markup_is_escaped() -> None:
    (content,) = reply_contents(Reply('Erste Zeile\n<a href="x">zweite</a>'))
    assert content["body"] == 'Erste Zeile\n<a href="x">zweite</a>'
    assert content["formatted_body"] == 'Erste Zeile<br>&lt;a href="x"&gt;zweite&lt;/a&gt;'
    assert content["format"] == "org.matrix.custom.html"


def test_a_data_export_is_shown_in_the_chat_as_code() -> None:
    reply = Reply("Ihre Daten:", attachment=Attachment("daten.json", '{"name": "<Anna>"}'))
    text, export = reply_contents(reply)
    assert text["body"] == "Ihre Daten:"
    assert export["body"] == 'daten.json\n{"name": "<Anna>"}'
    assert "<pre><code>{&quot;name&quot;: &quot;&lt;Anna&gt;&quot;}</code></pre>" in (
        export["formatted_body"].replace('"', "&quot;")
    )


def test_options_without_text_are_still_shown() -> None:
    (content,) = reply_contents(Reply("", (Option("Ja", "y"), Option("Nein", "n"))))
    assert content["body"] == "1. Ja\n2. Nein"


def test_a_rate_limit_asks_for_the_homeservers_wait() -> None:
    error = RoomSendError.from_dict(
        {"errcode": "M_LIMIT_EXCEEDED", "error": "Too many requests", "retry_after_ms": 2500},
        ROOM,
    )
    result = send_failure(error)
    assert (result.outcome, result.retry_after) == ("retry", 2.5)


def test_a_refused_room_stops_deliveries_and_a_passing_error_retries() -> None:
    forbidden = RoomSendError.from_dict({"errcode": "M_FORBIDDEN", "error": "not in room"}, ROOM)
    assert send_failure(forbidden).outcome == "blocked"
    unknown = RoomSendError.from_dict({"errcode": "M_UNKNOWN", "error": "database busy"}, ROOM)
    assert send_failure(unknown).outcome == "retry"
    too_large = RoomSendError.from_dict(
        {"errcode": "M_TOO_LARGE", "error": "event too large"}, ROOM
    )
    assert send_failure(too_large).outcome == "failed"


def test_a_large_german_export_is_cut_into_events_the_homeserver_takes_losing_nothing() -> None:
    document = heavy_export()
    contents = reply_contents(Reply("Ihre Daten:", attachment=Attachment("daten.json", document)))
    pieces = contents[1:]
    assert len(pieces) > 1
    assert all(fits(content) for content in contents)
    assert all(encrypted_bytes(content) > 40_000 for content in pieces[:-1])  # not wasteful
    titles = [p["body"].split("\n", 1)[0] for p in pieces]
    assert titles == [f"daten.json ({n}/{len(pieces)})" for n in range(1, len(pieces) + 1)]
    assert "".join(p["body"].split("\n", 1)[1] for p in pieces) == document
