"""Consultation pages: create, edit without breaking answers, preview, results, export, and
the public results page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.app import App
from nlu.types import IntentRecognizer
from storage.consultations import find_consultation
from storage.consultations.participations import save_answer, submit
from storage.identities import resolve_citizen
from storage.models.civic import Consultation
from storage.models.staff import AuditEntry
from storage.seed import seed_demo
from tests.bot.web.support import StaffClient, add_staff, running_app, staff_client

NEW = {
    "title_de": "Bänke <script>alert(1)</script>",
    "title_en": "Benches",
    "description_de": "Wo sollen neue Bänke hin?",
    "description_en": "Where should new benches go?",
    "topic": "stadtentwicklung",
    "opens": "2026-01-10T08:00",
    "closes": "2036-01-31T18:00",
    "question_count": "2",
    "q0-text_de": "Wo fehlt eine Bank?",
    "q0-text_en": "Where is a bench missing?",
    "q0-kind": "single",
    "q0-required": "on",
    "q0-options": "Am Brunnen | By the fountain\nVor dem Rathaus | By the town hall",
    "q1-key": "lehne",
    "q1-text_de": "Mit Lehne?",
    "q1-text_en": "With a backrest?",
    "q1-kind": "yesno",
    "q1-required": "on",
    "action": "save",
}


async def _demo(app: App) -> None:
    async with app.sessions() as session, session.begin():
        assert await seed_demo(session, datetime.now(UTC))


async def _take_part(app: App, slug: str, users: dict[str, dict[str, object]]) -> int:
    """Citizens answer (at a time the consultation was open) and submit."""
    async with app.sessions() as session, session.begin():
        consultation = await find_consultation(session, slug)
        assert consultation is not None
        when = consultation.opens_at + timedelta(days=1)
        for user, answers in users.items():
            citizen, _ = await resolve_citizen(session, "test", user, user, "de", when)
            for key, value in answers.items():
                await save_answer(session, citizen, consultation, key, value, when)
            await submit(session, citizen, consultation, when)
        return consultation.id


async def test_staff_create_a_consultation_and_see_it_listed_escaped_and_audited(
    web_app: App, staff: StaffClient
) -> None:
    await _demo(web_app)
    created = await staff.post_form("/consultations/new", NEW)
    assert created.status_code == 303, created.text
    page = await staff.follow(created)
    assert "Bänke &lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert "ist angelegt" in page.text
    listing = await staff.get("/consultations")
    assert (
        "Neuer Spielplatz im Lindenpark" in listing.text and "Bänke &lt;script&gt;" in listing.text
    )
    async with web_app.sessions() as session:
        row = await session.scalar(select(Consultation).where(Consultation.title_en == "Benches"))
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "consultation.create")
        )
    assert row is not None and row.slug == "baenke-script-alert-1-script"
    assert row.opens_at == datetime(2026, 1, 10, 7, 0, tzinfo=UTC)
    assert entry is not None and entry.actor == "ben" and entry.target == f"C-{row.id}"
    assert entry.detail["questions"] == ["wo-fehlt-eine-bank", "lehne"]


async def test_a_form_with_problems_is_shown_again_with_every_field_kept(
    web_app: App, staff: StaffClient
) -> None:
    await _demo(web_app)
    broken = {**NEW, "title_en": "", "q0-options": "Nur eine | Only one", "closes": "gestern"}
    page = await staff.post_form("/consultations/new", broken)
    assert page.status_code == 422
    assert "Bitte prüfen Sie diese Angaben:" in page.text
    assert 'id="title_en-error">Bitte ausfüllen.' in page.text
    assert "mindestens zwei Antworten" in page.text and "Bitte Datum und Uhrzeit" in page.text
    assert 'value="Wo fehlt eine Bank?"' not in page.text  # a textarea keeps its text inside
    assert ">Wo fehlt eine Bank?</textarea>" in page.text
    more = await staff.post_form("/consultations/new", {**broken, "action": "add_question"})
    assert more.status_code == 200 and "Frage 3" in more.text
    refused = await staff.post("/consultations/new", data=NEW)  # no CSRF token
    assert refused.status_code == 403
    async with web_app.sessions() as session:
        assert (
            await session.scalar(select(Consultation).where(Consultation.title_en == "Benches"))
            is None
        )


async def test_editing_keeps_answers_and_refuses_to_orphan_them(
    web_app: App, staff: StaffClient
) -> None:
    await _demo(web_app)
    consultation_id = await _take_part(
        web_app, "stadtfest-2025", {"anna": {"gefallen": 5, "wiederkommen": True}}
    )
    form = await staff.get(f"/consultations/{consultation_id}/edit")
    assert "schon 1 Teilnahme(n)" in form.text and 'value="gefallen"' in form.text
    fields = {
        "title_de": "Rückblick Stadtfest 2025",
        "title_en": "Town festival 2025",
        "description_de": "Wie war es?",
        "description_en": "How was it?",
        "topic": "kultur",
        "slug": "stadtfest-2025",
        "opens": "2026-01-01T00:00",
        "closes": "2026-02-01T00:00",
        "question_count": "2",
        "q0-key": "gefallen",
        "q0-kind": "yesno",  # was a scale: answers would no longer fit
        "q0-text_de": "Gefallen?",
        "q0-text_en": "Liked it?",
        "q1-key": "wiederkommen",
        "q1-kind": "yesno",
        "q1-text_de": "Wieder?",
        "q1-text_en": "Again?",
        "q1-remove": "on",
        "action": "save",
    }
    refused = await staff.post_form(f"/consultations/{consultation_id}/edit", fields)
    assert refused.status_code == 409
    assert "Die Frage „gefallen“ hat schon 1 Antwort(en) als scale" in refused.text
    assert (
        "Die Frage „wiederkommen“ hat schon 1 Antwort(en) und kann nicht entfernt" in refused.text
    )
    assert 'value="Rückblick Stadtfest 2025"' in refused.text  # the form is kept
    fields.update({"q0-kind": "scale", "q1-remove": ""})
    saved = await staff.post_form(f"/consultations/{consultation_id}/edit", fields)
    assert saved.status_code == 303, saved.text
    async with web_app.sessions() as session:
        row = await session.get(Consultation, consultation_id)
        actions = list(
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.action.startswith("consultation."))
            )
        )
    assert row is not None and row.title_de == "Rückblick Stadtfest 2025"
    assert actions.count("consultation.update") == 1


async def test_the_preview_plays_the_stored_and_the_unsaved_consultation(
    web_app: App, staff: StaffClient
) -> None:
    await _demo(web_app)
    async with web_app.sessions() as session:
        playground = await find_consultation(session, "spielplatz-lindenpark")
        assert playground is not None
    page = await staff.get(f"/consultations/{playground.id}/preview")
    assert page.status_code == 200
    assert "📋 Neuer Spielplatz im Lindenpark" in page.text and "Frage 1 von 5" in page.text
    assert "1 = unwichtig, 5 = sehr wichtig" in page.text and "Fast geschafft!" in page.text
    english = await staff.get(f"/consultations/{playground.id}/preview?preview=en")
    assert "Question 1 of 5" in english.text and "Almost done!" in english.text
    draft = await staff.post_form("/consultations/new", {**NEW, "action": "preview"})
    assert draft.status_code == 200
    assert "noch nicht gespeichert" in draft.text
    assert "📋 Bänke &lt;script&gt;alert(1)&lt;/script&gt;" in draft.text
    assert "Frage 2 von 2" in draft.text and "Mit Lehne?" in draft.text


async def test_results_show_charts_with_tables_and_export_csv_and_json(
    web_app: App, staff: StaffClient
) -> None:
    await _demo(web_app)
    consultation_id = await _take_part(
        web_app,
        "stadtfest-2025",
        {
            "anna": {"gefallen": 5, "wiederkommen": True},
            "bernd": {"gefallen": 4, "wiederkommen": True},
            "carla": {"gefallen": 5, "wiederkommen": False},
        },
    )
    page = await staff.get(f"/consultations/{consultation_id}")
    assert page.text.count('<div class="bar-chart" role="img"') == 2
    assert "5 – sehr gut: 2 (67 %)" in page.text  # the chart's description
    assert '<th scope="row">Nein</th><td>1</td><td>33 %</td>' in page.text
    assert "Durchschnitt 4,7 von 5" in page.text
    assert f"/results/{consultation_id}" in page.text
    as_csv = await staff.get(f"/consultations/{consultation_id}/results.csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert (
        as_csv.headers["content-disposition"] == 'attachment; filename="stadtfest-2025-results.csv"'
    )
    assert {(r["question"], r["answer"], r["count"]) for r in rows} >= {
        ("gefallen", "5", "2"),
        ("wiederkommen", "no", "1"),
    }
    as_json = json.loads((await staff.get(f"/consultations/{consultation_id}/results.json")).text)
    assert as_json["participants"] == 3 and as_json["questions"][0]["mean"] == 4.67
    listing = await staff.get("/consultations")
    row = listing.text.split("Rückblick Stadtfest", 1)[1].split("</tr>", 1)[0]
    assert row.count("<td>3</td>") == 2  # submitted and started
    assert (await staff.get("/consultations/999/results.csv")).status_code == 404
    assert (await staff.get(f"/consultations/{consultation_id}/results.xml")).status_code == 404


async def _as_citizen(web: object, *paths: str) -> list[httpx.Response]:
    """The pages as a citizen's browser gets them: without logging in."""
    transport = httpx.ASGITransport(app=web)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as citizen:
        return [await citizen.get(path) for path in paths]


