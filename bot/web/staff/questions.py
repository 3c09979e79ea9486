"""The questions inbox: filter, assign, answer (the answer reaches the citizen's chat) and
mark an answer public, so the bot offers it to others who ask the same."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.civic.questions.answers import answer_question
from bot.staff.audit import record_audit
from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden, render
from storage.models.civic import Question
from storage.questions import inbox as question_inbox
from storage.questions import question_by_id, question_by_ref, similar_public_questions
from storage.staff import active_account_names
from storage.topics import list_topics, topic_by_slug, topic_name

PAGE_SIZE = 50
# the answer goes into one chat message together with the quoted question
MAX_ANSWER = 3000


def _page(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() else 1


async def inbox(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    view = request.query_params.get("view", "open")
    view = view if view in question_inbox.VIEWS else "open"
    text = request.query_params.get("q", "")[:200]
    slug = request.query_params.get("topic", "")
    page = _page(request)
    async with app.sessions() as session:
        topics = await list_topics(session)
        topic = await topic_by_slug(session, slug) if slug else None
        rows, total = await question_inbox.inbox(
            session,
            question_inbox.InboxFilter(view=view, topic=topic, text=text, me=user.name),
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    language = request_language(request)
    return await render(
        request,
        "staff/questions.html",
        {
            "questions": rows,
            "total": total,
            "view": view,
            "views": question_inbox.VIEWS,
            "text": text,
            "topic_slug": topic.slug if topic else "",
            "topics": [(t.slug, topic_name(t, language)) for t in topics],
            "page": page,
            "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        },
    )


async def _question(request: Request) -> Question:
    app = mitreden(request)
    async with app.sessions() as session:
        question = await question_by_ref(session, request.path_params["ref"])
    if question is None:
        raise HTTPException(404)
    return question


async def detail(request: Request) -> Response:
    app = mitreden(request)
    question = await _question(request)
    async with app.sessions() as session:
        similar = await similar_public_questions(session, question.text, question.language)
        names = await active_account_names(session)
    return await render(
        request,
        "staff/question.html",
        {
            "question": question,
            "similar": [(q, score) for q, score in similar if q.id != question.id],
            "staff_names": names,
            "max_answer": MAX_ANSWER,
        },
    )


def _back(question: Question) -> RedirectResponse:
    return RedirectResponse(f"/questions/{question.ref}", status_code=303)


async def answer(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    question = await _question(request)
    form = await request.form()
    text = str(form.get("answer", "")).strip()
    public = form.get("public") == "on"
    problem = None
    if not text:
        problem = translate(language, "questions.answer_empty")
    elif len(text) > MAX_ANSWER:
        problem = translate(language, "questions.answer_too_long", max=MAX_ANSWER)
    if problem is not None:
        async with app.sessions() as session:
            similar = await similar_public_questions(session, question.text, question.language)
            names = await active_account_names(session)
        return await render(
            request,
            "staff/question.html",
            {
                "question": question,
                "similar": [(q, s) for q, s in similar if q.id != question.id],
                "staff_names": names,
                "max_answer": MAX_ANSWER,
                "error": problem,
                "draft": text,
                "draft_public": public,
            },
            status_code=400,
        )
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        queued = await answer_question(session, question.ref or "", text, public, user.name, now)
        await record_audit(
            session,
            user.name,
            "question.answer",
            question.ref or "",
            {"public": public, "messages": queued},
            now=now,
        )
        key = "questions.answered" if queued else "questions.answered_unreachable"
        await add_flash(session, user, "success", translate(language, key, ref=question.ref))
    app.worker.wake()
    return _back(question)


async def assign(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    question = await _question(request)
    form = await request.form()
    wanted = str(form.get("assignee", "")).strip()
    async with app.sessions() as session, session.begin():
        names = await active_account_names(session)
        if wanted and wanted not in names:
            await add_flash(session, user, "error", translate(language, "questions.no_such_staff"))
            return _back(question)
        row = await question_by_id(session, question.id)
        assert row is not None
        await question_inbox.assign(session, row, wanted or None)
        await record_audit(session, user.name, "question.assign", row.ref or "", {"to": wanted})
        message = (
            translate(language, "questions.assigned", name=wanted)
            if wanted
            else translate(language, "questions.unassigned")
        )
        await add_flash(session, user, "success", message)
    return _back(question)


async def publicity(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    question = await _question(request)
    form = await request.form()
    public = form.get("public") == "yes"
    async with app.sessions() as session, session.begin():
        row = await question_by_id(session, question.id)
        assert row is not None
        if row.status != "answered":
            await add_flash(session, user, "error", translate(language, "questions.not_answered"))
            return _back(question)
        await question_inbox.set_public(session, row, public)
        await record_audit(session, user.name, "question.public", row.ref or "", {"public": public})
        key = "questions.now_public" if public else "questions.now_private"
        await add_flash(session, user, "success", translate(language, key))
    return _back(question)


def routes() -> list[BaseRoute]:
    return [
        Route("/questions", inbox, methods=["GET"]),
        Route("/questions/{ref}", detail, methods=["GET"]),
        Route("/questions/{ref}/answer", answer, methods=["POST"]),
        Route("/questions/{ref}/assign", assign, methods=["POST"]),
        Route("/questions/{ref}/public", publicity, methods=["POST"]),
    ]
