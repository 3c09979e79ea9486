"""GET /webhooks/rest/map: what the web chat's pin map needs, asked only once a visitor's
browser has told its position (bot/web/static/chat/widget-map.js).

It answers the town's tile server and its credit, or 404 where a map would not help: Leaflet
is not installed (scripts/install-web-assets) or MITREDEN_MAP_TILES is unset or not an
http(s) address. A pin on a grey background shows nothing to aim at, so the widget then sends
the browser's position directly, as it does without a map."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.web.chat.api import forbidden_origin
from bot.web.chat.cors import cors_headers, origin_allowed
from bot.web.chat.runtime import chat_runtime
from bot.web.parts import Running
from bot.web.staff.report_map import leaflet_installed, tile_source

LEAFLET_PATH = "/static/vendor/leaflet/"
NO_MAP = {"error": "no map here: the position is sent as the browser tells it"}


async def map_settings(request: Request) -> Response:
    if not origin_allowed(request, chat_runtime(request).origins):
        return forbidden_origin()
    app: Running = request.app.state.mitreden
    tiles = app.settings.map_tiles.strip()
    headers = {**cors_headers(request), "Cache-Control": "public, max-age=300"}
    if tile_source(tiles) is None or not leaflet_installed():
        return JSONResponse(NO_MAP, 404, headers)
    return JSONResponse(
        {
            "tiles": tiles,
            "attribution": app.settings.map_attribution.strip(),
            "leaflet": LEAFLET_PATH,
        },
        headers=headers,
    )
