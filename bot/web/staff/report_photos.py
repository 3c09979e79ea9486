"""The photos of a report, for logged-in staff only (the staff gate guards every path
here): the full picture and its thumbnail, never cached by a shared cache."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from bot.web.templating import mitreden
from storage import report_photos, reports

_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


async def _photo(request: Request, thumbnail: bool) -> Response:
    app = mitreden(request)
    photo_id = request.path_params["photo"]
    async with app.sessions() as session:
        report = await reports.report_by_ref(session, request.path_params["ref"])
    # only a photo of this report: a name alone opens nothing
    if report is None or photo_id not in report.photos:
        raise HTTPException(404)
    found = report_photos.path(app.settings.report_photo_dir, photo_id, thumbnail=thumbnail)
    if found is None:
        raise HTTPException(404)
    return FileResponse(found, media_type="image/jpeg", headers=_HEADERS)


async def photo(request: Request) -> Response:
    return await _photo(request, thumbnail=False)


async def thumbnail(request: Request) -> Response:
    return await _photo(request, thumbnail=True)


def routes() -> list[BaseRoute]:
    return [
        Route("/reports/{ref}/photos/{photo}", photo, methods=["GET"]),
        Route("/reports/{ref}/photos/{photo}/thumbnail", thumbnail, methods=["GET"]),
    ]
