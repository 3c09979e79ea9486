"""The administrators' content pages: the flow editor and the intent data editor."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.web.admin import flow_editor, nlu_editor


def routes() -> list[BaseRoute]:
    return [*flow_editor.routes(), *nlu_editor.routes()]
