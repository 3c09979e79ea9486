"""Administration settings: the topics citizens choose from and the privacy notice the bot
shows before asking for consent."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.staff.audit import record_audit
from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden, render
from flows.builtin_texts import VARIABLE_DEFAULTS
from storage import site_texts
from storage.topics import list_topics, topic_by_slug, upsert_topic

BACK = "/admin/settings"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
MAX_NOTICE = 2500  # one chat message, together with the question that follows it
MAX_NAME = 200


def keywords_of(raw: str) -> list[str]:
    seen: dict[str, None] = {}
    for word in raw.split(","):
        cleaned = " ".join(word.split()).lower()[:60]
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


async def page(request: Request, error: str = "", status_code: int = 200) -> Response:
    app = mitreden(request)
    async with app.sessions() as session:
        topics = await list_topics(session)
        notice = await site_texts.texts_of(session, site_texts.PRIVACY_NOTICE)
    shipped = VARIABLE_DEFAULTS["privacy_notice"]
    return await render(
        request,
        "admin/settings.html",
        {
            "topics": topics,
            "notice": notice,
            "notice_text": {
                lang: notice[lang].text if lang in notice else shipped[lang]
                for lang in ("de", "en")
            },
            "max_notice": MAX_NOTICE,
            "error": error,
        },
        status_code=status_code,
    )


async def show(request: Request) -> Response:
    return await page(request)


async def save_topic(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    form = await request.form()
    slug = str(form.get("slug", "")).strip().lower()
    creating = form.get("new") == "yes"
    name_de = " ".join(str(form.get("name_de", "")).split())[:MAX_NAME]
    name_en = " ".join(str(form.get("name_en", "")).split())[:MAX_NAME]
    keywords = keywords_of(str(form.get("keywords", "")))
    raw_position = str(form.get("position", "0")).strip()
    position = int(raw_position) if raw_position.lstrip("-").isdigit() else 0
    problem = None
    if not SLUG.match(slug):
        problem = "settings.slug_invalid"
    elif not name_de or not name_en:
        problem = "settings.names_needed"
    async with app.sessions() as session, session.begin():
        existing = await topic_by_slug(session, slug) if problem is None else None
        if problem is None and creating and existing is not None:
            problem = "settings.slug_taken"
        if problem is None:
            await upsert_topic(session, slug, name_de, name_en, keywords, position)
            await record_audit(
                session,
                user.name,
                "topic.create" if creating else "topic.update",
                slug,
                {
                    "name_de": name_de,
                    "name_en": name_en,
                    "keywords": keywords,
                    "position": position,
                },
            )
            name = name_en if language == "en" else name_de
            await add_flash(
                session, user, "success", translate(language, "settings.topic_saved", name=name)
            )
    if problem is not None:
        reason = translate(language, problem)
        return await page(
            request, translate(language, "settings.topic_refused", reason=reason), 400
        )
    return RedirectResponse(BACK, status_code=303)


async def save_privacy(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    form = await request.form()
    texts = {lang: str(form.get(f"notice_{lang}", "")).strip() for lang in ("de", "en")}
    if any(len(text) > MAX_NOTICE for text in texts.values()):
        return await page(
            request, translate(language, "settings.privacy_too_long", max=MAX_NOTICE), 400
        )
    shipped = VARIABLE_DEFAULTS["privacy_notice"]
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        for lang, text in texts.items():
            # the unchanged shipped text is not stored, so a later release may improve it
            kept = "" if text == shipped[lang].strip() else text
            await site_texts.set_text(
                session, site_texts.PRIVACY_NOTICE, lang, kept, user.name, now
            )
        await record_audit(session, user.name, "settings.privacy_notice", "", texts)
        await add_flash(session, user, "success", translate(language, "settings.privacy_saved"))
    await app.refresh_content()  # this process shows it at once; others within a minute
    return RedirectResponse(BACK, status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route(BACK, show, methods=["GET"]),
        Route(BACK + "/topics", save_topic, methods=["POST"]),
        Route(BACK + "/privacy", save_privacy, methods=["POST"]),
    ]
