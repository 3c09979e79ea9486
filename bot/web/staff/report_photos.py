"""The photos of a report, for logged-in staff only (the staff gate guards every path
here): the full picture and its thumbnail, never cached by a shared cache; and releasing
one photo for the public (bot/web/public_photos.py serves it while the report is
published) or withdrawing that again, recorded in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.staff.audit import record_audit
from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.i18n import request_language, translate
from bot.web.photo_responses import photo_response, stored_photos
from bot.web.templating import mitreden
from storage import reports
from storage.reports import photo_releases

_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


async def _photo(request: Request, thumbnail: bool) -> Response:
    app = mitreden(request)
    photo_id = request.path_params["photo"]
    async with app.sessions() as session:
        report = await reports.report_by_ref(session, request.path_params["ref"])
        # only a photo of this report: a name alone opens nothing
        if report is None or photo_id not in report.photos:
            raise HTTPException(404)
        found = await stored_photos(app.settings).read(session, photo_id, thumbnail=thumbnail)
    return photo_response(found, _HEADERS)


async def photo(request: Request) -> Response:
    return await _photo(request, thumbnail=False)


async def thumbnail(request: Request) -> Response:
    return await _photo(request, thumbnail=True)


async def release(request: Request) -> Response:
    """Releases the photo for the public (`public=yes`) or withdraws it (`public=no`)."""
    user = staff_user(request)
    language = request_language(request)
    photo_id = str(request.path_params["photo"])
    public = (await request.form()).get("public") == "yes"
    now = datetime.now(UTC)
    async with mitreden(request).sessions() as session, session.begin():
        report = await reports.report_by_ref(session, request.path_params["ref"])
        if report is None:
            raise HTTPException(404)
        if public:
            found = await photo_releases.release(session, report, photo_id, user.name, now)
        else:
            found = await photo_releases.withdraw(session, report, photo_id)
        if not found:
            raise HTTPException(404)
        await record_audit(
            session,
            user.name,
            "report.photo_publish",
            report.ref or "",
            {"photo": photo_id, "public": public},
            now=now,
        )
        if not public:
            key = "reports.photo_now_private"
        elif report.published:
            key = "reports.photo_now_public"
        else:
            key = "reports.photo_public_with_report"
        await add_flash(session, user, "success", translate(language, key))
    return RedirectResponse(f"/reports/{report.ref}#photos", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/reports/{ref}/photos/{photo}/public", release, methods=["POST"]),
        Route("/reports/{ref}/photos/{photo}", photo, methods=["GET"]),
        Route("/reports/{ref}/photos/{photo}/thumbnail", thumbnail, methods=["GET"]),
    ]
