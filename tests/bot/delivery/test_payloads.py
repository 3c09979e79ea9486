from __future__ import annotations

from bot.delivery.payloads import payload_to_reply, reply_to_payload
from flows.types import Attachment, Option, Reply


def test_a_reply_survives_the_trip_through_the_outbox() -> None:
    reply = Reply(
        "Ihre Daten <b>",
        (Option("Menü", "/hilfe"), Option("Löschen", "/loeschen")),
        Attachment("meine-daten.json", '{"ideas": []}'),
    )
    assert payload_to_reply(reply_to_payload(reply)) == reply


def test_a_plain_reply_has_no_attachment() -> None:
    assert payload_to_reply({"text": "Hallo"}) == Reply("Hallo")
