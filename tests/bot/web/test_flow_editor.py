"""The flow editor pages, in-process: admins only, checks by line, tests, publish, diff,
roll back, the simulator, the audit log, escaping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.channels.recording import RecordingChannel
from bot.content import flows as flow_admin
from bot.staff.audit import audit_entries
from flows.library import load_definitions
from nlu.types import IntentRecognizer
from storage import flow_versions
from tests.bot.web.support import StaffClient, app_with_a_thanks_test

SHIPPED = {flow_id: source for flow_id, _, source in load_definitions()}


@pytest.fixture
async def web_app(
    sqlite_url: str,
    recognizer: IntentRecognizer,
    citizen_channel: RecordingChannel,
    tmp_path: Path,
) -> AsyncIterator[App]:
    """The staff app's App, with one quick conversation test for the `thanks` flow."""
    async with app_with_a_thanks_test(
        sqlite_url, recognizer, {"test": citizen_channel}, tmp_path / "conversation-tests"
    ) as app:
        yield app


async def audit_actions(app: App) -> list[tuple[str, str]]:
    async with app.sessions() as session:
        entries = await audit_entries(session, action="flow.")
    return [(entry.action, entry.target) for entry in entries]


async def test_only_admins_open_the_flow_editor(admin: StaffClient, staff: StaffClient) -> None:
    assert (await staff.get("/admin/flows")).status_code == 403
    assert (await staff.get("/admin/flows/thanks")).status_code == 403
    page = await admin.get("/admin/flows")
    assert page.status_code == 200
    assert 'href="/admin/flows/thanks"' in page.text and "propose_idea" in page.text
    assert (await admin.get("/admin/flows/Not-A-Flow")).status_code == 404
    english = await admin.get("/admin/flows/thanks?lang=en")
    assert "Edit the flow “thanks”" in english.text and "Try it" in english.text


async def test_a_form_without_the_csrf_token_is_refused(admin: StaffClient, web_app: App) -> None:
    response = await admin.post("/admin/flows/thanks", data={"source": "id: x", "action": "save"})
    assert response.status_code == 403
    async with web_app.sessions() as session:
        editing = await flow_admin.open_editor(session, "thanks")
    assert editing is not None and not editing.is_draft


async def test_broken_refused_with_line_then_fixed_published_compared_and_rolled_back(
    admin: StaffClient, web_app: App
) -> None:
    broken = SHIPPED["thanks"].replace("    type: say\n", "    type: sag\n")
    response = await admin.post_form("/admin/flows/thanks", {"source": broken, "action": "publish"})
    assert response.status_code == 422
    assert 'data-line="10"' in response.text and "Zeile 10" in response.text
    assert "sag" in response.text and "type: sag" in response.text  # the text is kept
    page = await admin.get("/admin/flows/thanks")
    assert "Zeile 10" in page.text and "type: sag" in page.text  # after a reload too
    current = web_app.library.current("thanks")
    assert current is not None and current.version == 1

    fixed = SHIPPED["thanks"].replace("Gern geschehen!", "Sehr gern geschehen!")
    tested = await admin.post_form("/admin/flows/thanks", {"source": fixed, "action": "test"})
    assert tested.status_code == 200 and "Bestanden:" in tested.text and "Thanks" in tested.text
    published = await admin.post_form("/admin/flows/thanks", {"source": fixed, "action": "publish"})
    page = await admin.follow(published)
    assert "Veröffentlicht als Version 2" in page.text
    current = web_app.library.current("thanks")
    assert current is not None and current.version == 2  # the running bot switched

    diff = await admin.get("/admin/flows/thanks/diff?old=1&new=2")
    assert diff.status_code == 200
    assert 'class="diff-removed"' in diff.text and "Sehr gern geschehen!" in diff.text

    rolled = await admin.post_form("/admin/flows/thanks/rollback", {"version": "1"})
    page = await admin.follow(rolled)
    assert "Version 1 ist wieder in Gebrauch, als neue Version 3" in page.text
    current = web_app.library.current("thanks")
    assert (
        current is not None
        and current.version == 3
        and "Sehr gern" not in str(current.steps["welcome"].fields)
    )
    assert await audit_actions(web_app) == [
        ("flow.rollback", "thanks v3"),
        ("flow.publish", "thanks v2"),
        ("flow.save", "thanks"),
        ("flow.save", "thanks"),
        ("flow.save", "thanks"),
    ]


