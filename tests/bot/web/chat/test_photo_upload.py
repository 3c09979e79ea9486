"""The web chat's photo upload over real HTTP: the photo question says it takes one, the
upload answers it and the stored file has no metadata; a file that is no picture and one
over the limit are refused with the bot's word, and nothing is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from nlu.types import IntentRecognizer
from storage import report_photos
from storage.models.reports import Report
from tests.bot.web.chat.chat_server import running_chat
from tests.bot.web.chat.rest_client import new_session, payload_of, say, texts
from tests.photo_samples import assert_without_metadata, phone_jpeg


async def upload(
    client: httpx.AsyncClient, sender: str, token: str, content: bytes, name: str = "a.jpg"
) -> httpx.Response:
    return await client.post(
        "/webhooks/rest/upload",
        data={"sender": sender, "token": token},
        files={"photo": (name, content, "image/jpeg")},
    )


async def _at_photo_question(client: httpx.AsyncClient, sender: str, token: str) -> None:
    await say(client, sender, token, "/melden")
    category = await say(client, sender, token, "Schlagloch!")
    await say(client, sender, token, payload_of(category, "Ja"))
    asked = await say(client, sender, token, "Lindenstraße 5")
    assert "Möchten Sie ein Foto schicken" in texts(asked)
    assert asked[-1]["custom"]["accepts"] == ["photo"]


def _files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


async def test_an_uploaded_photo_is_stored_without_metadata(
    db_url: str, recognizer: IntentRecognizer, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    async with (
        running_chat(db_url, recognizer, report_photo_dir=folder) as chat,
        chat.client() as client,
    ):
        sender, token = await new_session(client)
        await _at_photo_question(client, sender, token)
        answer = await upload(client, sender, token, phone_jpeg())
        assert answer.status_code == 200, answer.text
        offered: list[dict[str, Any]] = answer.json()
        assert "Das Foto enthält einen Ort" in texts(offered)
        summary = await say(client, sender, token, payload_of(offered, "Nein"))
        done = await say(client, sender, token, payload_of(summary, "Ja, abschicken"))
        done = await say(client, sender, token, payload_of(done, "einverstanden"))
        assert "Ihre Nummer" in texts(done)
        async with chat.app.sessions() as session:
            report = await session.scalar(select(Report).order_by(Report.id.desc()))
        assert report is not None and len(report.photos) == 1
        assert report.latitude is None  # declined
        stored = report_photos.path(folder, report.photos[0])
        assert stored is not None
        assert_without_metadata(stored.read_bytes())
        thumbnail = report_photos.path(folder, report.photos[0], thumbnail=True)
        assert thumbnail is not None
        assert_without_metadata(thumbnail.read_bytes())


async def test_no_picture_and_too_large_are_refused_and_nothing_is_stored(
    db_url: str, recognizer: IntentRecognizer, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    async with (
        running_chat(
            db_url, recognizer, report_photo_dir=folder, report_photo_max_bytes=1_000_000
        ) as chat,
        chat.client() as client,
    ):
        sender, token = await new_session(client)
        await _at_photo_question(client, sender, token)
        answer = await upload(client, sender, token, b"MZ\x90\x00 an .exe", "virus.jpg")
        assert answer.status_code == 200, answer.text
        assert "Das kann ich nicht als Foto öffnen" in texts(answer.json())
        big = await upload(client, sender, token, b"\xff\xd8" + b"0" * 1_200_000)
        assert big.status_code == 413
        assert "Dieses Foto ist zu groß (höchstens 1 MB)" in texts(big.json())
        just_over = await upload(client, sender, token, b"\xff\xd8" + b"0" * 1_000_000)
        assert "Dieses Foto ist zu groß (höchstens 1 MB)" in texts(just_over.json())
        assert _files(folder) == []
        # the question still waits: skipping goes on
        skipped = await say(client, sender, token, payload_of(answer.json(), "Überspringen"))
        assert "Bitte prüfen Sie Ihre Meldung" in texts(skipped)


async def test_an_upload_needs_the_session_token(
    db_url: str, recognizer: IntentRecognizer, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    async with (
        running_chat(db_url, recognizer, report_photo_dir=folder) as chat,
        chat.client() as client,
    ):
        sender, _ = await new_session(client)
        answer = await upload(client, sender, "wrong", phone_jpeg())
        assert answer.status_code == 401
        assert _files(folder) == []
