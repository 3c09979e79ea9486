"""With MITREDEN_REPORT_PHOTO_STORE=database a photo sent in the web chat is kept in the
database, not in the process's folder: a second process on the same database, with its own
empty folder, shows it to staff and, once released and published, to everyone. Both
databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bot.civic.photos import CleanPhoto, PhotoRules, clean
from bot.web.server import create_web_app
from nlu.types import IntentRecognizer
from storage.models.reports import Report
from tests.bot.web.chat.chat_server import running_chat
from tests.bot.web.chat.rest_client import new_session, payload_of, say, texts
from tests.bot.web.chat.test_photo_upload import _at_photo_question, upload
from tests.bot.web.support import add_staff, running_app, staff_client
from tests.photo_samples import assert_without_metadata, phone_jpeg


async def _report_with_photo(db_url: str, recognizer: IntentRecognizer, folder: Path) -> str:
    """A citizen sends a report with a photo through the web chat; its ref."""
    async with (
        running_chat(
            db_url, recognizer, report_photo_dir=folder, report_photo_store="database"
        ) as chat,
        chat.client() as client,
    ):
        sender, token = await new_session(client)
        await _at_photo_question(client, sender, token)
        answer = await upload(client, sender, token, phone_jpeg())
        assert answer.status_code == 200, answer.text
        offered: list[dict[str, Any]] = answer.json()
        summary = await say(client, sender, token, payload_of(offered, "Nein"))
        done = await say(client, sender, token, payload_of(summary, "Ja, abschicken"))
        done = await say(client, sender, token, payload_of(done, "einverstanden"))
        assert "Ihre Nummer" in texts(done)
        async with chat.app.sessions() as session:
            report = await session.scalar(select(Report).order_by(Report.id.desc()))
    assert report is not None and report.ref and len(report.photos) == 1
    return report.ref


async def test_another_process_serves_the_photo_from_the_database(
    db_url: str, recognizer: IntentRecognizer, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    cleaned = clean(phone_jpeg(), PhotoRules())  # what the chat stored of the upload
    assert isinstance(cleaned, CleanPhoto)
    ref = await _report_with_photo(db_url, recognizer, first)
    assert not first.exists() or not any(first.iterdir())  # nothing written to the folder

    settings = {"report_photo_dir": second, "report_photo_store": "database"}
    async with running_app(db_url, recognizer, {}, **settings) as app:
        async with app.sessions() as session:
            report = await session.scalar(select(Report).where(Report.ref == ref))
        assert report is not None
        photo = report.photos[0]
        page = f"/reports/{ref}"
        public_address = f"/report-photos/{photo}/photo.jpg"
        web = create_web_app(app)
        await add_staff(app, "ben")
        transport = httpx.ASGITransport(app=web)
        async with (
            staff_client(web, "ben") as staff,
            httpx.AsyncClient(transport=transport, base_url="http://test") as public,
        ):
            shown = await staff.get(f"{page}/photos/{photo}")
            assert shown.status_code == 200
            assert shown.headers["content-type"] == "image/jpeg"
            assert shown.headers["cache-control"] == "private, no-store"
            assert shown.headers["x-content-type-options"] == "nosniff"
            assert_without_metadata(shown.content)
            assert shown.content == cleaned.content
            small = await staff.get(f"{page}/photos/{photo}/thumbnail")
            assert small.status_code == 200 and small.content == cleaned.thumbnail
            assert (await public.get(public_address)).status_code == 404  # not released

            released = await staff.post_form(f"{page}/photos/{photo}/public", {"public": "yes"})
            assert released.status_code == 303
            published = await staff.post_form(f"{page}/publish", {"published": "yes"})
            assert published.status_code == 303

            seen = await public.get(public_address)
            assert seen.status_code == 200 and seen.content == shown.content
            assert seen.headers["cache-control"] == "public, max-age=300"
            assert seen.headers["cross-origin-resource-policy"] == "cross-origin"
            thumb = await public.get(f"/report-photos/{photo}/thumbnail.jpg")
            assert thumb.status_code == 200 and thumb.content == small.content
    assert not second.exists() or not any(second.iterdir())
