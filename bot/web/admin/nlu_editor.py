"""The intent data editor: edit the Rasa-format files, check them by file and line, train
and evaluate in the background, use a trained version, go back to an earlier one or to the
installed data. Admins only (the staff gate guards /admin); every change is audited."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.content import intent_data as nlu_admin
from bot.staff.audit import record_audit
from bot.web.admin.content_problems import shown
from bot.web.auth import staff_user
from bot.web.errors import error_page
from bot.web.forms import flash, form_text
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden, render
from nlu.data_problems import Problem
from storage import nlu_versions


def number_format(language: str) -> Any:
    """`num(0.7834, 1, percent=True)` -> "78,3" in German, "78.3" in English."""

    def num(value: float, digits: int = 3, percent: bool = False) -> str:
        text = f"{value * 100 if percent else value:.{digits}f}"
        return text.replace(".", ",") if language == "de" else text

    return num


def _trainer(request: Request) -> nlu_admin.Trainer:
    return mitreden(request).trainer


def _to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


async def nlu_page(request: Request) -> Response:
    return await _page(request, request.query_params.get("file", ""))


async def _page(
    request: Request,
    wanted: str,
    *,
    typed: str | None = None,
    refused: list[Problem] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    """The editor on file `wanted`; `typed` shows text that was sent (and maybe not kept),
    `refused` the problems that kept it out, before the problems of the draft."""
    app = mitreden(request)
    language = request_language(request)
    async with app.sessions() as session:
        editing = await nlu_admin.open_editor(session, app.settings)
        versions = await nlu_versions.history(session)
    names = sorted(editing.files)
    chosen = wanted if wanted in editing.files else (names[0] if names else "")
    bad_name = None
    if wanted and wanted not in editing.files:
        bad_name = nlu_admin.check_file_name(wanted)
        chosen = "" if bad_name else wanted  # a new file, empty until saved
    problems = await asyncio.to_thread(nlu_admin.check_files, editing.files)
    text = editing.files.get(chosen, "") if typed is None else typed
    return await render(
        request,
        "admin/nlu/edit.html",
        {
            "editing": editing,
            "names": names,
            "chosen": chosen,
            "bad_name": translate(language, "nluedit.bad_file_name") if bad_name else None,
            "new_name": wanted if bad_name else "",
            "text": text,
            "line_count": max(text.count("\n") + 1, 1),
            "problems": shown([*(refused or []), *problems], language),
            "notice": notice,
            "versions": versions,
            "active": next((v for v in versions if v.is_active), None),
            "jump": request.query_params.get("line", ""),
            "trainable": editing.is_draft and not problems,
            "num": number_format(language),
        },
        status_code=status_code,
    )


async def nlu_save(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    form = await request.form()
    name, text = form_text(form, "file").strip(), form_text(form, "text")
    problem = nlu_admin.check_file_name(name)
    if problem is not None:
        await flash(request, "error", "nluedit.bad_file")
        return _to("/admin/nlu")
    language = request_language(request)
    refused = nlu_admin.unsaveable(name, text)
    if refused is not None:  # nothing is stored; the page keeps the text for the next try
        notice = translate(language, "flowedit.not_saved")
        return await _page(
            request, name, typed=text, refused=[refused], notice=notice, status_code=422
        )
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        problems = await nlu_admin.save_file(session, app.settings, name, text, user.name, now)
        await record_audit(session, user.name, "nlu.save", name, {"problems": len(problems)}, now)
    if problems:
        notice = translate(language, "nluedit.saved_with_problems", n=len(problems))
        return await _page(request, name, notice=notice, status_code=422)
    await flash(request, "success", "nluedit.saved")
    return _to(f"/admin/nlu?file={name}")


async def nlu_discard(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    async with app.sessions() as session, session.begin():
        await nlu_admin.discard_draft(session)
        await record_audit(session, user.name, "nlu.discard")
    await flash(request, "success", "nluedit.discarded")
    return _to("/admin/nlu")


async def nlu_train(request: Request) -> Response:
    app = mitreden(request)
    user = staff_user(request)
    now = datetime.now(UTC)
    started = await _trainer(request).start(user.name, now)
    if isinstance(started, list):
        await flash(request, "error", "nluedit.cannot_train", n=len(started))
        return _to("/admin/nlu")
    async with app.sessions() as session, session.begin():
        await record_audit(session, user.name, "nlu.train", f"v{started}", None, now)
    return _to(f"/admin/nlu/versions/{started}")


async def nlu_train_again(request: Request) -> Response:
    """Train a failed or interrupted version's files again, as a new version."""
    version_id = _version_id(request)
    if version_id is None:
        return await error_page(request, 404)
    app = mitreden(request)
    user = staff_user(request)
    now = datetime.now(UTC)
    started = await _trainer(request).train_again(version_id, user.name, now)
    if started is None:
        await flash(request, "error", "nluedit.cannot_train_again")
        return _to(f"/admin/nlu/versions/{version_id}")
    async with app.sessions() as session, session.begin():
        detail = {"again_from": version_id}
        await record_audit(session, user.name, "nlu.train", f"v{started}", detail, now)
    return _to(f"/admin/nlu/versions/{started}")


