"""/chat, the chat as a page of its own, and /widget.js, the script that draws it anywhere."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.web.parts import Running
from bot.web.staff.report_map import tile_source

TITLES = {"de": "Chat mit {town}", "en": "Chat with {town}"}
# the page's own script and styles only; the chat talks to this server and nothing else.
# The one exception: the pin map's tiles, from the town's tile server (MITREDEN_MAP_TILES).
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' data:{tiles}; base-uri 'none'; form-action 'none'"
)


def page_policy(tiles: str) -> str:
    source = tile_source(tiles)
    return PAGE_POLICY.format(tiles=f" {source}" if source is not None else "")


@cache
def widget_source() -> bytes:
    return files("bot.web").joinpath("static/chat/widget.js").read_bytes()


async def widget(request: Request) -> Response:
    return Response(
        widget_source(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )


async def chat_page(request: Request) -> Response:
    app: Running = request.app.state.mitreden
    language = request.query_params.get("lang", app.settings.default_language)
    language = language if language in TITLES else "de"
    title = TITLES[language].format(town=app.settings.town)
    page = f"""<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>html, body {{ margin: 0; height: 100%; background: #f4f5f7; }}</style>
</head>
<body>
<main id="mitreden-chat" style="height: 100%"></main>
<script src="/widget.js" data-mode="page" data-target="mitreden-chat"
 data-lang="{language}" data-title="{escape(title)}"></script>
</body>
</html>
"""
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": page_policy(app.settings.map_tiles),
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )
