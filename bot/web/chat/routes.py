"""The web chat's routes: public, without staff login; the API checks its own tokens."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.web.chat import api, callback_route, map_route, stream_routes, upload_route
from bot.web.chat.page import chat_page, widget


def routes() -> list[BaseRoute]:
    return [
        Route("/chat", chat_page, methods=["GET"]),
        Route("/widget.js", widget, methods=["GET"]),
        Route("/webhooks/rest", api.status, methods=["GET"]),
        Route("/webhooks/rest/", api.status, methods=["GET"]),
        Route("/webhooks/rest/session", api.new_session, methods=["POST"]),
        Route("/webhooks/rest/session", api.preflight, methods=["OPTIONS"]),
        Route("/webhooks/rest/webhook", api.webhook, methods=["POST"]),
        Route("/webhooks/rest/webhook", api.preflight, methods=["OPTIONS"]),
        Route("/webhooks/rest/upload", upload_route.upload, methods=["POST"]),
        Route("/webhooks/rest/upload", api.preflight, methods=["OPTIONS"]),
        Route("/webhooks/rest/events", stream_routes.events, methods=["GET"]),
        Route("/webhooks/rest/events", api.preflight, methods=["OPTIONS"]),
        Route("/webhooks/rest/events/ticket", stream_routes.ticket, methods=["POST"]),
        Route("/webhooks/rest/events/ticket", api.preflight, methods=["OPTIONS"]),
        Route("/webhooks/rest/map", map_route.map_settings, methods=["GET"]),
        Route("/webhooks/rest/map", api.preflight, methods=["OPTIONS"]),
        Route("/webhooks/callback", callback_route.status, methods=["GET"]),
        Route("/webhooks/callback/", callback_route.status, methods=["GET"]),
        Route("/webhooks/callback/webhook", callback_route.webhook, methods=["POST"]),
    ]
