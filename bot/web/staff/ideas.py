"""Ideas: publish or reject what citizens proposed, fold duplicates together and move an
idea through its statuses with a public note. Every change reaches those concerned."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.civic.ideas.moderation import moderate_idea
from bot.civic.ideas.updates import MAX_NOTE, change_idea_status, merge_idea
from bot.staff.audit import record_audit
from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden, render
from storage.ideas import IDEA_STATUSES, find_idea, status_history
from storage.ideas import merging as idea_merging
from storage.models.civic import Idea
from storage.topics import topic_by_id, topic_name

PAGE_SIZE = 50


async def listing(request: Request) -> Response:
    app = mitreden(request)
    view = request.query_params.get("view", "pending")
    view = view if view in idea_merging.VIEWS else "pending"
    status = request.query_params.get("status", "")
    status = status if status in IDEA_STATUSES else ""
    text = request.query_params.get("q", "")[:200]
    raw_page = request.query_params.get("page", "1")
    page = max(int(raw_page), 1) if raw_page.isdigit() else 1
    async with app.sessions() as session:
        rows, total = await idea_merging.staff_ideas(
            session,
            view,
            status=status,
            text=text,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    return await render(
        request,
        "staff/ideas.html",
        {
            "ideas": rows,
            "total": total,
            "view": view,
            "views": idea_merging.VIEWS,
            "status": status,
            "statuses": IDEA_STATUSES,
            "text": text,
            "page": page,
            "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        },
    )


async def _idea(session: AsyncSession, request: Request) -> Idea:
    idea = await find_idea(session, request.path_params["ref"])
    if idea is None or idea.ref is None:
        raise HTTPException(404)
    return idea


async def detail(request: Request, extra: dict[str, Any] | None = None) -> Response:
    app = mitreden(request)
    language = request_language(request)
    async with app.sessions() as session:
        idea = await _idea(session, request)
        history = await status_history(session, idea.id)
        topic = await topic_by_id(session, idea.topic_id)
    return await render(
        request,
        "staff/idea.html",
        {
            "idea": idea,
            "history": history,
            "topic": topic_name(topic, language) if topic else "–",
            "statuses": IDEA_STATUSES,
            "max_note": MAX_NOTE,
            **(extra or {}),
        },
        status_code=400 if extra else 200,
    )


Change = Callable[[AsyncSession, Idea, Any, str], Awaitable[tuple[str, str, dict[str, Any]]]]


async def _apply(request: Request, change: Change) -> Response:
    """Runs one change in one transaction with its audit entry and flash message; a
    ValueError shows the page again with the message and the form as it was sent."""
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    form = await request.form()
    try:
        async with app.sessions() as session, session.begin():
            idea = await _idea(session, request)
            action, message, detail_ = await change(session, idea, form, language)
            await record_audit(session, user.name, action, idea.ref or "", detail_)
            await add_flash(session, user, "success", message)
    except ValueError as error:
        return await detail(
            request,
            {"error": translate(language, "ideas.refused", reason=str(error)), "form": form},
        )
    app.worker.wake()
    return RedirectResponse(f"/ideas/{idea.ref}", status_code=303)


async def publish(request: Request) -> Response:
    async def change(
        session: AsyncSession, idea: Idea, form: Any, language: str
    ) -> tuple[str, str, dict[str, Any]]:
        if idea.moderation != "pending":
            raise ValueError(translate(language, "ideas.not_pending"))
        now = datetime.now(UTC)
        queued = await moderate_idea(
            session, idea.ref or "", "publish", "", staff_user(request).name, now
        )
        return "idea.publish", translate(language, "ideas.published"), {"messages": queued}

    return await _apply(request, change)


async def reject(request: Request) -> Response:
    async def change(
        session: AsyncSession, idea: Idea, form: Any, language: str
    ) -> tuple[str, str, dict[str, Any]]:
        if idea.moderation != "pending":
            raise ValueError(translate(language, "ideas.not_pending"))
        reason = str(form.get("reason", "")).strip()
        if not reason:
            raise ValueError(translate(language, "ideas.reason_needed"))
        if len(reason) > MAX_NOTE:
            raise ValueError(translate(language, "ideas.note_too_long", max=MAX_NOTE))
        now = datetime.now(UTC)
        queued = await moderate_idea(
            session, idea.ref or "", "reject", reason, staff_user(request).name, now
        )
        return (
            "idea.reject",
            translate(language, "ideas.rejected"),
            {"reason": reason, "messages": queued},
        )

    return await _apply(request, change)


async def set_status(request: Request) -> Response:
    async def change(
        session: AsyncSession, idea: Idea, form: Any, language: str
    ) -> tuple[str, str, dict[str, Any]]:
        status = str(form.get("status", ""))
        note = str(form.get("note", ""))
        if status == "rejected" and not note.strip():
            raise ValueError(translate(language, "ideas.reason_needed"))
        now = datetime.now(UTC)
        queued = await change_idea_status(
            session, idea.ref or "", status, note, staff_user(request).name, now
        )
        return (
            "idea.status",
            translate(language, "ideas.status_changed", messages=queued),
            {"status": status, "note": note.strip(), "messages": queued},
        )

    return await _apply(request, change)


async def merge(request: Request) -> Response:
    async def change(
        session: AsyncSession, idea: Idea, form: Any, language: str
    ) -> tuple[str, str, dict[str, Any]]:
        kept_ref = str(form.get("kept", "")).strip()
        kept = await find_idea(session, kept_ref) if kept_ref else None
        # the same checks as merge_idea's, said in the reader's language
        if kept is None:
            raise ValueError(translate(language, "ideas.no_such_idea", ref=kept_ref))
        if kept.id == idea.id:
            raise ValueError(translate(language, "ideas.merge_itself"))
        if kept.moderation not in ("pending", "published"):
            raise ValueError(translate(language, "ideas.merge_hidden", ref=kept.ref))
        if idea.merged_into is not None:
            raise ValueError(translate(language, "ideas.merged_already", ref=idea.merged_into))
        moved, queued = await merge_idea(session, idea.ref or "", kept.ref or "", datetime.now(UTC))
        kept_ref = kept.ref or kept_ref
        return (
            "idea.merge",
            translate(language, "ideas.merged", kept=kept_ref, moved=moved),
            {"into": kept_ref, "supports_moved": moved, "messages": queued},
        )

    return await _apply(request, change)


async def show(request: Request) -> Response:
    return await detail(request)


def routes() -> list[BaseRoute]:
    return [
        Route("/ideas", listing, methods=["GET"]),
        Route("/ideas/{ref}", show, methods=["GET"]),
        Route("/ideas/{ref}/publish", publish, methods=["POST"]),
        Route("/ideas/{ref}/reject", reject, methods=["POST"]),
        Route("/ideas/{ref}/status", set_status, methods=["POST"]),
        Route("/ideas/{ref}/merge", merge, methods=["POST"]),
    ]
