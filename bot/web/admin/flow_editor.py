"""The flow editor pages: list, edit with checks by line, tests, simulator, publish, diff,
roll back. Admins only (the staff gate guards /admin); every change is in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.content import expected_texts
from bot.content import flows as flow_admin
from bot.content.flow_diff import diff_versions
from bot.content.simulator import Simulators
from bot.staff.audit import record_audit
from bot.web.admin.content_problems import shown as shown_problems
from bot.web.auth import staff_user
from bot.web.errors import error_page
from bot.web.forms import flash, form_text
from bot.web.i18n import request_language, translate
from bot.web.templating import mitreden, render
from flows.validation import FLOW_ID


def _simulators(request: Request) -> Simulators:
    return mitreden(request).simulators


def _flow_id(request: Request) -> str | None:
    flow_id = str(request.path_params["flow_id"])
    return flow_id if FLOW_ID.fullmatch(flow_id) and len(flow_id) <= 64 else None


def _back(flow_id: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/admin/flows/{flow_id}{anchor}", status_code=303)


async def flow_list(request: Request) -> Response:
    app = mitreden(request)
    async with app.sessions() as session:
        flows = await flow_admin.list_flows(session, request_language(request))
    return await render(request, "admin/flows/list.html", {"flows": flows})


async def _editor(
    request: Request,
    flow_id: str,
    *,
    source: str | None = None,
    result: flow_admin.PublishResult | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> Response:
    """The editor page; `source` and `result` show what was just submitted and found."""
    app = mitreden(request)
    directory = flow_admin.transcripts_dir(app.settings)
    async with app.sessions() as session:
        editing = await flow_admin.open_editor(session, flow_id)
        covering = await expected_texts.covering_tests(session, flow_id, directory)
    current = await flow_admin.current_flow_sources(app.sessions)
    if editing is None:  # a new flow: nothing is stored until it is saved
        editing = flow_admin.Editing(flow_id, flow_admin.starter(flow_id), False, None, None, [])
    shown = editing.source if source is None else source
    if result is not None:
        problems = result.problems
    elif editing.is_draft:
        problems = flow_admin.check_source(flow_id, editing.source, current)
    else:
        problems = []
    simulator = _simulators(request).get((staff_user(request).token_hash, flow_id))
    return await render(
        request,
        "admin/flows/edit.html",
        {
            "flow_id": flow_id,
            "editing": editing,
            "source": shown,
            "line_count": max(shown.count("\n") + 1, 1),
            "problems": shown_problems(problems, request_language(request)),
            "tests": None if result is None else result.tests,
            "covering": covering,
            "simulator": simulator,
            "notice": notice,
            "jump": request.query_params.get("line", ""),
        },
        status_code=status_code,
    )


async def flow_new(request: Request) -> Response:
    """The list page's "new flow" form: to the editor of that id, if it is a good one."""
    flow_id = request.query_params.get("flow_id", "").strip()
    if not FLOW_ID.fullmatch(flow_id) or len(flow_id) > 64:
        await flash(request, "error", "flowedit.bad_id")
        return RedirectResponse("/admin/flows", status_code=303)
    return _back(flow_id)


async def flow_page(request: Request) -> Response:
    flow_id = _flow_id(request)
    if flow_id is None:
        return await error_page(request, 404)
    return await _editor(request, flow_id)


async def flow_submit(request: Request) -> Response:
    """Save the draft, and then, as the pressed button says, test it or publish it."""
    flow_id = _flow_id(request)
    if flow_id is None:
        return await error_page(request, 404)
    app = mitreden(request)
    user = staff_user(request)
    form = await request.form()
    source, action = form_text(form, "source"), form_text(form, "action") or "save"
    refused = flow_admin.unsaveable(flow_id, source)
    if refused is not None:  # nothing is stored; the page keeps the text for the next try
        return await _editor(
            request,
            flow_id,
            source=source,
            result=flow_admin.PublishResult(problems=[refused]),
            status_code=422,
            notice=translate(request_language(request), "flowedit.not_saved"),
        )
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        problems = await flow_admin.save_draft(session, flow_id, source, user.name, now)
        await record_audit(
            session, user.name, "flow.save", flow_id, {"problems": len(problems)}, now
        )
    if problems:
        result = flow_admin.PublishResult(problems=problems)
        return await _editor(request, flow_id, result=result, status_code=422)
    if action == "save":
        await flash(request, "success", "flowedit.saved")
        return _back(flow_id)
    if action == "test":
        result = await flow_admin.test_draft(
            app.sessions, flow_id, app.settings, app.recognizer, app.build_bot
        )
        return await _editor(request, flow_id, result=result)

    async def audit(session: AsyncSession, version: int) -> None:
        await record_audit(session, user.name, "flow.publish", f"{flow_id} v{version}", None, now)

    result = await flow_admin.publish_draft(
        app.sessions, flow_id, user.name, now, app.settings, app.recognizer, app.build_bot, audit
    )
    if not result.published:
        return await _editor(request, flow_id, result=result, status_code=422)
    await app.reload_flows()
    await flash(request, "success", "flowedit.published", version=result.version)
    return _back(flow_id)


async def flow_discard(request: Request) -> Response:
    flow_id = _flow_id(request)
    if flow_id is None:
        return await error_page(request, 404)
    app = mitreden(request)
    user = staff_user(request)
    async with app.sessions() as session, session.begin():
        if await flow_admin.discard_draft(session, flow_id):
            await record_audit(session, user.name, "flow.discard", flow_id)
    await flash(request, "success", "flowedit.discarded")
    return _back(flow_id)


