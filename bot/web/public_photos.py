"""Report photos staff released, for everyone: open data and Open311 apps link here.

Only while the photo is released and its report published; anything else is a 404 that
says no more than a photo that never existed. The photos were stored without metadata
(bot/civic/photos.py), so they are served as they are, from the folder or the database.
Shared caches may keep a photo for a few minutes at most: a withdrawn photo disappears
from them soon after.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.web.photo_responses import photo_response, stored_photos
from bot.web.templating import mitreden
from storage.reports.photo_releases import PUBLIC_PATH, public_photo

MAX_AGE_SECONDS = 300
_HEADERS = {
    "Cache-Control": f"public, max-age={MAX_AGE_SECONDS}",
    "X-Content-Type-Options": "nosniff",
    # other sites and apps may show the picture; it is public on purpose
    "Cross-Origin-Resource-Policy": "cross-origin",
}


async def _photo(request: Request, thumbnail: bool) -> Response:
    app = mitreden(request)
    photo_id = str(request.path_params["photo"])
    async with app.sessions() as session:
        if not await public_photo(session, photo_id):
            raise HTTPException(404)
        found = await stored_photos(app.settings).read(session, photo_id, thumbnail=thumbnail)
    return photo_response(found, _HEADERS)


async def photo(request: Request) -> Response:
    return await _photo(request, thumbnail=False)


async def thumbnail(request: Request) -> Response:
    return await _photo(request, thumbnail=True)


def routes() -> list[BaseRoute]:
    return [
        Route(PUBLIC_PATH + "/{photo}/photo.jpg", photo, methods=["GET"]),
        Route(PUBLIC_PATH + "/{photo}/thumbnail.jpg", thumbnail, methods=["GET"]),
    ]