def _version_id(request: Request) -> int | None:
    raw = str(request.path_params["version_id"])
    return int(raw) if raw.isdigit() else None


async def nlu_version(request: Request) -> Response:
    version_id = _version_id(request)
    app = mitreden(request)
    async with app.sessions() as session:
        version = None if version_id is None else await nlu_versions.get(session, version_id)
        active = await nlu_versions.active(session)
    if version is None or version.status == nlu_versions.DRAFT:
        return await error_page(request, 404)
    progress = _trainer(request).progress(version.id)
    return await render(
        request,
        "admin/nlu/version.html",
        {
            "version": version,
            "progress": progress,
            "training": version.status == nlu_versions.TRAINING,
            "active": active,
            "num": number_format(request_language(request)),
        },
    )


async def nlu_activate(request: Request) -> Response:
    version_id = _version_id(request)
    if version_id is None:
        return await error_page(request, 404)
    return await _use(request, version_id)


async def nlu_use_installed(request: Request) -> Response:
    return await _use(request, None)


async def _use(request: Request, version_id: int | None) -> Response:
    """Make a version (None: the installed data) the one the running bot answers from."""
    app = mitreden(request)
    user = staff_user(request)
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        outcome = await nlu_admin.activate(session, version_id, now)
        if not isinstance(outcome, str):
            target = "installed" if version_id is None else f"v{version_id}"
            await record_audit(session, user.name, "nlu.activate", target, None, now)
    if isinstance(outcome, str):
        await flash(request, "error", "nluedit.not_trained")
        return _to(f"/admin/nlu/versions/{version_id}")
    await app.refresh_content()  # this process switches now; others within a few seconds
    if version_id is None:
        await flash(request, "success", "nluedit.using_installed")
    else:
        await flash(request, "success", "nluedit.using_version", version=version_id)
    return _to("/admin/nlu")


def routes() -> list[BaseRoute]:
    return [
        Route("/admin/nlu", nlu_page, methods=["GET"]),
        Route("/admin/nlu", nlu_save, methods=["POST"]),
        Route("/admin/nlu/discard", nlu_discard, methods=["POST"]),
        Route("/admin/nlu/train", nlu_train, methods=["POST"]),
        Route("/admin/nlu/installed", nlu_use_installed, methods=["POST"]),
        Route("/admin/nlu/versions/{version_id}", nlu_version, methods=["GET"]),
        Route("/admin/nlu/versions/{version_id}/activate", nlu_activate, methods=["POST"]),
        Route("/admin/nlu/versions/{version_id}/train", nlu_train_again, methods=["POST"]),
    ]
