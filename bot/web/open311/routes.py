"""The GeoReport v2 methods under /open311/v2/: discovery, services, a service definition,
requests (GET with the standard filters, POST with the API key) and one request.

Only published reports are shown, and nothing about who made them; `media_url` is the
address of a photo staff released (storage/reports/photo_releases.py), else empty."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.web.open311.formats import FORMATS, answer, error
from bot.web.templating import mitreden
from storage import reports
from storage.models.reports import Report, ReportCategory
from storage.references import REPORT, parse_reference
from storage.reports.listing import PublicFilter, published_reports
from storage.reports.photo_releases import first_public_photos, photo_address
from storage.reports.status import history

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
BASE = "/open311/v2"
CLOSED = (reports.DONE, reports.NOT_RESPONSIBLE, reports.DUPLICATE)
MAX_DESCRIPTION = 4000
MAX_ADDRESS = 200


def _format(request: Request) -> str | None:
    fmt = str(request.path_params.get("format", "")).lower()
    return fmt if fmt in FORMATS else None


def _time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _language(request: Request) -> str:
    wanted = request.query_params.get("locale", "") or request.headers.get("accept-language", "")
    return "en" if wanted.lower().startswith("en") else "de"


def _service(category: ReportCategory, language: str) -> dict[str, Any]:
    name = category.name_en if language == "en" else category.name_de
    keywords = category.keywords_en if language == "en" else category.keywords_de
    return {
        "service_code": category.code,
        "service_name": name,
        "description": name,
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(keywords),
        "group": "",
    }


async def discovery(request: Request) -> Response:
    fmt = _format(request)
    if fmt is None:
        return error("json", 404, "unknown format")
    app = mitreden(request)
    url = f"{app.settings.public_url.rstrip('/')}{BASE}/"
    return answer(
        fmt,
        "discovery",
        {
            "changeset": "2026-12-10T00:00:00Z",
            "contact": app.settings.privacy_contact,
            "key_service": app.settings.contact_url or app.settings.public_url,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": url,
                    "changeset": "2026-12-10T00:00:00Z",
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


async def services(request: Request) -> Response:
    fmt = _format(request)
    if fmt is None:
        return error("json", 404, "unknown format")
    async with mitreden(request).sessions() as session:
        listed = await reports.categories(session)
    language = _language(request)
    return answer(fmt, "services", [_service(category, language) for category in listed])


async def service_definition(request: Request) -> Response:
    fmt = _format(request)
    if fmt is None:
        return error("json", 404, "unknown format")
    code = str(request.path_params["code"])
    async with mitreden(request).sessions() as session:
        category = await reports.category_by_code(session, code)
    if category is None or not category.active:
        return error(fmt, 404, f"unknown service_code {code}")
    return answer(fmt, "service_definition", {"service_code": code, "attributes": []})


async def _request_view(
    request: Request, report: Report, names: dict[str, str], photo: str | None
) -> dict[str, Any]:
    async with mitreden(request).sessions() as session:
        changes = await history(session, report.id)
    language = _language(request)
    last = changes[-1] if changes else None
    note = ""
    if last is not None:
        note = (
            (last.note_en or last.note_de) if language == "en" else (last.note_de or last.note_en)
        )
    return {
        "service_request_id": report.ref,
        "status": "closed" if report.status in CLOSED else "open",
        "status_notes": note,
        "service_name": names.get(report.category_code, report.category_code),
        "service_code": report.category_code,
        "description": report.description,
        "agency_responsible": mitreden(request).settings.town,
        "service_notice": "",
        "requested_datetime": _time(report.created_at),
        "updated_datetime": _time(report.updated_at),
        "expected_datetime": "",
        "address": report.place or "",
        "address_id": "",
        "zipcode": "",
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": photo_address(mitreden(request).settings.public_url, photo) if photo else "",
    }


async def _names(request: Request) -> dict[str, str]:
    language = _language(request)
    async with mitreden(request).sessions() as session:
        listed = await reports.categories(session, active_only=False)
    return {c.code: c.name_en if language == "en" else c.name_de for c in listed}


def _date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ids(raw: str) -> list[int]:
    found = [parse_reference(part, REPORT) for part in raw.split(",") if part.strip()]
    return [number for number in found if number is not None]


async def list_requests(request: Request, fmt: str) -> Response:
    params = request.query_params
    try:
        start, end = _date(params.get("start_date")), _date(params.get("end_date"))
    except ValueError:
        return error(fmt, 400, "start_date and end_date must be ISO 8601 times")
    status = [part.strip() for part in params.get("status", "").split(",") if part.strip()]
    if any(part not in ("open", "closed") for part in status):
        return error(fmt, 400, "status is open or closed")
    ours = [
        *(reports.OPEN_STATUSES if "open" in status else ()),
        *(CLOSED if "closed" in status else ()),
    ]
    wanted_ids = params.get("service_request_id", "")
    wanted = PublicFilter(
        ids=_ids(wanted_ids),
        categories=[c for c in params.get("service_code", "").split(",") if c],
        statuses=ours,
        start=start,
        end=end,
    )
    if wanted_ids and not wanted.ids:
        return answer(fmt, "service_requests", [])
    async with mitreden(request).sessions() as session:
        found = await published_reports(session, wanted)
        photos = await first_public_photos(session, found)
    names = await _names(request)
    views = [await _request_view(request, report, names, photos.get(report.id)) for report in found]
    return answer(fmt, "service_requests", views)


def _coordinate(raw: Any, low: float, high: float) -> float | None:
    try:
        value = float(str(raw))
    except ValueError:
        raise ValueError("lat and long must be numbers") from None
    if not low <= value <= high:
        raise ValueError("lat or long out of range")
    return value


async def create_request(request: Request, fmt: str) -> Response:
    app = mitreden(request)
    form = await request.form()
    key = app.settings.open311_api_key
    given = str(form.get("api_key", ""))
    if key is None or not secrets.compare_digest(given.encode(), key.get_secret_value().encode()):
        return error(fmt, 403, "a valid api_key is required")
    code = str(form.get("service_code", ""))
    description = str(form.get("description", "")).strip()[:MAX_DESCRIPTION]
    address = str(form.get("address_string", "")).strip()[:MAX_ADDRESS] or None
    try:
        lat = _coordinate(form["lat"], -90, 90) if form.get("lat") else None
        lon = _coordinate(form["long"], -180, 180) if form.get("long") else None
    except ValueError as problem:
        return error(fmt, 400, str(problem))
    if (lat is None) != (lon is None) or (lat is None and address is None):
        return error(fmt, 400, "a location is required: lat and long, or address_string")
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        category = await reports.category_by_code(session, code)
        if category is None or not category.active:
            return error(fmt, 404, f"unknown service_code {code}")
        # names, e-mail and phone the app may send are not kept: the report needs none
        report = await reports.create_report(
            session,
            citizen_id=None,
            category_code=code,
            description=description,
            place=address,
            language="de",
            now=now,
            latitude=lat,
            longitude=lon,
        )
    notice = "Die Meldung erscheint öffentlich, sobald die Verwaltung sie geprüft hat."
    return answer(
        fmt,
        "service_requests",
        [{"service_request_id": report.ref, "service_notice": notice, "account_id": ""}],
    )


async def requests_endpoint(request: Request) -> Response:
    fmt = _format(request)
    if fmt is None:
        return error("json", 404, "unknown format")
    if request.method == "POST":
        return await create_request(request, fmt)
    return await list_requests(request, fmt)


async def one_request(request: Request) -> Response:
    fmt = _format(request)
    if fmt is None:
        return error("json", 404, "unknown format")
    number = parse_reference(str(request.path_params["id"]), REPORT)
    found = []
    photos: dict[int, str] = {}
    if number is not None:
        async with mitreden(request).sessions() as session:
            found = await published_reports(session, PublicFilter(ids=[number]))
            photos = await first_public_photos(session, found)
    if not found:
        return error(fmt, 404, "no such service request")
    names = await _names(request)
    view = await _request_view(request, found[0], names, photos.get(found[0].id))
    return answer(fmt, "service_requests", [view])


def routes() -> list[BaseRoute]:
    return [
        Route(BASE + "/discovery.{format}", discovery, methods=["GET"]),
        Route(BASE + "/services.{format}", services, methods=["GET"]),
        Route(BASE + "/services/{code}.{format}", service_definition, methods=["GET"]),
        Route(BASE + "/requests.{format}", requests_endpoint, methods=["GET", "POST"]),
        Route(BASE + "/requests/{id}.{format}", one_request, methods=["GET"]),
    ]
