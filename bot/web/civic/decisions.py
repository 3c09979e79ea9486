"""Staff pages for decisions: list (council drafts included), write, review, publish.

Publishing goes through bot.civic.decisions.publish_decision, which tells the topic's
subscribers, the people behind the related ideas and the participants of the related
consultations, each chat once. The page shows who will hear about it before, and how the
messages are doing after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.civic.decisions import create_decision, decision_message, publish_decision
from bot.staff.audit import record_audit
from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.civic.references import DECISION, row_id
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden, render
from storage.consultations import all_consultations, consultation_by_id, consultations_by_ids
from storage.decisions import (
    DRAFT,
    WITHDRAWN,
    audience_size,
    decision_by_id,
    delivery_counts,
    link_decision,
    linked_ids,
    list_decisions,
    update_decision,
)
from storage.ideas import find_idea, idea_refs
from storage.models.civic import Decision
from storage.topics import list_topics, topic_by_id, topic_by_slug, topic_name

MAX_TITLE = 300
MAX_TEXT = 20_000
_REFERENCE = re.compile(r"[A-Za-z]-?\d+|\d+")


@dataclass
class DecisionForm:
    title: str = ""
    text: str = ""
    link: str = ""
    topic: str = ""
    ideas: str = ""  # "I-3, I-7"
    consultations: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Checked:
    topic_slug: str | None
    idea_ids: list[int]
    consultation_ids: list[int]


def _message(de: str, en: str) -> dict[str, str]:
    return {"de": de, "en": en}


async def _decision(session: AsyncSession, raw: str) -> Decision:
    wanted = row_id(raw, DECISION)
    found = await decision_by_id(session, wanted) if wanted is not None else None
    if found is None:
        raise HTTPException(404)
    return found


def _form_of(data: FormData) -> DecisionForm:
    def text(name: str) -> str:
        value = data.get(name, "")
        # browsers send a textarea's line breaks as CRLF; chats and the store use "\n"
        return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""

    consultations = []
    for value in data.getlist("consultations"):
        if isinstance(value, str) and value.isdigit():
            consultations.append(int(value))
    return DecisionForm(
        title=text("title"),
        text=text("text"),
        link=text("link"),
        topic=text("topic"),
        ideas=text("ideas"),
        consultations=consultations,
    )


async def _check(
    session: AsyncSession, form: DecisionForm
) -> tuple[Checked | None, dict[str, dict[str, str]]]:
    problems: dict[str, dict[str, str]] = {}
    required = _message("Bitte ausfüllen.", "Please fill this in.")
    if not form.title:
        problems["title"] = required
    elif len(form.title) > MAX_TITLE:
        problems["title"] = _message(
            f"Höchstens {MAX_TITLE} Zeichen.", f"At most {MAX_TITLE} characters."
        )
    if not form.text:
        problems["text"] = required
    elif len(form.text) > MAX_TEXT:
        problems["text"] = _message(
            f"Höchstens {MAX_TEXT} Zeichen.", f"At most {MAX_TEXT} characters."
        )
    if form.link:
        parts = urlsplit(form.link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(form.link) > 1000:
            problems["link"] = _message(
                "Bitte eine vollständige Adresse, z. B. https://ratsinfo.example/vorlage/12.",
                "Please give a full address, e.g. https://council.example/paper/12.",
            )
    if form.topic and await topic_by_slug(session, form.topic) is None:
        problems["topic"] = _message("Unbekanntes Thema.", "Unknown topic.")
    idea_ids: list[int] = []
    unknown: list[str] = []
    for reference in _REFERENCE.findall(form.ideas):
        idea = await find_idea(session, reference)
        if idea is None:
            unknown.append(reference)
        elif idea.id not in idea_ids:
            idea_ids.append(idea.id)
    leftover = _REFERENCE.sub("", form.ideas).replace(",", " ").replace(";", " ").strip()
    if unknown or leftover:
        shown = ", ".join(unknown) or leftover
        problems["ideas"] = _message(
            f"Diese Ideen gibt es nicht: {shown}. Bitte Nummern wie I-12, durch Komma getrennt.",
            f"There are no such ideas: {shown}. Please give numbers like I-12, "
            "separated by commas.",
        )
    consultation_ids = []
    for consultation_id in form.consultations:
        if await consultation_by_id(session, consultation_id) is None:
            problems["consultations"] = _message("Unbekannte Umfrage.", "Unknown consultation.")
        else:
            consultation_ids.append(consultation_id)
    if problems:
        return None, problems
    return Checked(form.topic or None, idea_ids, consultation_ids), {}


async def _choices(session: AsyncSession, language: str) -> dict[str, object]:
    consultations = await all_consultations(session)
    return {
        "topics": [(t.slug, topic_name(t, language)) for t in await list_topics(session)],
        "consultation_choices": [
            (c.id, c.title_en if language == "en" else c.title_de) for c in consultations
        ],
    }


async def _form_page(
    request: Request,
    form: DecisionForm,
    *,
    decision: Decision | None = None,
    problems: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    language = request_language(request)
    async with mitreden(request).sessions() as session:
        choices = await _choices(session, language)
    return await render(
        request,
        "civic/decision_form.html",
        {
            "form": form,
            "decision": decision,
            "problems": {k: v.get(language, v["en"]) for k, v in (problems or {}).items()},
            "action": f"/decisions/{decision.id}/edit" if decision else "/decisions/new",
            **choices,
        },
        status_code=status_code,
    )


async def list_page(request: Request) -> Response:
    async with mitreden(request).sessions() as session:
        rows = await list_decisions(session, limit=200)
        topics = {t.id: t for t in await list_topics(session)}
    drafts = [row for row in rows if row.status == DRAFT]
    published = [row for row in rows if row.status != DRAFT]
    return await render(
        request,
        "civic/decisions.html",
        {"drafts": drafts, "published": published, "topics": topics, "topic_name": topic_name},
    )


async def new_page(request: Request) -> Response:
    return await _form_page(request, DecisionForm())


async def create(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    form = _form_of(await request.form())
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        checked, problems = await _check(session, form)
        if checked is not None:
            decision_id = await create_decision(
                session,
                title=form.title,
                text=form.text,
                link=form.link or None,
                topic_slug=checked.topic_slug,
                idea_ids=checked.idea_ids,
                consultation_ids=checked.consultation_ids,
                by=user.name,
                now=now,
            )
            await record_audit(
                session,
                user.name,
                "decision.create",
                f"D-{decision_id}",
                {"title": form.title},
                now,
            )
            await add_flash(
                session, user, "success", translate(language, "decisions.created", title=form.title)
            )
    if checked is None:
        return await _form_page(request, form, problems=problems, status_code=422)
    return RedirectResponse(f"/decisions/{decision_id}", status_code=303)


async def _stored_form(session: AsyncSession, decision: Decision) -> DecisionForm:
    idea_ids, consultation_ids = await linked_ids(session, decision.id)
    refs = await idea_refs(session, idea_ids)
    topic = await topic_by_id(session, decision.topic_id)
    return DecisionForm(
        title=decision.title,
        text=decision.text,
        link=decision.link or "",
        topic=topic.slug if topic else "",
        ideas=", ".join(sorted(refs)),
        consultations=consultation_ids,
    )


async def edit_page(request: Request) -> Response:
    async with mitreden(request).sessions() as session:
        decision = await _decision(session, request.path_params["decision_id"])
        form = await _stored_form(session, decision)
    if decision.status != DRAFT:
        return RedirectResponse(f"/decisions/{decision.id}", status_code=303)
    return await _form_page(request, form, decision=decision)


async def update(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    form = _form_of(await request.form())
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        decision = await _decision(session, request.path_params["decision_id"])
        if decision.status != DRAFT:
            await add_flash(session, user, "error", translate(language, "decisions.not_draft"))
            return RedirectResponse(f"/decisions/{decision.id}", status_code=303)
        checked, problems = await _check(session, form)
        if checked is not None:
            topic = await topic_by_slug(session, checked.topic_slug) if checked.topic_slug else None
            await update_decision(
                session,
                decision,
                {
                    "title": form.title,
                    "text": form.text,
                    "link": form.link or None,
                    "topic_id": topic.id if topic else None,
                },
            )
            await link_decision(session, decision.id, checked.idea_ids, checked.consultation_ids)
            await record_audit(
                session,
                user.name,
                "decision.update",
                f"D-{decision.id}",
                {"title": form.title},
                now,
            )
            await add_flash(session, user, "success", translate(language, "decisions.saved"))
    if checked is None:
        return await _form_page(
            request, form, decision=decision, problems=problems, status_code=422
        )
    return RedirectResponse(f"/decisions/{decision.id}", status_code=303)


async def detail_page(request: Request) -> Response:
    language = request_language(request)
    async with mitreden(request).sessions() as session:
        decision = await _decision(session, request.path_params["decision_id"])
        form = await _stored_form(session, decision)
        topic = await topic_by_id(session, decision.topic_id)
        consultations = await consultations_by_ids(session, form.consultations)
        people = await audience_size(session, decision)
        deliveries = await delivery_counts(session, decision.id)
    return await render(
        request,
        "civic/decision.html",
        {
            "decision": decision,
            "form": form,
            "topic": topic_name(topic, language) if topic else None,
            "consultations": [
                c.title_en if language == "en" else c.title_de for c in consultations
            ],
            "people": people,
            "deliveries": deliveries,
            "notified": sum(deliveries.values()),
            "messages": {lang: decision_message(decision, topic, lang) for lang in ("de", "en")},
        },
    )


async def publish(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        decision = await _decision(session, request.path_params["decision_id"])
        if decision.status == WITHDRAWN:
            message = translate(language, "decisions.withdrawn_not_again")
            await add_flash(session, user, "error", message)
            return RedirectResponse(f"/decisions/{decision.id}", status_code=303)
        was_draft = decision.status == DRAFT
        queued = await publish_decision(session, decision.id, by=user.name, now=now)
        await record_audit(
            session,
            user.name,
            "decision.publish",
            f"D-{decision.id}",
            {"messages": queued, "again": not was_draft},
            now,
        )
        key = "decisions.published" if was_draft else "decisions.published_again"
        await add_flash(session, user, "success", translate(language, key, count=queued))
    app.worker.wake()
    return RedirectResponse(f"/decisions/{decision.id}", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/decisions", list_page),
        Route("/decisions/new", new_page, methods=["GET"]),
        Route("/decisions/new", create, methods=["POST"]),
        Route("/decisions/{decision_id}", detail_page),
        Route("/decisions/{decision_id}/edit", edit_page, methods=["GET"]),
        Route("/decisions/{decision_id}/edit", update, methods=["POST"]),
        Route("/decisions/{decision_id}/publish", publish, methods=["POST"]),
    ]
