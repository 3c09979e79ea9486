"""The intent data editor pages, in-process: edit, problems by file and line, train with a
report, use a version, go back to the installed data; admins only, audited, escaped."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from bot.app import App
from bot.channels.recording import RecordingChannel
from bot.staff.audit import audit_entries
from nlu.embedded import EmbeddedRecognizer
from tests.bot.web.support import StaffClient, running_app

NEW = "zxqv blorptastisch"
FILE = "intents/propose_idea.yml"


@pytest.fixture
async def web_app(
    sqlite_url: str, citizen_channel: RecordingChannel, own_nlu_cache: Path
) -> AsyncIterator[App]:
    """Its own recogniser: these tests switch its model, which must not reach other tests."""
    cache = own_nlu_cache
    recognizer = EmbeddedRecognizer(cache_dir=cache)
    async with running_app(
        sqlite_url,
        recognizer,
        {"test": citizen_channel},
        nlu_cache_dir=cache,
        nlu_evaluation_folds=2,  # the report's figures are not what these tests check
    ) as app:
        yield app


async def save(admin: StaffClient, name: str, text: str) -> httpx.Response:
    """Save one file as the page's form does; the page the browser shows then (the editor
    with the problems at once, or where a clean save redirects to)."""
    response = await admin.post_form("/admin/nlu", {"file": name, "text": text})
    if response.status_code == 422:
        return response
    return await admin.follow(response)


async def test_only_admins_open_the_intent_data(admin: StaffClient, staff: StaffClient) -> None:
    assert (await staff.get("/admin/nlu")).status_code == 403
    page = await admin.get("/admin/nlu")
    assert page.status_code == 200
    assert "In Gebrauch: die mitgelieferten Daten." in page.text
    assert f'href="/admin/nlu?file={FILE}"' in page.text
    assert (await admin.get("/admin/nlu/versions/99")).status_code == 404
    english = await admin.get("/admin/nlu?lang=en")
    assert "In use: the installed data." in english.text


async def test_edit_train_use_and_go_back(admin: StaffClient, web_app: App, web: Starlette) -> None:
    page = await admin.get(f"/admin/nlu?file={FILE}")
    text = page.text.split('name="text"')[1].split(">", 1)[1].split("</textarea>")[0]
    original = html.unescape(text.removeprefix("\n"))
    assert "- intent: propose_idea" in original

    broken = original.replace("  examples: |\n", f"  examples: |\n    {NEW}\n", 1)
    page = await save(admin, FILE, broken)
    assert "1 Problem(e) gefunden" in page.text
    line = broken.splitlines().index(f"    {NEW}") + 1
    assert f"?file={FILE}&amp;line={line}#text" in page.text
    assert "Ein Beispiel beginnt mit „- “" in page.text
    assert 'action="/admin/nlu/train"' not in page.text
    refused = await admin.follow(await admin.post_form("/admin/nlu/train"))
    assert "Noch nicht trainierbar" in refused.text

    fixed = original.replace("  examples: |\n", f"  examples: |\n    - {NEW}\n", 1)
    page = await save(admin, FILE, fixed)
    assert "Die Daten sind in Ordnung" in page.text and 'action="/admin/nlu/train"' in page.text
    started = await admin.post_form("/admin/nlu/train")
    assert started.headers["location"] == "/admin/nlu/versions/1"
    await web.state.mitreden.trainer.wait()
    report = await admin.get("/admin/nlu/versions/1")
    assert "2-fache Kreuzvalidierung" in report.text and "Genauigkeit" in report.text
    assert "propose_idea" in report.text and 'http-equiv="refresh"' not in report.text

    assert (await web_app.recognizer.parse(NEW)).intent != "propose_idea"
    used = await admin.follow(await admin.post_form("/admin/nlu/versions/1/activate"))
    assert "Version 1" in used.text and "In Gebrauch: Version 1" in used.text
    assert (await web_app.recognizer.parse(NEW)).intent == "propose_idea"

    back = await admin.follow(await admin.post_form("/admin/nlu/installed"))
    assert "wieder die mitgelieferten Daten" in back.text
    assert (await web_app.recognizer.parse(NEW)).intent != "propose_idea"
    async with web_app.sessions() as session:
        actions = [(e.action, e.target) for e in await audit_entries(session, action="nlu.")]
    assert actions == [
        ("nlu.activate", "installed"),
        ("nlu.activate", "v1"),
        ("nlu.train", "v1"),
        ("nlu.save", FILE),
        ("nlu.save", FILE),
    ]


async def test_file_names_are_checked_and_texts_escaped(admin: StaffClient) -> None:
    bad = await save(admin, "../x.yml", "a")
    assert "Dieser Dateiname geht nicht" in bad.text
    text = "nlu:\n- intent: greet\n  examples: |\n    - <script>alert(1)</script>\n    - hallo du\n"
    page = await save(admin, "extra/mine.yml", text)
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    new_file = await admin.get("/admin/nlu?file=extra/new.yml")
    assert "Datei extra/new.yml" in new_file.text
