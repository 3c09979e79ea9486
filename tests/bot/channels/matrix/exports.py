"""A German data export of the largest size a citizen realistically reaches.

A citizen active for years, with the messages of the last 30 days (the outbox keeps no
more by default): umlauts, quotes and line breaks all grow when a client escapes and
encrypts them, which is what makes a German export large on Matrix.
"""

from __future__ import annotations

import json
from typing import Any

_GERMAN = (
    "Grüße aus Süd-Ost! Über die Brücke „Süderstraße“ fährt man nachts gefährlich – "
    "Fußgänger müssen ausweichen. Können Sie für Änderungen sorgen? Außerdem würde ich "
    "gern wissen, wann das Bürgerbüro öffnet. Schöne Grüße, Jürgen Müller. "
)
# the bot's own texts, as the exported messages hold them
_BOT = (
    "Danke! Ihre Frage ist bei der Verwaltung angekommen. ✅\n"
    "Die Antwort bekommen Sie hier im Chat. Den Stand sehen Sie unter „Meine Beiträge“. 📄\n"
    "💡 Neuigkeiten zum Thema „Verkehr“: Die Brücke über die Süderstraße öffnet wieder. 👋 "
)


def _text(length: int, seed: int, source: str = _GERMAN) -> str:
    words = (source * (length // len(source) + 2))[seed % 40 :]
    return words[:length].rstrip() + f" (Nr. {seed})"


def heavy_export() -> str:
    """The export of a very active citizen, as the bot writes it (JSON, indented)."""
    data: dict[str, Any] = {
        "format": "mitreden-personal-data",
        "format_version": 1,
        "citizen": {"id": 4711, "language": "de", "consent_version": "2026-11"},
        "questions": [
            {"ref": f"Q-{n}", "text": _text(800, n), "answer": _text(1500, n + 1), "public": True}
            for n in range(25)
        ],
        "ideas": [
            {
                "ref": f"I-{n}",
                "title": f"Sitzbänke am Marktplatz {n}",
                "description": _text(1500, n),
                "history": [{"status": s, "note": _text(200, n)} for s in ("new", "review")],
            }
            for n in range(15)
        ],
        "participations": [
            {
                "consultation": f"umfrage-{n}",
                "answers": [{"question": f"q{k}", "value": _text(200, k)} for k in range(10)],
            }
            for n in range(8)
        ],
        "messages": [
            {"channel": "matrix", "state": "sent", "text": _text(300, n, _BOT)} for n in range(400)
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
