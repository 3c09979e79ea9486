"""A report photo as an HTTP response, wherever MITREDEN_REPORT_PHOTO_STORE keeps it: a
file is streamed from the folder, bytes from the database are sent as they are. The
caller's headers (who may cache it) are the same either way."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response

from bot.config import Settings
from storage.photo_store import PhotoStore, photo_store


def stored_photos(settings: Settings) -> PhotoStore:
    return photo_store(settings.report_photo_store, settings.report_photo_dir)


def photo_response(found: Path | bytes | None, headers: Mapping[str, str]) -> Response:
    """The photo as JPEG; 404 for a photo that is gone."""
    if found is None:
        raise HTTPException(404)
    if isinstance(found, Path):
        return FileResponse(found, media_type="image/jpeg", headers=dict(headers))
    return Response(found, media_type="image/jpeg", headers=dict(headers))
