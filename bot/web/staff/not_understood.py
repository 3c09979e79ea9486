"""The page "Not understood": messages the bot asked about or could not place, grouped by
the intent it guessed. One click gives a message its right intent (or "not our business")
and adds it to the draft of the intent data; an administrator trains and publishes the
draft as usual. Who wrote a message is never shown."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.content.intent_data import embedded_part
from bot.content.learned_examples import add_example
from bot.staff.audit import record_audit
from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden, render
from nlu.types import INTENTS
from storage import unclear_messages
from storage.unclear_messages import UnclearView

PATH = "/not-understood"
SHOWN = 200


def known_intents(request: Request) -> list[str]:
    """The intents the serving model knows (the shipped list where none is in memory)."""
    embedded = embedded_part(mitreden(request).recognizer)
    intents = embedded.loaded.model.classes if embedded is not None else INTENTS
    return sorted(set(intents) | {"out_of_scope"})


def grouped(rows: Sequence[UnclearView]) -> list[tuple[str, list[UnclearView]]]:
    """By guessed intent; the group with the newest message first, newest first within."""
    groups: dict[str, list[UnclearView]] = {}
    for row in rows:  # already newest first
        groups.setdefault(row.guessed, []).append(row)
    return list(groups.items())


async def listing(request: Request) -> Response:
    app = mitreden(request)
    async with app.sessions() as session:
        rows, total = await unclear_messages.open_messages(session, SHOWN)
    return await render(
        request,
        "staff/not_understood.html",
        {"groups": grouped(rows), "total": total, "intents": known_intents(request)},
    )


async def assign(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    raw = request.path_params["id"]
    record_id = int(raw) if str(raw).isdigit() else 0
    form = await request.form()
    intent = str(form.get("intent", ""))
    if intent not in known_intents(request):
        raise HTTPException(400)
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        message = await unclear_messages.get(session, record_id)
        if message is None or not await unclear_messages.assign(
            session, record_id, intent, user.name, now
        ):
            await add_flash(session, user, "error", translate(language, "unclear.gone"))
            return RedirectResponse(PATH, status_code=303)
        problems = await add_example(session, app.settings, intent, message.text, user.name, now)
        # the audit names the intent, not the citizen's words: those may be personal
        await record_audit(session, user.name, "unclear.assign", str(record_id), {"intent": intent})
        key = "unclear.added_with_problems" if problems else "unclear.added"
        await add_flash(session, user, "success", translate(language, key, intent=intent))
    return RedirectResponse(PATH, status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route(PATH, listing, methods=["GET"]),
        Route(PATH + "/{id}/assign", assign, methods=["POST"]),
    ]
