"""A report's photo on the staff page: the thumbnail shows and links the full photo; both
need a staff login, and only photos of that report open."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx

from bot.civic.photos import CleanPhoto, PhotoRules, clean
from bot.web.server import create_web_app
from nlu.types import IntentRecognizer
from storage import report_photos, reports
from tests.bot.web.support import add_staff, running_app, staff_client
from tests.photo_samples import phone_jpeg


async def test_staff_see_the_photo_and_nobody_else_does(
    sqlite_url: str, recognizer: IntentRecognizer, tmp_path: Path
) -> None:
    cleaned = clean(phone_jpeg(), PhotoRules())
    assert isinstance(cleaned, CleanPhoto)
    photo = report_photos.save(tmp_path, cleaned.content, cleaned.thumbnail)
    other = report_photos.save(tmp_path, cleaned.content, cleaned.thumbnail)
    async with running_app(sqlite_url, recognizer, {}, report_photo_dir=tmp_path) as app:
        async with app.sessions() as session, session.begin():
            row = await reports.create_report(
                session,
                citizen_id=None,
                category_code="road_damage",
                description="Schlagloch",
                place="Lindenstraße 5",
                language="de",
                now=datetime.now(UTC),
                photos=[photo],
            )
            row.published = True  # a published report's photo stays closed all the same
            ref = row.ref
        web = create_web_app(app)
        full, thumb = f"/reports/{ref}/photos/{photo}", f"/reports/{ref}/photos/{photo}/thumbnail"
        transport = httpx.ASGITransport(app=web)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as anonymous:
            for path in (full, thumb):
                response = await anonymous.get(path)
                assert response.status_code == 401
                assert b"\xff\xd8" not in response.content
        await add_staff(app, "ben")
        async with staff_client(web, "ben") as staff:
            page = await staff.get(f"/reports/{ref}")
            assert f'src="{thumb}"' in page.text and f'href="{full}"' in page.text
            shown = await staff.get(full)
            assert shown.status_code == 200 and shown.content == cleaned.content
            assert shown.headers["cache-control"] == "private, no-store"
            small = await staff.get(thumb)
            assert small.content == cleaned.thumbnail
            assert (await staff.get(f"/reports/{ref}/photos/{other}")).status_code == 404
            assert (await staff.get(f"/reports/{ref}/photos/..%2Fx")).status_code == 404