async def _closed_festival(app: App) -> int:
    """The demo town, where Anna took part in the closed festival consultation."""
    await _demo(app)
    return await _take_part(app, "stadtfest-2025", {"anna": {"gefallen": 2, "wiederkommen": True}})


async def test_public_results_need_no_login_and_show_only_after_closing(
    web_app: App, web: object
) -> None:
    closed = await _closed_festival(web_app)
    async with web_app.sessions() as session:
        running = await find_consultation(session, "spielplatz-lindenpark")
        assert running is not None
    page, english, early, unknown = await _as_citizen(
        web,
        f"/results/{closed}",
        f"/results/{closed}?lang=en",
        f"/results/{running.id}",
        "/results/nope",
    )
    assert page.status_code == 200
    assert "Ergebnisse: Rückblick Stadtfest" in page.text and "1 Menschen haben" in page.text
    assert '<th scope="row">2</th><td>1</td><td>100 %</td>' in page.text
    assert 'role="img"' in page.text and '<html lang="de">' in page.text
    assert "Results: Looking back at the town festival" in english.text
    assert '<html lang="en">' in english.text and "Will you come again next year?" in english.text
    # the address is right, only early: a page that says when, not an error
    assert early.status_code == 200 and "Noch keine Ergebnisse" in early.text
    assert "Neuer Spielplatz im Lindenpark" in early.text and "läuft noch bis" in early.text
    assert "bar-chart" not in early.text and "1 Menschen" not in early.text
    assert unknown.status_code == 404 and "Diese Umfrage gibt es nicht" in unknown.text
    assert "Noch keine Ergebnisse" not in unknown.text


