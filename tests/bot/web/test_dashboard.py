"""The overview: waiting questions with their age, ideas to moderate, running consultations
with participation, deliveries, and a participation chart with its table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.app import App
from storage.consultations import find_consultation
from storage.consultations.participations import save_answer, submit
from storage.identities import resolve_citizen
from storage.models.civic import Consultation, Participation
from storage.models.core import Citizen, OutboxMessage
from tests.bot.web.support import StaffClient
from tests.bot.web.test_consultation_pages import _demo
from tests.bot.web.test_ideas import citizen, propose
from tests.bot.web.test_questions import ATTACK, ask


async def test_overview_shows_what_waits_and_what_runs(web_app: App, staff: StaffClient) -> None:
    now = datetime.now(UTC)
    await ask(web_app, ATTACK, days_ago=4)
    await ask(web_app, "Wann öffnet das Freibad?", user="citizen-2")
    author = await citizen(web_app, "a")
    await propose(web_app, author, f"Idee {ATTACK}")
    latecomer = await citizen(web_app, "b")
    async with web_app.sessions() as session, session.begin():
        running = Consultation(
            slug="spielplatz",
            title_de="Neuer <i>Spielplatz</i>",
            title_en="New playground",
            description_de="Wo soll er hin?",
            description_en="Where should it go?",
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(days=3),
        )
        session.add(running)
        await session.flush()
        session.add(
            Participation(
                consultation_id=running.id,
                citizen_id=author,
                started_at=now - timedelta(days=1),
                submitted_at=now - timedelta(days=1),
                receipt="R-1",
            )
        )
        session.add(
            Participation(
                consultation_id=running.id,
                citizen_id=latecomer,
                started_at=now - timedelta(hours=1),
            )
        )
        session.add(
            OutboxMessage(channel="test", address="x", payload={"text": "hi"}, state="failed")
        )
    page = await staff.get("/")
    text = page.text
    assert page.status_code == 200
    assert "<script>alert" not in text and "<i>Spielplatz</i>" not in text
    assert "&lt;script&gt;" in text and "Neuer &lt;i&gt;Spielplatz&lt;/i&gt;" in text
    assert '<p class="figure">2</p>' in text  # open questions
    assert "4 Tage" in text  # the oldest question's age
    assert "Idee &lt;script&gt;" in text  # waiting for moderation
    # one sent off, two begun: "begun" counts the one sent off too
    assert "<td>1</td>\n        <td>2</td>" in text
    # the failed delivery is counted
    assert 'Fehlgeschlagen</dt><dd class="figure">1</dd>' in text
    assert 'role="img"' in text and "Beteiligung in den letzten 30 Tagen" in text
    assert "Zahlen als Tabelle" in text


async def test_overview_in_english_and_empty(admin: StaffClient) -> None:
    page = await admin.get("/?lang=en")
    assert "No open questions. Well done!" in page.text
    assert "No consultation is running right now." in page.text
    assert "Participation over the last 30 days" in page.text


async def test_overview_follows_announcements_being_sent_and_scheduled(
    web_app: App, staff: StaffClient
) -> None:
    from bot.civic.announcements import create_announcement

    now = datetime.now(UTC)
    for name in ("a", "b"):
        await citizen(web_app, name)
    async with web_app.sessions() as session, session.begin():
        await session.execute(update(Citizen).values(consent_at=now))  # announcements need it
        sending = await create_announcement(
            session,
            text_de="Das Freibad öffnet <heute>.",
            text_en=None,
            audience="all",
            send_at=None,
            created_by="ben",
            now=now,
        )
        later = await create_announcement(
            session,
            text_de="Morgen: Bürgerversammlung",
            text_en=None,
            audience="all",
            send_at=now + timedelta(days=1),
            created_by="ben",
            now=now,
        )
    page = (await staff.get("/")).text
    assert f"Mitteilung {sending}</a>: Das Freibad öffnet &lt;heute&gt;." in page
    assert '<progress max="2" value="0"' in page
    assert "0 gesendet, 0 fehlgeschlagen, 2 offen" in page
    assert f"Mitteilung {later}</a>: Morgen" in page and "geplant für" in page


async def test_begun_counts_the_same_on_the_overview_and_the_consultation_pages(
    web_app: App, staff: StaffClient
) -> None:
    await _demo(web_app)
    async with web_app.sessions() as session, session.begin():
        playground = await find_consultation(session, "spielplatz-lindenpark")
        assert playground is not None
        when = playground.opens_at + timedelta(days=1)
        for user in ("anna", "bernd"):
            person, _ = await resolve_citizen(session, "test", user, user, "de", when)
            answers = {"alter": "alle", "geraete": ["sand"], "schatten": 4, "mitbauen": True}
            for key, value in answers.items():
                await save_answer(session, person, playground, key, value, when)
            await submit(session, person, playground, when)
    overview = (await staff.get("/")).text.split("Neuer Spielplatz im Lindenpark", 1)[1]
    assert overview.startswith("</td>\n        <td>2</td>\n        <td>2</td>")
    detail = (await staff.get(f"/consultations/C-{playground.id}")).text
    assert "<dt>Abgeschickt</dt><dd>2</dd>" in detail and "<dt>Begonnen</dt><dd>2</dd>" in detail
