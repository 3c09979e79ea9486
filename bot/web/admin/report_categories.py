"""Administration of report categories (names, keywords, on/off, order) and of the radius
within which open reports of the same category are offered as the same problem."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.staff.audit import record_audit
from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden, render
from storage import reports
from storage.reports import category_editing as editing

BACK = "/admin/report-categories"
CODE = re.compile(r"^[a-z0-9_]{2,32}$")
MAX_NAME = 120  # the column's length
MAX_KEYWORDS = 2000  # characters of one language's list, as typed
MAX_KEYWORD = 60
RADIUS_RANGE = (5, 1000)

Fields = dict[str, str]
Problems = dict[str, str]


def keywords_of(raw: str) -> list[str]:
    """Comma-separated words, trimmed, each once (whatever its case), in the order given;
    the chat compares them without case, staff see them as they wrote them."""
    seen: dict[str, str] = {}
    for word in raw.split(","):
        cleaned = " ".join(word.split())
        if cleaned:
            seen.setdefault(cleaned.casefold(), cleaned)
    return list(seen.values())


def _typed(form: FormData) -> Fields:
    names = ("code", "name_de", "name_en", "keywords_de", "keywords_en", "position")
    typed = {name: str(form.get(name, "")).strip() for name in names}
    typed["active"] = "yes" if form.get("active") == "yes" else "no"
    return typed


def _check(typed: Fields, language: str) -> Problems:
    problems: Problems = {}
    for lang in ("de", "en"):
        name = typed[f"name_{lang}"]
        if not name:
            problems[f"name_{lang}"] = translate(language, "categories.name_needed")
        elif len(name) > MAX_NAME:
            problems[f"name_{lang}"] = translate(language, "categories.name_long", max=MAX_NAME)
        raw = typed[f"keywords_{lang}"]
        words = keywords_of(raw)
        if len(raw) > MAX_KEYWORDS or any(len(word) > MAX_KEYWORD for word in words):
            problems[f"keywords_{lang}"] = translate(
                language, "categories.keywords_long", max=MAX_KEYWORDS, word=MAX_KEYWORD
            )
    if not re.fullmatch(r"-?\d{1,6}", typed["position"]):
        problems["position"] = translate(language, "categories.position_invalid")
    return problems


def _radius_of(raw: str) -> int | None:
    if not raw.isdigit() or len(raw) > 5:
        return None
    metres = int(raw)
    return metres if RADIUS_RANGE[0] <= metres <= RADIUS_RANGE[1] else None


async def page(
    request: Request,
    *,
    typed: dict[str, Fields] | None = None,
    problems: dict[str, Problems] | None = None,
    radius_typed: str | None = None,
    status_code: int = 200,
) -> Response:
    """The page; `typed` and `problems` hold a refused form by its code ("" for the new
    one), so what was typed shows again with the reason next to the field."""
    app = mitreden(request)
    async with app.sessions() as session:
        listed = await reports.categories(session, active_only=False)
        counts = await editing.report_counts(session)
        stored_radius = await editing.duplicate_radius(session)
    forms: list[dict[str, Any]] = []
    for category in listed:
        shown = {
            "code": category.code,
            "name_de": category.name_de,
            "name_en": category.name_en,
            "keywords_de": ", ".join(category.keywords_de),
            "keywords_en": ", ".join(category.keywords_en),
            "active": "yes" if category.active else "no",
            "position": str(category.position),
        }
        shown.update((typed or {}).get(category.code, {}))
        shown["code"] = category.code
        forms.append({"values": shown, "reports": counts.get(category.code, 0)})
    default_radius = app.settings.report_duplicate_radius_m
    radius = stored_radius if stored_radius is not None else default_radius
    next_position = max((c.position for c in listed), default=0) + 10
    new_values = (typed or {}).get("", {"active": "yes", "position": str(next_position)})
    return await render(
        request,
        "admin/report_categories.html",
        {
            "forms": forms,
            "problems": problems or {},
            "new_values": new_values,
            "radius": radius_typed if radius_typed is not None else f"{radius:g}",
            "radius_is_default": stored_radius is None,
            "default_radius": f"{default_radius:g}",
            "radius_range": RADIUS_RANGE,
            "max_name": MAX_NAME,
            "max_keywords": MAX_KEYWORDS,
        },
        status_code=status_code,
    )


async def show(request: Request) -> Response:
    return await page(request)


def _names(typed: Fields) -> tuple[str, str]:
    return typed["name_de"], typed["name_en"]


def _keywords(typed: Fields) -> tuple[list[str], list[str]]:
    return keywords_of(typed["keywords_de"]), keywords_of(typed["keywords_en"])


def _audit_details(typed: Fields) -> dict[str, Any]:
    de, en = _keywords(typed)
    return {
        "name_de": typed["name_de"],
        "name_en": typed["name_en"],
        "keywords_de": de,
        "keywords_en": en,
        "active": typed["active"] == "yes",
        "position": int(typed["position"]),
    }


async def add(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    typed = _typed(await request.form())
    typed["code"] = typed["code"].lower()
    problems = _check(typed, language)
    if not CODE.match(typed["code"]):
        problems["code"] = translate(language, "categories.code_invalid")
    async with app.sessions() as session, session.begin():
        if "code" not in problems and await reports.category_by_code(session, typed["code"]):
            problems["code"] = translate(language, "categories.code_taken", code=typed["code"])
        if not problems:
            await editing.add_category(
                session,
                typed["code"],
                _names(typed),
                _keywords(typed),
                active=typed["active"] == "yes",
                position=int(typed["position"]),
            )
            details = _audit_details(typed)
            await record_audit(session, user.name, "report_category.create", typed["code"], details)
            await add_flash(session, user, "success", _saved(language, typed))
    if problems:
        return await page(request, typed={"": typed}, problems={"": problems}, status_code=400)
    return RedirectResponse(BACK, status_code=303)


def _saved(language: str, typed: Fields) -> str:
    name = typed["name_en"] if language == "en" else typed["name_de"]
    return translate(language, "categories.saved", name=name)


async def save(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    code = request.path_params["code"]
    typed = _typed(await request.form())
    problems = _check(typed, language)
    async with app.sessions() as session, session.begin():
        category = await reports.category_by_code(session, code)
        if category is None:
            return await _gone(request, language)
        if not problems:
            editing.change_category(
                category,
                _names(typed),
                _keywords(typed),
                active=typed["active"] == "yes",
                position=int(typed["position"]),
            )
            await record_audit(
                session, user.name, "report_category.update", code, _audit_details(typed)
            )
            await add_flash(session, user, "success", _saved(language, typed))
    if problems:
        return await page(request, typed={code: typed}, problems={code: problems}, status_code=400)
    return RedirectResponse(BACK, status_code=303)


async def _gone(request: Request, language: str) -> Response:
    problem = {"code": translate(language, "categories.unknown")}
    return await page(request, problems={"": problem}, status_code=404)


async def remove(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    code = request.path_params["code"]
    async with app.sessions() as session, session.begin():
        category = await reports.category_by_code(session, code)
        if category is None:
            return await _gone(request, language)
        name = category.name_en if language == "en" else category.name_de
        deleted = await editing.delete_unused_category(session, code)
        if deleted:
            await record_audit(session, user.name, "report_category.delete", code, {})
            await add_flash(
                session, user, "success", translate(language, "categories.deleted", name=name)
            )
    if not deleted:
        refused = {"delete": translate(language, "categories.in_use")}
        return await page(request, problems={code: refused}, status_code=400)
    return RedirectResponse(BACK, status_code=303)


async def save_radius(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    raw = str((await request.form()).get("radius", "")).strip()
    metres = _radius_of(raw)
    if metres is None:
        low, high = RADIUS_RANGE
        refused = {"radius": translate(language, "categories.radius_invalid", low=low, high=high)}
        return await page(
            request, problems={"radius": refused}, radius_typed=raw[:20], status_code=400
        )
    async with app.sessions() as session, session.begin():
        await editing.set_duplicate_radius(session, metres, user.name, datetime.now(UTC))
        await record_audit(session, user.name, "report_settings.radius", "", {"metres": metres})
        await add_flash(
            session, user, "success", translate(language, "categories.radius_saved", metres=metres)
        )
    return RedirectResponse(BACK, status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route(BACK, show, methods=["GET"]),
        Route(BACK, add, methods=["POST"]),
        Route(BACK + "/radius", save_radius, methods=["POST"]),
        Route(BACK + "/category/{code:str}", save, methods=["POST"]),
        Route(BACK + "/category/{code:str}/delete", remove, methods=["POST"]),
    ]
