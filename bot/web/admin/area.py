"""The administrators' content pages: the flow editor, the intent data editor and the
report categories."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.web.admin import flow_editor, nlu_editor, report_categories


def routes() -> list[BaseRoute]:
    return [*flow_editor.routes(), *nlu_editor.routes(), *report_categories.routes()]
