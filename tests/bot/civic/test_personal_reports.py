"""A citizen's problem reports in "Meine Beiträge" and in their data export, and nothing of
them in either once the citizen is erased."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bot.civic.photos import PhotoRules
from bot.civic.report_news import change_report_status
from bot.civic.services import StoreServices
from flows.ports.reports import NewReport
from flows.types import Photo
from storage import report_photos, reports
from storage.identities import resolve_citizen
from tests.bot.civic.turns import NOW, Clock, Sessions, new_citizen
from tests.photo_samples import phone_jpeg

LAMP = NewReport(
    category="street_lighting",
    description="Die Straßenlampe in der Lindenstraße ist dunkel",
    place="Lindenstraße 5",
    language="de",
    latitude=52.520123,
    longitude=13.404954,
)


@asynccontextmanager
async def turn(sessions: Sessions, clock: Clock, photo_dir: Path) -> AsyncIterator[StoreServices]:
    async with sessions() as session, session.begin():
        yield StoreServices(session, "terminal", clock=clock, photo_rules=PhotoRules(photo_dir))


async def _reporter_and_follower(
    sessions: Sessions, clock: Clock, photo_dir: Path
) -> tuple[int, int, str, str]:
    """Anna reports a dark lamp with a photo, Bernd follows it; staff start work on it.
    Returns (anna, bernd, the report's reference, the photo's id)."""
    anna = await new_citizen(sessions, "anna")
    bernd = await new_citizen(sessions, "bernd", "en")
    async with turn(sessions, clock, photo_dir) as store:
        taken = await store.reports.take_photo(Photo(phone_jpeg(), "image/jpeg"))
        assert taken.photo_id is not None
        ref = await store.reports.create(anna, replace(LAMP, photos=(taken.photo_id,)))
        assert await store.reports.follow(bernd, ref)
    clock.now = NOW + timedelta(days=2)
    async with sessions() as session, session.begin():
        await change_report_status(
            session, ref, reports.IN_PROGRESS, note_de="Der Bauhof ist informiert.",
            note_en="The depot knows.", staff="mia", now=clock.now,
        )  # fmt: skip
    return anna, bernd, ref, taken.photo_id


async def test_my_contributions_list_own_and_followed_reports_with_their_status(
    sessions: Sessions, clock: Clock, tmp_path: Path
) -> None:
    anna, bernd, ref, _ = await _reporter_and_follower(sessions, clock, tmp_path)
    async with turn(sessions, clock, tmp_path) as store:
        annas = await store.personal_data.contributions(anna, "de")
        bernds = await store.personal_data.contributions(bernd, "en")
    (own,) = annas.reports
    assert (own.ref, own.category, own.status) == (ref, "Straßenbeleuchtung", "in_progress")
    assert own.description == LAMP.description and annas.followed_reports == ()
    (followed,) = bernds.followed_reports
    assert (followed.ref, followed.category, followed.status) == (
        ref,
        "Street lighting",
        "in_progress",
    )
    assert bernds.reports == ()


async def test_the_export_holds_the_reports_with_history_and_says_a_photo_exists(
    sessions: Sessions, clock: Clock, tmp_path: Path
) -> None:
    anna, bernd, ref, photo_id = await _reporter_and_follower(sessions, clock, tmp_path)
    async with turn(sessions, clock, tmp_path) as store:
        annas = json.loads(await store.personal_data.export(anna))
        bernds = json.loads(await store.personal_data.export(bernd))
    (report,) = annas["reports"]
    assert report["ref"] == ref and report["category"] == "street_lighting"
    assert (report["description"], report["place"]) == (LAMP.description, LAMP.place)
    assert (report["latitude"], report["longitude"]) == (52.520123, 13.404954)
    assert report["status"] == "in_progress" and report["photo_count"] == 1
    assert [(h["status"], h["note_de"]) for h in report["history"]] == [
        ("in_progress", "Der Bauhof ist informiert.")
    ]
    # the photo is named by count only, and who on the staff changed the status stays out
    assert photo_id not in json.dumps(annas) and "mia" not in json.dumps(report)
    assert annas["followed_reports"] == []
    assert bernds["reports"] == []
    (followed,) = bernds["followed_reports"]
    assert followed["ref"] == ref and followed["status"] == "in_progress"
    assert followed["following_since"] == NOW.isoformat()
    assert LAMP.description not in json.dumps(bernds)  # Anna's words are not Bernd's data


async def test_after_erasure_the_same_chat_exports_no_reports_and_the_photo_is_gone(
    sessions: Sessions, clock: Clock, tmp_path: Path
) -> None:
    anna, bernd, ref, photo_id = await _reporter_and_follower(sessions, clock, tmp_path)
    async with turn(sessions, clock, tmp_path) as store:
        await store.personal_data.erase(anna)
    async with turn(sessions, clock, tmp_path) as store:
        await store.personal_data.erase(bernd)
    assert report_photos.path(tmp_path, photo_id) is None
    for user in ("anna", "bernd"):
        async with sessions() as session, session.begin():
            again, created = await resolve_citizen(session, "terminal", user, user, "de", NOW)
        assert created
        async with turn(sessions, clock, tmp_path) as store:
            data = json.loads(await store.personal_data.export(again))
            mine = await store.personal_data.contributions(again, "de")
        assert (data["reports"], data["followed_reports"]) == ([], [])
        assert (mine.reports, mine.followed_reports) == ((), ())
    # the report stays for the town, linked to nobody and without the photo
    async with sessions() as session:
        kept = await reports.report_by_ref(session, ref)
    assert kept is not None and kept.citizen_id is None and kept.photos == []