async def test_failing_tests_stop_publishing(admin: StaffClient, web_app: App) -> None:
    changed = SHIPPED["thanks"].replace("Gern geschehen!", "Bitte schön!")
    response = await admin.post_form(
        "/admin/flows/thanks", {"source": changed, "action": "publish"}
    )
    assert response.status_code == 422
    assert "Fehlgeschlagen:" in response.text and "expected “gern”" in response.text
    current = web_app.library.current("thanks")
    assert current is not None and current.version == 1


async def test_the_simulator_chats_with_the_draft(admin: StaffClient) -> None:
    changed = SHIPPED["thanks"].replace("Gern geschehen!", "Herzlich gern!")
    await admin.post_form("/admin/flows/thanks", {"source": changed, "action": "save"})
    await admin.follow(await admin.post_form("/admin/flows/thanks/try", {"text": "Hallo"}))
    page = await admin.follow(await admin.post_form("/admin/flows/thanks/try", {"text": "danke"}))
    assert "Herzlich gern!" in page.text
    assert 'name="choice" value="/idee"' in page.text  # options come as buttons
    page = await admin.follow(await admin.post_form("/admin/flows/thanks/try", {"choice": "/idee"}))
    assert "Datenschutz" in page.text
    page = await admin.follow(
        await admin.post_form("/admin/flows/thanks/try", {"restart": "1", "text": "Hi"})
    )
    assert page.text.count("bubble-citizen") == 1


async def test_what_an_administrator_typed_is_shown_escaped(admin: StaffClient) -> None:
    source = SHIPPED["thanks"].replace("Gern geschehen!", "<script>alert(1)</script>")
    response = await admin.post_form("/admin/flows/thanks", {"source": source, "action": "save"})
    page = await admin.follow(response)
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_a_draft_older_than_the_current_version_says_so(
    admin: StaffClient, web_app: App
) -> None:
    draft = SHIPPED["thanks"].replace("Gern geschehen!", "Gern doch!")
    await admin.post_form("/admin/flows/thanks", {"source": draft, "action": "save"})
    meanwhile = SHIPPED["thanks"].replace("Gern geschehen!", "Aber gern!")
    async with web_app.sessions() as session, session.begin():
        await flow_versions.publish(session, "thanks", meanwhile, datetime.now(UTC), "ben")
    page = await admin.get("/admin/flows/thanks")
    assert "Version 2 wurde veröffentlicht, nachdem Ihr Entwurf auf Version 1 begonnen" in page.text
    assert 'href="/admin/flows/thanks/diff?old=1&amp;new=2"' in page.text


async def test_a_new_flow_is_created_from_a_valid_start_and_published(
    admin: StaffClient, web_app: App
) -> None:
    refused = await admin.follow(await admin.get("/admin/flows/new?flow_id=Bau-Stellen"))
    assert "Dieser Name geht nicht" in refused.text
    page = await admin.follow(await admin.get("/admin/flows/new?flow_id=baustellen"))
    assert "Ein neuer Dialog" in page.text and "id: baustellen" in page.text
    assert web_app.library.current("baustellen") is None  # nothing stored yet
    source = flow_admin.starter("baustellen").replace(
        "start: hello", "triggers:\n  commands: [/baustellen]\nstart: hello"
    )
    published = await admin.post_form(
        "/admin/flows/baustellen", {"source": source, "action": "publish"}
    )
    assert "Veröffentlicht als Version 1" in (await admin.follow(published)).text
    flow = web_app.library.current("baustellen")
    assert flow is not None and flow.triggers.commands == ("/baustellen",)
    assert 'href="/admin/flows/baustellen"' in (await admin.get("/admin/flows")).text


