"""Staff pages for announcements: compose, preview per channel, audience size, send now or
later, live progress, cancel.

The delivery engine (bot/civic/announcements.py) does the work; these pages only ask it and
its storage (storage/announcements.py). The progress page polls a small JSON endpoint
(/announcements/ID/progress.json) once a second and also shows the figures as text that
screen readers announce politely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.civic import announcements
from bot.civic.consultations.form import parse_local
from bot.delivery.payloads import payload_to_reply
from bot.staff.audit import record_audit
from bot.staff.sessions import add_flash
from bot.web.auth import staff_user
from bot.web.civic.channel_preview import matrix_preview, telegram_preview
from bot.web.civic.references import ANNOUNCEMENT, row_id
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden, render
from storage.announcements import Audience, AudienceSize, announcement_by_id, audience_size
from storage.consultations import all_consultations
from storage.models.delivery import Announcement
from storage.topics import list_topics, topic_name

FINISHED = ("done", "cancelled")


@dataclass
class AnnouncementForm:
    text_de: str = ""
    text_en: str = ""
    audience: str = "all"  # "all", "topic" or "consultation"
    topic: str = ""
    consultation: str = ""
    when: str = "now"  # "now" or "later"
    send_at: str = ""  # datetime-local in the town's zone

    def audience_text(self) -> str:
        if self.audience == "topic":
            return f"topic:{self.topic}"
        if self.audience == "consultation":
            return f"consultation:{self.consultation}"
        return "all"


def _form_of(data: FormData) -> AnnouncementForm:
    def text(name: str, default: str = "") -> str:
        value = data.get(name, default)
        # browsers send a textarea's line breaks as CRLF; chats and the store use "\n"
        return value.replace("\r\n", "\n").strip() if isinstance(value, str) else default

    return AnnouncementForm(
        text_de=text("text_de"),
        text_en=text("text_en"),
        audience=text("audience", "all"),
        topic=text("topic"),
        consultation=text("consultation"),
        when=text("when", "now"),
        send_at=text("send_at"),
    )


def _audience_label(
    text: str, language: str, topics: dict[str, str], titles: dict[str, str]
) -> str:
    kind, _, target = text.partition(":")
    if kind == "topic":
        return translate(language, "announcements.to_topic", topic=topics.get(target, target))
    if kind == "consultation":
        return translate(
            language, "announcements.to_consultation", title=titles.get(target, f"C-{target}")
        )
    return translate(language, "announcements.to_all")


async def _labels(session: AsyncSession, language: str) -> tuple[dict[str, str], dict[str, str]]:
    topics = {t.slug: topic_name(t, language) for t in await list_topics(session)}
    titles = {
        str(c.id): (c.title_en if language == "en" else c.title_de)
        for c in await all_consultations(session)
    }
    return topics, titles


async def list_page(request: Request) -> Response:
    language = request_language(request)
    now = datetime.now(UTC)
    async with mitreden(request).sessions() as session:
        rows = await announcements.list_announcements(session, limit=100)
        progress = {
            row.id: await announcements.announcement_progress(session, row.id, now) for row in rows
        }
        topics, titles = await _labels(session, language)
    return await render(
        request,
        "civic/announcements.html",
        {
            "rows": rows,
            "progress": progress,
            "audience_label": lambda text: _audience_label(text, language, topics, titles),
        },
    )


def _previews(form: AnnouncementForm, audience: Audience) -> dict[str, Any]:
    previews = {}
    for language in ("de", "en"):
        text = (form.text_en if language == "en" else "") or form.text_de
        reply = payload_to_reply(announcements.announcement_payload(text, language, audience))
        previews[language] = {
            "telegram": telegram_preview(reply),
            "matrix": matrix_preview(reply),
        }
    return previews


async def _compose_page(
    request: Request,
    form: AnnouncementForm,
    *,
    problems: dict[str, str] | None = None,
    preview: bool = False,
    status_code: int = 200,
) -> Response:
    language = request_language(request)
    app = mitreden(request)
    size: AudienceSize | None = None
    previews: dict[str, Any] | None = None
    problems = dict(problems or {})
    async with app.sessions() as session:
        topics, titles = await _labels(session, language)
        if preview and not problems:
            try:
                audience = announcements.parse_audience(form.audience_text())
            except ValueError:
                problems["audience"] = translate(language, "announcements.pick_audience")
            else:
                size = await audience_size(session, audience)
                previews = _previews(form, audience)
    return await render(
        request,
        "civic/announcement_form.html",
        {
            "form": form,
            "problems": problems,
            "topics": sorted(topics.items(), key=lambda item: item[1]),
            "consultations": list(titles.items()),
            "size": size,
            "previews": previews,
            "max_length": announcements.MAX_TEXT,
        },
        status_code=status_code,
    )


async def new_page(request: Request) -> Response:
    return await _compose_page(request, AnnouncementForm())


def _check(
    form: AnnouncementForm, language: str, zone: str
) -> tuple[datetime | None, dict[str, str]]:
    problems: dict[str, str] = {}
    if not form.text_de:
        problems["text_de"] = translate(language, "announcements.need_german")
    for name in ("text_de", "text_en"):
        if len(getattr(form, name)) > announcements.MAX_TEXT:
            problems[name] = translate(
                language, "announcements.too_long", limit=announcements.MAX_TEXT
            )
    if form.audience == "topic" and not form.topic:
        problems["topic"] = translate(language, "announcements.pick_topic")
    if form.audience == "consultation" and not form.consultation.isdigit():
        problems["consultation"] = translate(language, "announcements.pick_consultation")
    send_at = None
    if form.when == "later":
        send_at = parse_local(form.send_at, zone)
        if send_at is None:
            problems["send_at"] = translate(language, "announcements.bad_time")
        elif send_at < datetime.now(UTC) - announcements.PAST_TOLERANCE:
            problems["send_at"] = translate(language, "announcements.in_the_past")
    return send_at, problems


async def compose(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    data = await request.form()
    form = _form_of(data)
    send_at, problems = _check(form, language, app.settings.web_timezone)
    if data.get("action") != "send" or problems:
        return await _compose_page(
            request, form, problems=problems, preview=True, status_code=422 if problems else 200
        )
    now = datetime.now(UTC)
    try:
        async with app.sessions() as session, session.begin():
            announcement_id = await announcements.create_announcement(
                session,
                text_de=form.text_de,
                text_en=form.text_en or None,
                audience=form.audience_text(),
                send_at=send_at,
                created_by=user.name,
                now=now,
            )
            row = await announcement_by_id(session, announcement_id)
            await record_audit(
                session,
                user.name,
                "announcement.create",
                f"A-{announcement_id}",
                {
                    "audience": form.audience_text(),
                    "send_at": send_at.isoformat() if send_at else "now",
                    "messages": row.total if row else 0,
                },
                now,
            )
            key = "announcements.scheduled" if send_at and send_at > now else "announcements.sent"
            await add_flash(session, user, "success", translate(language, key))
    except ValueError as refused:  # the engine's plain message: bad audience, time, length
        problems = {"form": str(refused)}
        return await _compose_page(request, form, problems=problems, preview=True, status_code=422)
    app.worker.wake()
    return RedirectResponse(f"/announcements/{announcement_id}", status_code=303)


def _progress_json(progress: announcements.AnnouncementProgress, language: str) -> dict[str, Any]:
    settled = progress.sent + progress.failed + progress.cancelled
    percent = 100 if progress.total == 0 and progress.state in FINISHED else 0
    if progress.total:
        percent = min(100, round(100 * settled / progress.total))
    return {
        "id": progress.id,
        "state": progress.state,
        "state_label": translate(language, f"announcements.states.{progress.state}"),
        "total": progress.total,
        "sent": progress.sent,
        "failed": progress.failed,
        "remaining": progress.remaining,
        "cancelled": progress.cancelled,
        "percent": percent,
        "rate_per_second": round(progress.rate_per_second, 1) if progress.rate_per_second else None,
        "seconds_left": round(progress.seconds_left) if progress.seconds_left is not None else None,
        "finished": progress.state in FINISHED,
        "summary": _summary(progress, percent, language),
    }


def _duration(seconds: float, language: str) -> str:
    if seconds < 90:
        return translate(language, "announcements.seconds", n=round(seconds))
    return translate(language, "announcements.minutes", n=round(seconds / 60))


def _summary(progress: announcements.AnnouncementProgress, percent: int, language: str) -> str:
    """The progress in one sentence: what screen readers announce and what shows without JS."""
    if progress.state == "scheduled":
        return translate(language, "announcements.summary_scheduled")
    rate = (
        translate(language, "announcements.rate", rate=f"{progress.rate_per_second:.1f}")
        if progress.rate_per_second
        else ""
    )
    if progress.state in FINISHED:
        left = ""
    elif progress.seconds_left is None:  # nothing sent yet to measure the pace by
        left = translate(language, "announcements.left_unknown")
    else:
        left = translate(
            language, "announcements.left", time=_duration(progress.seconds_left, language)
        )
    return translate(
        language,
        "announcements.summary",
        percent=percent,
        sent=progress.sent,
        failed=progress.failed,
        remaining=progress.remaining,
        total=progress.total,
    ) + "".join(f" {part}" for part in (rate, left) if part)


async def _progress(request: Request) -> tuple[Announcement, announcements.AnnouncementProgress]:
    raw = request.path_params["announcement_id"]
    async with mitreden(request).sessions() as session:
        wanted = row_id(raw, ANNOUNCEMENT)
        row = await announcement_by_id(session, wanted) if wanted is not None else None
        if row is None:
            raise HTTPException(404)
        progress = await announcements.announcement_progress(session, row.id, datetime.now(UTC))
    return row, progress


async def detail_page(request: Request) -> Response:
    language = request_language(request)
    row, progress = await _progress(request)
    async with mitreden(request).sessions() as session:
        topics, titles = await _labels(session, language)
    return await render(
        request,
        "civic/announcement.html",
        {
            "row": row,
            "progress": _progress_json(progress, language),
            "audience": _audience_label(row.audience, language, topics, titles),
            "can_cancel": progress.state in ("scheduled", "sending"),
        },
    )


async def progress_json(request: Request) -> Response:
    _, progress = await _progress(request)
    return JSONResponse(
        _progress_json(progress, request_language(request)),
        headers={"Cache-Control": "no-store"},
    )


async def cancel(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    language = request_language(request)
    row, _ = await _progress(request)
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        stopped = await announcements.cancel_announcement(session, row.id, now)
        if stopped:
            in_flight = await announcements.in_flight(session, row.id)
            await record_audit(
                session,
                user.name,
                "announcement.cancel",
                f"A-{row.id}",
                {"in_flight": in_flight},
                now,
            )
            await add_flash(
                session,
                user,
                "success",
                translate(language, "announcements.cancelled", n=in_flight),
            )
        else:
            await add_flash(
                session, user, "error", translate(language, "announcements.not_cancelled")
            )
    return RedirectResponse(f"/announcements/{row.id}", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/announcements", list_page),
        Route("/announcements/new", new_page, methods=["GET"]),
        Route("/announcements/new", compose, methods=["POST"]),
        Route("/announcements/{announcement_id}", detail_page),
        Route("/announcements/{announcement_id}/progress.json", progress_json),
        Route("/announcements/{announcement_id}/cancel", cancel, methods=["POST"]),
    ]
