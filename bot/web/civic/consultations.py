"""Staff pages for consultations: list, create, edit, preview in the chat, results, export."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.civic.consultations.form import (
    ConsultationForm,
    form_of,
    parse_form,
    to_spec,
    with_blank_question,
)
from bot.civic.consultations.lifecycle import results_url
from bot.civic.consultations.preview import Bubble, play_preview
from bot.staff.audit import record_audit
from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.civic.charts_view import result_charts
from bot.web.civic.references import CONSULTATION, row_id
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden, render
from storage.consultations import all_consultations, consultation_by_id, consultation_status
from storage.consultations.editing import (
    BreaksAnswers,
    SlugTaken,
    apply_spec,
    describe_conflict,
    participation_count,
    spec_of,
)
from storage.consultations.participations import participation_counts
from storage.consultations.results import consultation_results
from storage.consultations.spec import ConsultationSpec
from storage.export import export_consultation
from storage.models.civic import Consultation
from storage.topics import list_topics, topic_by_slug, topic_name

KIND_KEYS = ("single", "multiple", "scale", "yesno", "text")


async def _consultation(session: AsyncSession, consultation_id: str) -> Consultation:
    wanted = row_id(consultation_id, CONSULTATION)
    found = await consultation_by_id(session, wanted) if wanted is not None else None
    if found is None:
        raise HTTPException(404)
    return found


def title_of(consultation: Consultation, language: str) -> str:
    return consultation.title_en if language == "en" else consultation.title_de


async def list_page(request: Request) -> Response:
    app = mitreden(request)
    now = datetime.now(UTC)
    async with app.sessions() as session:
        rows = await all_consultations(session)
        started = await participation_counts(session)
        submitted = await participation_counts(session, submitted_only=True)
    items = [
        {
            "row": row,
            "status": consultation_status(row, now),
            "submitted": submitted.get(row.id, 0),
            "started": started.get(row.id, 0),
        }
        for row in rows
    ]
    return await render(
        request,
        "civic/consultations.html",
        {"items": items, "title_of": title_of},
    )


async def _topics(session: AsyncSession, language: str) -> list[tuple[str, str]]:
    return [(t.slug, topic_name(t, language)) for t in await list_topics(session)]


async def _form_page(
    request: Request,
    form: ConsultationForm,
    *,
    consultation: Consultation | None,
    problems: dict[str, dict[str, str]] | None = None,
    conflicts: list[str] | None = None,
    preview: list[Bubble] | None = None,
    preview_language: str = "de",
    status_code: int = 200,
) -> Response:
    app = mitreden(request)
    language = request_language(request)
    async with app.sessions() as session:
        topics = await _topics(session, language)
        answered = (
            await participation_count(session, consultation.id) if consultation is not None else 0
        )
    problems = problems or {}
    return await render(
        request,
        "civic/consultation_form.html",
        {
            "form": form,
            "consultation": consultation,
            "topics": topics,
            "kinds": KIND_KEYS,
            "problems": {
                name: message.get(language, message["en"]) for name, message in problems.items()
            },
            "conflicts": conflicts or [],
            "answered": answered,
            "preview": preview,
            "preview_language": preview_language,
            "action": f"/consultations/{consultation.id}/edit"
            if consultation
            else "/consultations/new",
        },
        status_code=status_code,
    )


async def new_page(request: Request) -> Response:
    return await _form_page(request, with_blank_question(ConsultationForm()), consultation=None)


async def edit_page(request: Request) -> Response:
    app = mitreden(request)
    async with app.sessions() as session:
        consultation = await _consultation(session, request.path_params["consultation_id"])
        spec = await spec_of(session, consultation)
    return await _form_page(
        request, form_of(spec, app.settings.web_timezone), consultation=consultation
    )


async def _preview(
    request: Request, spec: ConsultationSpec, consultation_id: int, language: str
) -> list[Bubble]:
    app = mitreden(request)
    topic_label = None
    if spec.topic:
        async with app.sessions() as session:
            topic = await topic_by_slug(session, spec.topic)
        topic_label = topic_name(topic, language) if topic is not None else None
    return await play_preview(
        spec,
        consultation_id,
        app.library,
        language,
        datetime.now(UTC),
        formal=app.dispatcher_settings.formal,
        variables=app.dispatcher_settings.variables,
        topic_name=topic_label,
    )


async def _submitted(request: Request) -> tuple[ConsultationForm, str, str, dict[str, str]]:
    data = await request.form()
    fields = {name: value for name, value in data.items() if isinstance(value, str)}
    action = fields.get("action", "save")
    preview_language = fields.get("preview_language", "de")
    if preview_language not in ("de", "en"):
        preview_language = "de"
    return parse_form(fields), action, preview_language, fields


async def save(request: Request) -> Response:
    """Create (no id in the path) or update a consultation; or add a question, or preview."""
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    raw_id = request.path_params.get("consultation_id")
    consultation: Consultation | None = None
    if raw_id is not None:
        async with app.sessions() as session:
            consultation = await _consultation(session, raw_id)
    form, action, preview_language, _ = await _submitted(request)
    if action == "add_question":
        return await _form_page(request, with_blank_question(form), consultation=consultation)
    spec, problems = to_spec(form, app.settings.web_timezone)
    if spec is not None and spec.topic:
        async with app.sessions() as session:
            if await topic_by_slug(session, spec.topic) is None:
                problems = {"topic": {"de": "Unbekanntes Thema.", "en": "Unknown topic."}}
                spec = None
    if spec is None:
        return await _form_page(
            request, form, consultation=consultation, problems=problems, status_code=422
        )
    if action == "preview":
        bubbles = await _preview(
            request, spec, consultation.id if consultation else 0, preview_language
        )
        return await _form_page(
            request,
            form,
            consultation=consultation,
            preview=bubbles,
            preview_language=preview_language,
        )
    now = datetime.now(UTC)
    try:
        async with app.sessions() as session, session.begin():
            row = await consultation_by_id(session, consultation.id) if consultation else None
            topic = await topic_by_slug(session, spec.topic) if spec.topic else None
            saved = await apply_spec(session, row, spec, topic.id if topic else None)
            await record_audit(
                session,
                user.name,
                "consultation.update" if consultation else "consultation.create",
                f"C-{saved.id}",
                {"slug": spec.slug, "questions": [q.key for q in spec.questions]},
                now,
            )
            key = "consultations.updated" if consultation else "consultations.created"
            await add_flash(
                session,
                user,
                "success",
                translate(
                    language, key, title=spec.title.de if language == "de" else spec.title.en
                ),
            )
            saved_id = saved.id
    except BreaksAnswers as broken:
        conflicts = [describe_conflict(c, language) for c in broken.conflicts]
        return await _form_page(
            request, form, consultation=consultation, conflicts=conflicts, status_code=409
        )
    except SlugTaken:
        problems = {
            "slug": {
                "de": "Diese Kurzbezeichnung hat schon eine andere Umfrage.",
                "en": "Another consultation already uses this short name.",
            }
        }
        return await _form_page(
            request, form, consultation=consultation, problems=problems, status_code=409
        )
    return RedirectResponse(f"/consultations/{saved_id}", status_code=303)


async def detail_page(request: Request) -> Response:
    app = mitreden(request)
    language = request_language(request)
    now = datetime.now(UTC)
    async with app.sessions() as session:
        consultation = await _consultation(session, request.path_params["consultation_id"])
        results = await consultation_results(session, consultation, now)
        topics = {slug: name for slug, name in await _topics(session, language)}
        spec = await spec_of(session, consultation)
    return await render(
        request,
        "civic/consultation.html",
        {
            "consultation": consultation,
            "title": title_of(consultation, language),
            "results": results,
            "charts": result_charts(results, language),
            "topic": topics.get(spec.topic or ""),
            "public_url": results_url(mitreden(request).settings, consultation.id),
        },
    )


async def preview_page(request: Request) -> Response:
    app = mitreden(request)
    wanted = request.query_params.get("preview", request_language(request))
    preview_language = wanted if wanted in ("de", "en") else "de"
    async with app.sessions() as session:
        consultation = await _consultation(session, request.path_params["consultation_id"])
        spec = await spec_of(session, consultation)
    bubbles = await _preview(request, spec, consultation.id, preview_language)
    return await render(
        request,
        "civic/consultation_preview.html",
        {
            "consultation": consultation,
            "title": title_of(consultation, request_language(request)),
            "preview": bubbles,
            "preview_language": preview_language,
        },
    )


async def export_results(request: Request) -> Response:
    app = mitreden(request)
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "json"):
        raise HTTPException(404)
    async with app.sessions() as session:
        consultation = await _consultation(session, request.path_params["consultation_id"])
        body = await export_consultation(session, consultation, fmt, datetime.now(UTC))
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    filename = f"{consultation.slug}-results.{fmt}"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/consultations", list_page),
        Route("/consultations/new", new_page, methods=["GET"]),
        Route("/consultations/new", save, methods=["POST"]),
        Route("/consultations/{consultation_id}", detail_page),
        Route("/consultations/{consultation_id}/edit", edit_page, methods=["GET"]),
        Route("/consultations/{consultation_id}/edit", save, methods=["POST"]),
        Route("/consultations/{consultation_id}/preview", preview_page),
        Route("/consultations/{consultation_id}/results.{fmt}", export_results),
    ]