async def test_the_editor_lists_the_flows_tests_also_when_they_could_not_run(
    admin: StaffClient,
) -> None:
    page = await admin.get("/admin/flows/thanks")
    assert "Gesprächstests dieses Dialogs" in page.text and "<code>thanks.yml</code>" in page.text
    assert 'name="expect-2-1" type="text" value="gern"' in page.text
    broken = SHIPPED["thanks"].replace("start: welcome", "start: wilkommen")
    refused = await admin.post_form("/admin/flows/thanks", {"source": broken, "action": "test"})
    assert refused.status_code == 422
    assert "Die Gesprächstests laufen, sobald die Probleme oben behoben sind." in refused.text
    assert "keine Gesprächstests" not in refused.text and "<code>thanks.yml</code>" in refused.text
    untested = await admin.get("/admin/flows/baustellen")  # a new flow, no test names it
    assert "Für diesen Dialog gibt es keine Gesprächstests" in untested.text


async def test_a_rewording_blocked_by_a_test_is_published_with_the_edited_test(
    admin: StaffClient, web_app: App
) -> None:
    reworded = SHIPPED["thanks"].replace("Gern geschehen!", "Bitte schön!")
    blocked = await admin.post_form(
        "/admin/flows/thanks", {"source": reworded, "action": "publish"}
    )
    assert blocked.status_code == 422 and "Fehlgeschlagen:" in blocked.text

    saved = await admin.post_form(
        "/admin/flows/thanks/tests", {"test": "thanks.yml", "expect-2-1": "bitte schön"}
    )
    page = await admin.follow(saved)
    assert "Die Erwartungen von thanks.yml sind als Entwurf gespeichert." in page.text
    assert 'value="bitte schön"' in page.text and "geändert, Entwurf" in page.text
    tested = await admin.post_form("/admin/flows/thanks", {"source": reworded, "action": "test"})
    assert "Alle Tests bestanden" in tested.text
    published = await admin.post_form(
        "/admin/flows/thanks", {"source": reworded, "action": "publish"}
    )
    assert "Veröffentlicht als Version 2" in (await admin.follow(published)).text
    page = await admin.get("/admin/flows/thanks")
    assert 'value="bitte schön"' in page.text and "geändert, Entwurf" not in page.text
    # the published test checks the next change too: the old wording fails it now
    back = await admin.post_form(
        "/admin/flows/thanks", {"source": SHIPPED["thanks"], "action": "test"}
    )
    assert "Fehlgeschlagen:" in back.text
    async with web_app.sessions() as session:
        entries = await audit_entries(session, action="flow.test_edit")
    assert [entry.target for entry in entries] == ["thanks: thanks.yml"]


async def test_test_edits_are_checked_and_go_with_a_discarded_draft(
    admin: StaffClient, web_app: App
) -> None:
    for form in (
        {"test": "other.yml", "expect-2-1": "x"},
        {"test": "thanks.yml", "expect-9-1": "x"},
        {"test": "thanks.yml", "expect-2-1": "x" * 301},
        {"test": "thanks.yml", "expect-2-1": "nul\x00"},
    ):
        refused = await admin.post_form("/admin/flows/thanks/tests", form)
        assert refused.status_code == 422, form
    assert (
        await admin.post("/admin/flows/thanks/tests", data={"test": "thanks.yml"})
    ).status_code == 403
    await admin.post_form("/admin/flows/thanks", {"source": SHIPPED["thanks"], "action": "save"})
    await admin.post_form("/admin/flows/thanks/tests", {"test": "thanks.yml", "expect-2-1": "y"})
    assert "geändert, Entwurf" in (await admin.get("/admin/flows/thanks")).text
    await admin.post_form("/admin/flows/thanks/discard")
    page = await admin.get("/admin/flows/thanks")
    assert "geändert" not in page.text and 'value="gern"' in page.text