async def flow_rollback(request: Request) -> Response:
    flow_id = _flow_id(request)
    form = await request.form()
    version = form_text(form, "version")
    if flow_id is None or not version.isdigit():
        return await error_page(request, 404)
    app = mitreden(request)
    user = staff_user(request)
    now = datetime.now(UTC)

    async def audit(session: AsyncSession, new: int) -> None:
        detail = {"from_version": int(version)}
        await record_audit(session, user.name, "flow.rollback", f"{flow_id} v{new}", detail, now)

    result = await flow_admin.roll_back(
        app.sessions,
        flow_id,
        int(version),
        user.name,
        now,
        app.settings,
        app.recognizer,
        app.build_bot,
        audit,
    )
    if not result.published:
        notice = translate(request_language(request), "flowedit.rollback_refused", version=version)
        return await _editor(request, flow_id, result=result, status_code=422, notice=notice)
    await app.reload_flows()
    await flash(request, "success", "flowedit.rolled_back", version=version, new=result.version)
    return _back(flow_id)


def _version_arg(value: str | None) -> int | str | None:
    if value == "draft":
        return "draft"
    return int(value) if value is not None and value.isdigit() else None


async def flow_diff(request: Request) -> Response:
    flow_id = _flow_id(request)
    old = _version_arg(request.query_params.get("old"))
    new = _version_arg(request.query_params.get("new"))
    if flow_id is None or old is None or new is None:
        return await error_page(request, 404)
    app = mitreden(request)
    async with app.sessions() as session:
        diff = await diff_versions(session, flow_id, old, new)
    if diff is None:
        return await error_page(request, 404)
    lines = [(_kind(line), line.rstrip("\n")) for line in diff.splitlines(keepends=True)]
    return await render(
        request,
        "admin/flows/diff.html",
        {"flow_id": flow_id, "old": old, "new": new, "lines": lines},
    )


def _kind(line: str) -> str:
    if line.startswith(("+++", "---")):
        return "file"
    if line.startswith("@@"):
        return "hunk"
    return {"+": "added", "-": "removed"}.get(line[:1], "same")


async def flow_try(request: Request) -> Response:
    """One message (typed, or a pressed option) to the simulated chat; "restart" starts anew."""
    flow_id = _flow_id(request)
    if flow_id is None:
        return await error_page(request, 404)
    app = mitreden(request)
    form = await request.form()
    key = (staff_user(request).token_hash, flow_id)
    simulators = _simulators(request)
    flows, problems = await flow_admin.flows_to_try(app.sessions, flow_id)
    if problems:
        result = flow_admin.PublishResult(problems=problems)
        notice = translate(request_language(request), "flowedit.try_fix_first")
        return await _editor(request, flow_id, result=result, status_code=422, notice=notice)
    simulator = simulators.get(key)
    if simulator is None or form_text(form, "restart") or simulator.flows != tuple(flows):
        simulator = await simulators.open(key, app.settings, app.recognizer, app.build_bot, flows)
    text, choice = form_text(form, "text").strip()[:4000], form_text(form, "choice")
    if choice:
        label = next((label for label, value in simulator.options if value == choice), choice)
        await simulators.send(simulator, label, choice)
    elif text:
        await simulators.send(simulator, text)
    return _back(flow_id, "#simulator")


async def flow_tests(request: Request) -> Response:
    """New expected texts for one of the flow's conversation tests, kept as a draft beside
    the flow's draft: `expect-<turn>-<n>` fields, an empty one drops that text."""
    flow_id = _flow_id(request)
    if flow_id is None:
        return await error_page(request, 404)
    app = mitreden(request)
    user = staff_user(request)
    form = await request.form()
    name = form_text(form, "test")
    texts: dict[int, list[str]] = {}
    for key, value in form.multi_items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "expect" and parts[1].isdigit():
            texts.setdefault(int(parts[1]), []).append(str(value))
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        refused = await expected_texts.save_expectations(
            session,
            flow_id,
            name,
            texts,
            flow_admin.transcripts_dir(app.settings),
            user.name,
            now,
        )
        if refused is None:
            await record_audit(
                session, user.name, "flow.test_edit", f"{flow_id}: {name}", None, now
            )
    if refused is not None:
        notice = translate(request_language(request), f"flowedit.{refused}")
        return await _editor(request, flow_id, status_code=422, notice=notice)
    await flash(request, "success", "flowedit.test_saved", name=name)
    return _back(flow_id, "#tests")


def routes() -> list[BaseRoute]:
    return [
        Route("/admin/flows", flow_list, methods=["GET"]),
        Route("/admin/flows/new", flow_new, methods=["GET"]),
        Route("/admin/flows/{flow_id}", flow_page, methods=["GET"]),
        Route("/admin/flows/{flow_id}", flow_submit, methods=["POST"]),
        Route("/admin/flows/{flow_id}/discard", flow_discard, methods=["POST"]),
        Route("/admin/flows/{flow_id}/rollback", flow_rollback, methods=["POST"]),
        Route("/admin/flows/{flow_id}/diff", flow_diff, methods=["GET"]),
        Route("/admin/flows/{flow_id}/try", flow_try, methods=["POST"]),
        Route("/admin/flows/{flow_id}/tests", flow_tests, methods=["POST"]),
    ]