async def test_consultation_pages_take_the_reference_people_see(
    web_app: App, staff: StaffClient, web: object
) -> None:
    closed = await _closed_festival(web_app)
    async with web_app.sessions() as session:
        upcoming = await find_consultation(session, "buecherei-oeffnungszeiten")
    assert upcoming is not None
    for path in (f"/consultations/C-{closed}", f"/consultations/c{closed}/edit"):
        page = await staff.get(path)
        assert page.status_code == 200 and "Rückblick Stadtfest" in page.text, path
    assert (await staff.get(f"/consultations/C-{closed}/results.csv")).status_code == 200
    for wrong in ("D-1", "C-99999999999999", "C-0"):
        assert (await staff.get(f"/consultations/{wrong}")).status_code == 404, wrong
    results, soon = await _as_citizen(web, f"/results/C-{closed}", f"/results/C-{upcoming.id}")
    assert results.status_code == 200 and "Ergebnisse: Rückblick Stadtfest" in results.text
    assert soon.status_code == 200 and "beginnt am" in soon.text


@pytest.fixture
async def any_db_staff(
    db_url: str, recognizer: IntentRecognizer
) -> AsyncIterator[tuple[App, StaffClient]]:
    from bot.channels.recording import RecordingChannel
    from bot.web.server import create_web_app

    async with running_app(db_url, recognizer, {"test": RecordingChannel("test")}) as app:
        await add_staff(app, "ben", "staff")
        async with staff_client(create_web_app(app), "ben") as client:
            yield app, client


