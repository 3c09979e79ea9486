"""The reports list: filter by status, category, text, age and map view; change a report's
status with a note (the news reaches the reporter and the followers) and publish it for
Open311."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.civic.report_news import change_report_status
from bot.staff.audit import record_audit
from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.i18n import request_language, translate
from bot.web.staff import report_map
from bot.web.staff.report_filters import AGES, STATUSES, filters_from
from bot.web.templating import mitreden, render
from storage import reports
from storage.models.reports import Report
from storage.reports.forwarding import forwarding_of
from storage.reports.listing import staff_list
from storage.reports.photo_releases import photo_address, released_photos
from storage.reports.status import history

PAGE_SIZE = 50
MAX_NOTE = 1000


def _page(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() else 1


async def _category_names(request: Request) -> dict[str, str]:
    language = request_language(request)
    async with mitreden(request).sessions() as session:
        listed = await reports.categories(session, active_only=False)
    return {c.code: c.name_en if language == "en" else c.name_de for c in listed}


async def listing(request: Request) -> Response:
    page = _page(request)
    names = await _category_names(request)
    wanted = filters_from(request.query_params, names)
    async with mitreden(request).sessions() as session:
        rows, total = await staff_list(
            session,
            wanted.storage_filter(datetime.now(UTC)),
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    settings = mitreden(request).settings
    return await render(
        request,
        "staff/reports.html",
        {
            "reports": rows,
            "total": total,
            "status": wanted.status,
            "filters": STATUSES,
            "category": wanted.category,
            "categories": names,
            "text": wanted.text,
            "age_filter": wanted.age,
            "age_choices": AGES,
            "area": wanted.area,
            "query": wanted.query(),
            "query_without_area": wanted.query(with_area=False),
            "page": page,
            "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            "report_map": report_map.map_context(
                rows,
                names,
                request_language(request),
                settings.map_tiles,
                settings.map_attribution,
                area=wanted.area,
            ),
        },
        headers=report_map.page_headers(settings.map_tiles),
    )


async def _report(request: Request) -> Report:
    async with mitreden(request).sessions() as session:
        report = await reports.report_by_ref(session, request.path_params["ref"])
    if report is None:
        raise HTTPException(404)
    return report


async def detail(request: Request, error: str | None = None, status_code: int = 200) -> Response:
    report = await _report(request)
    async with mitreden(request).sessions() as session:
        changes = await history(session, report.id)
        followers = len(await reports.follower_ids(session, report.id))
        forwarding = await forwarding_of(session, report.id)
        released = await released_photos(session, report.id)
        original = (
            await reports.report_by_id(session, report.duplicate_of_id)
            if report.duplicate_of_id
            else None
        )
    settings = mitreden(request).settings
    categories = await _category_names(request)
    return await render(
        request,
        "staff/report.html",
        {
            "report": report,
            "changes": changes,
            "followers": followers,
            "forwarding": forwarding,
            "released": released,
            "public_address": {p: photo_address(settings.public_url, p) for p in released},
            "original": original,
            "categories": categories,
            "statuses": reports.STATUSES,
            "max_note": MAX_NOTE,
            "error": error,
            "report_map": report_map.map_context(
                [report],
                categories,
                request_language(request),
                settings.map_tiles,
                settings.map_attribution,
                single=True,
            ),
        },
        status_code=status_code,
        headers=report_map.page_headers(settings.map_tiles),
    )


async def set_status(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    report = await _report(request)
    form = await request.form()
    status = str(form.get("status", ""))
    note_de = str(form.get("note_de", "")).strip()
    note_en = str(form.get("note_en", "")).strip()
    original = str(form.get("duplicate_of", "")).strip()
    problem = None
    if status not in reports.STATUSES:
        problem = translate(language, "reports.unknown_status")
    elif len(note_de) > MAX_NOTE or len(note_en) > MAX_NOTE:
        problem = translate(language, "reports.note_too_long", max=MAX_NOTE)
    elif status == reports.DUPLICATE and not original:
        problem = translate(language, "reports.duplicate_needs_original")
    if problem is not None:
        return await detail(request, problem, 400)
    now = datetime.now(UTC)
    try:
        async with app.sessions() as session, session.begin():
            queued = await change_report_status(
                session,
                report.ref or "",
                status,
                note_de=note_de,
                note_en=note_en,
                staff=user.name,
                now=now,
                duplicate_of=original or None,
            )
            await record_audit(
                session,
                user.name,
                "report.status",
                report.ref or "",
                {"status": status, "messages": queued},
                now=now,
            )
            await add_flash(
                session, user, "success", translate(language, "reports.changed", n=queued)
            )
    except (LookupError, ValueError):
        return await detail(request, translate(language, "reports.no_such_original"), 400)
    app.worker.wake()
    return RedirectResponse(f"/reports/{report.ref}", status_code=303)


async def publish(request: Request) -> Response:
    user = staff_user(request)
    language = request_language(request)
    report = await _report(request)
    form = await request.form()
    published = form.get("published") == "yes"
    async with mitreden(request).sessions() as session, session.begin():
        row = await reports.report_by_id(session, report.id)
        assert row is not None
        row.published = published
        await record_audit(
            session, user.name, "report.publish", row.ref or "", {"published": published}
        )
        key = "reports.now_published" if published else "reports.now_hidden"
        await add_flash(session, user, "success", translate(language, key))
    return RedirectResponse(f"/reports/{report.ref}", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/reports", listing, methods=["GET"]),
        Route("/reports/{ref}", detail, methods=["GET"]),
        Route("/reports/{ref}/status", set_status, methods=["POST"]),
        Route("/reports/{ref}/publish", publish, methods=["POST"]),
    ]
