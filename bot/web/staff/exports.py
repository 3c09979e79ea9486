"""Open-data downloads: published ideas, public answers, consultation results and published
problem reports, without anything that points to a person, with the licence they are
published under."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.config import Settings
from bot.staff.audit import record_audit
from bot.web.auth import staff_user
from bot.web.templating import mitreden, render
from storage.export import Format, Kind, export

KINDS = ("ideas", "questions", "consultations", "reports")
FORMATS = ("json", "csv")
_MEDIA = {"json": "application/json", "csv": "text/csv"}


def ascii_fallback(text: str) -> str:
    """`text` for a header's plain form: dashes as "-", accents dropped, no quotes."""
    dashes = text.translate({ord(dash): "-" for dash in "‐‑‒–—―−"})
    plain = unicodedata.normalize("NFKD", dashes).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in plain if c.isprintable() and c not in '"\\')


def licence_headers(note: dict[str, str]) -> dict[str, str]:
    """The licence for the HTTP headers, which carry only ASCII: its name as the Link's title
    in both forms (`title*` is the exact UTF-8 name, RFC 8187), and X-Licence in ASCII."""
    name, url = note["licence"], quote(note["licence_url"], safe=":/?#[]@!$&'()*+,;=%~")
    exact = quote(name, safe="")
    title = ascii_fallback(name)
    return {
        "Link": f'<{url}>; rel="license"; title="{title}"; title*=UTF-8\'\'{exact}',
        "X-Licence": title,
    }


def licence_note(settings: Settings) -> dict[str, str]:
    return {
        "licence": settings.open_data_licence,
        "licence_url": settings.open_data_licence_url,
        "attribution": f"{settings.town} (mitreden)",
    }


async def page(request: Request) -> Response:
    app = mitreden(request)
    return await render(
        request,
        "staff/exports.html",
        {"kinds": KINDS, "formats": FORMATS, "note": licence_note(app.settings)},
    )


async def download(request: Request) -> Response:
    app = mitreden(request)
    kind, fmt = request.path_params["kind"], request.path_params["fmt"]
    if kind not in KINDS or fmt not in FORMATS:
        raise HTTPException(404)
    now = datetime.now(UTC)
    async with app.sessions() as session:
        body = await export(session, cast(Kind, kind), cast(Format, fmt), app.settings.public_url)
    note = licence_note(app.settings)
    if fmt == "json":
        wrapped: dict[str, Any] = {
            **note,
            "source": app.settings.town,
            "generated_at": now.isoformat(),
            "records": json.loads(body),
        }
        body = json.dumps(wrapped, ensure_ascii=False, indent=2)
    async with app.sessions() as session, session.begin():
        await record_audit(
            session, staff_user(request).name, "export.download", kind, {"format": fmt}
        )
    filename = f"mitreden-{kind}-{now:%Y-%m-%d}.{fmt}"
    return Response(
        body,
        media_type=_MEDIA[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # the licence travels with a CSV file too, where the file itself has no place for it
            **licence_headers(note),
        },
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/exports", page, methods=["GET"]),
        Route("/exports/{kind}.{fmt}", download, methods=["GET"]),
    ]