async def test_create_and_edit_on_sqlite_and_postgresql(
    any_db_staff: tuple[App, StaffClient],
) -> None:
    app, staff = any_db_staff
    await _demo(app)
    huge = await staff.post_form("/consultations/new", {**NEW, "title_de": "x" * 10_000})
    assert huge.status_code == 422 and "Höchstens 300 Zeichen (jetzt 10000)." in huge.text
    created = await staff.post_form("/consultations/new", NEW)
    assert created.status_code == 303, created.text
    consultation_id = int(created.headers["location"].rsplit("/", 1)[1])
    await _take_part(
        app,
        "baenke-script-alert-1-script",
        {"anna": {"wo-fehlt-eine-bank": "am-brunnen", "lehne": True}},
    )
    fields = {
        **NEW,
        "slug": "baenke",
        "q0-key": "wo-fehlt-eine-bank",
        "q0-options": "am-brunnen | Am Brunnen | Fountain\nrathaus | Rathaus | Town hall",
    }
    saved = await staff.post_form(f"/consultations/{consultation_id}/edit", fields)
    assert saved.status_code == 303, saved.text
    gone = {**fields, "q0-options": "rathaus | Rathaus | Town hall\nmarkt | Markt | Market"}
    refused = await staff.post_form(f"/consultations/{consultation_id}/edit", gone)
    assert refused.status_code == 409 and "„am-brunnen“" in refused.text
    page = await staff.get(f"/consultations/{consultation_id}")
    assert '<th scope="row">Am Brunnen</th><td>1</td><td>100 %</td>' in page.text


async def test_every_page_also_in_english(web_app: App, staff: StaffClient) -> None:
    await _demo(web_app)
    consultation_id = await _take_part(
        web_app, "stadtfest-2025", {"anna": {"gefallen": 4, "wiederkommen": True}}
    )
    decision = await staff.post_form("/decisions/new", {"title": "Neu", "text": "Beschlossen."})
    decision_url = decision.headers["location"]
    announcement = await staff.post_form(
        "/announcements/new", {"text_de": "Hallo", "audience": "all", "action": "send"}
    )
    pages = {
        "/consultations": "New consultation",
        "/consultations/new": "Pick several answers",
        f"/consultations/{consultation_id}": "Results as CSV",
        f"/consultations/{consultation_id}/edit": "already has 1 participation(s)",
        f"/consultations/{consultation_id}/preview?preview=en": "How did you like the festival?",
        "/decisions": "Drafts",
        "/decisions/new": "Related consultations",
        decision_url: "Publishing tells 0 people",
        f"{decision_url}/edit": "Save as a draft",
        "/announcements": "New announcement",
        "/announcements/new": "Show preview and recipients",
        announcement.headers["location"]: "Who gets it",
    }
    for path, text in pages.items():
        separator = "&" if "?" in path else "?"
        page = await staff.get(f"{path}{separator}lang=en")
        assert page.status_code == 200 and '<html lang="en">' in page.text, path
        assert text in page.text, path
