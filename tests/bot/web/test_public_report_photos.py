"""A report photo staff publish: public only while staff released it and the report is
published; withdrawn, unpublished or erased with the citizen it is gone again. Open data
and Open311 name its address exactly then. Both databases."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.app import App
from bot.civic.photos import CleanPhoto, PhotoRules, clean
from bot.web.server import create_web_app
from nlu.types import IntentRecognizer
from storage import report_photos, reports
from storage.citizens import erase_citizen
from storage.identities import resolve_citizen
from storage.models.staff import AuditEntry
from tests.bot.web.support import StaffClient, add_staff, running_app, staff_client
from tests.photo_samples import assert_without_metadata, phone_jpeg

PUBLIC_URL = "https://mitreden.musterstadt.de"


@dataclass
class Town:
    app: App
    staff: StaffClient
    public: httpx.AsyncClient
    ref: str
    citizen: int
    photo: str
    other: str  # a second photo of the same report, never released
    cleaned: CleanPhoto

    @property
    def page(self) -> str:
        return f"/reports/{self.ref}"

    def address(self, photo: str, name: str = "photo.jpg") -> str:
        return f"/report-photos/{photo}/{name}"

    async def release(self, photo: str, public: bool) -> httpx.Response:
        form = {"public": "yes" if public else "no"}
        return await self.staff.post_form(f"{self.page}/photos/{photo}/public", form)

    async def publish_report(self, published: bool) -> None:
        form = {"published": "yes" if published else "no"}
        answer = await self.staff.post_form(f"{self.page}/publish", form)
        assert answer.status_code == 303

    async def media_url(self) -> str:
        answer = await self.public.get(f"/open311/v2/requests/{self.ref}.json")
        if answer.status_code == 404:
            return "(not published)"
        return str(answer.json()[0]["media_url"])

    async def photo_url(self) -> str | None:
        answer = await self.staff.get("/exports/reports.json")
        assert answer.status_code == 200
        rows = [r for r in json.loads(answer.text)["records"] if r["ref"] == self.ref]
        return rows[0]["photo_url"] if rows else "(not published)"


@pytest.fixture
async def town(db_url: str, recognizer: IntentRecognizer, tmp_path: Path) -> AsyncIterator[Town]:
    cleaned = clean(phone_jpeg(), PhotoRules())
    assert isinstance(cleaned, CleanPhoto)
    photo = report_photos.save(tmp_path, cleaned.content, cleaned.thumbnail)
    other = report_photos.save(tmp_path, cleaned.content, cleaned.thumbnail)
    settings = {"report_photo_dir": tmp_path, "public_url": PUBLIC_URL + "/"}
    async with running_app(db_url, recognizer, {}, **settings) as app:
        async with app.sessions() as session, session.begin():
            now = datetime.now(UTC)
            citizen, _ = await resolve_citizen(session, "telegram", "4711", "4711", "de", now)
            row = await reports.create_report(
                session,
                citizen_id=citizen,
                category_code="road_damage",
                description="Schlagloch",
                place="Lindenstraße 5",
                language="de",
                now=now,
                photos=[photo, other],
            )
            ref = row.ref or ""
        web = create_web_app(app)
        await add_staff(app, "ben")
        transport = httpx.ASGITransport(app=web)
        async with (
            staff_client(web, "ben") as staff,
            httpx.AsyncClient(transport=transport, base_url="http://test") as public,
        ):
            yield Town(app, staff, public, ref, citizen, photo, other, cleaned)


async def _public_status(town: Town, photo: str) -> tuple[int, int]:
    full = await town.public.get(town.address(photo))
    thumb = await town.public.get(town.address(photo, "thumbnail.jpg"))
    for answer in (full, thumb):
        if answer.status_code != 200:
            assert b"\xff\xd8" not in answer.content  # not a byte of the picture
    return full.status_code, thumb.status_code


async def test_a_photo_is_public_only_released_and_with_a_published_report(town: Town) -> None:
    # neither released nor published: closed to the public, open to staff
    assert await _public_status(town, town.photo) == (404, 404)
    staff_copy = await town.staff.get(f"{town.page}/photos/{town.photo}")
    assert staff_copy.status_code == 200 and staff_copy.content == town.cleaned.content
    page = await town.staff.get(town.page)
    assert page.text.count("Foto veröffentlichen") == 2

    # released, the report not yet published: still closed
    shown = await town.staff.follow(await town.release(town.photo, True))
    assert "öffentlich, sobald die Meldung veröffentlicht ist" in shown.text
    assert "Veröffentlichung zurücknehmen" in shown.text
    assert await _public_status(town, town.photo) == (404, 404)
    assert await town.media_url() == "(not published)"

    # both: everyone sees the picture, without metadata, and its address is named
    await town.publish_report(True)
    full = await town.public.get(town.address(town.photo))
    assert full.status_code == 200 and full.content == town.cleaned.content
    assert full.headers["content-type"] == "image/jpeg"
    assert full.headers["cache-control"] == "public, max-age=300"
    assert full.headers["x-content-type-options"] == "nosniff"
    assert_without_metadata(full.content)
    thumb = await town.public.get(town.address(town.photo, "thumbnail.jpg"))
    assert thumb.status_code == 200 and thumb.content == town.cleaned.thumbnail
    address = f"{PUBLIC_URL}/report-photos/{town.photo}/photo.jpg"
    assert await town.media_url() == address
    assert await town.photo_url() == address
    page = await town.staff.get(town.page)
    assert f'href="{address}"' in page.text
    # the other photo of the report stays closed
    assert await _public_status(town, town.other) == (404, 404)

    # the report unpublished: the photo closes with it, and opens again with it
    await town.publish_report(False)
    assert await _public_status(town, town.photo) == (404, 404)
    await town.publish_report(True)
    assert await _public_status(town, town.photo) == (200, 200)

    # withdrawn: gone for the public, still there for staff
    hidden = await town.staff.follow(await town.release(town.photo, False))
    assert "Das Foto ist nicht mehr öffentlich." in hidden.text
    assert await _public_status(town, town.photo) == (404, 404)
    assert await town.media_url() == ""
    assert await town.photo_url() is None
    assert (await town.staff.get(f"{town.page}/photos/{town.photo}")).status_code == 200


async def test_releasing_and_withdrawing_are_in_the_audit_log(town: Town) -> None:
    await town.release(town.photo, True)
    await town.release(town.photo, False)
    async with town.app.sessions() as session:
        entries = (
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "report.photo_publish")
                .order_by(AuditEntry.id)
            )
        ).all()
    assert [(e.actor, e.target, e.detail) for e in entries] == [
        ("ben", town.ref, {"photo": town.photo, "public": True}),
        ("ben", town.ref, {"photo": town.photo, "public": False}),
    ]


async def test_only_staff_with_the_form_token_release_a_photo_of_this_report(town: Town) -> None:
    # without the CSRF token, and without a login: refused, nothing released
    refused = await town.staff.post(
        f"{town.page}/photos/{town.photo}/public", data={"public": "yes"}
    )
    assert refused.status_code == 403
    anonymous = await town.public.post(
        f"{town.page}/photos/{town.photo}/public", data={"public": "yes"}
    )
    assert anonymous.status_code in (401, 403)
    # a name that is no photo of this report, or garbage
    assert (await town.release("A" * 24, True)).status_code == 404
    assert (await town.release("..%2F..%2Fetc", True)).status_code == 404
    await town.publish_report(True)
    assert await _public_status(town, town.photo) == (404, 404)
    for garbage in ("..%2Fsecret", "A" * 24, "<script>", "x" * 5000):
        assert (await town.public.get(town.address(garbage))).status_code == 404


async def test_erasing_the_citizen_closes_a_published_photo(town: Town) -> None:
    await town.release(town.photo, True)
    await town.publish_report(True)
    assert await _public_status(town, town.photo) == (200, 200)
    async with town.app.sessions() as session, session.begin():
        assert await erase_citizen(session, town.citizen, town.app.settings.report_photo_dir)
    assert await _public_status(town, town.photo) == (404, 404)
    assert await town.media_url() == ""
    # staff still have the published report's photo, and could not release it by mistake
    # without seeing it again on the page
    assert (await town.staff.get(f"{town.page}/photos/{town.photo}")).status_code == 200
    assert "Foto veröffentlichen" in (await town.staff.get(town.page)).text
