"""A stream ticket opens one session's event stream for a minute, and nothing else."""

from __future__ import annotations

from bot.web.chat.tokens import TICKET_SECONDS, sign, stream_ticket, ticket_valid

KEY = "installation-key"
NOW = 1_800_000_000.0


def test_a_ticket_opens_its_own_session_for_a_minute_only() -> None:
    ticket = stream_ticket(KEY, "w-anna", NOW)
    assert ticket_valid(KEY, "w-anna", ticket, NOW + TICKET_SECONDS)
    assert not ticket_valid(KEY, "w-anna", ticket, NOW + TICKET_SECONDS + 1)
    assert not ticket_valid(KEY, "w-bernd", ticket, NOW)
    assert not ticket_valid("another-installation", "w-anna", ticket, NOW)
    # a later expiry written into the ticket breaks its signature
    forged = f"{int(NOW) + 3600}.{ticket.partition('.')[2]}"
    assert not ticket_valid(KEY, "w-anna", forged, NOW)
    # neither the token nor anything but a ticket passes
    assert not ticket_valid(KEY, "w-anna", sign(KEY, "w-anna"), NOW)
    for odd in ("", ".", "²³.x", "9" * 30 + ".x", "ä.ö"):
        assert not ticket_valid(KEY, "w-anna", odd, NOW)
