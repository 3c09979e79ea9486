"""Pictures on Matrix, against Synapse: fetched with the bot's token, decrypted in encrypted
rooms, stored without their metadata; too big or lost ones get a note and the chat goes on."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from bot.channels.matrix.channel import MatrixChannel
from storage import report_photos
from storage.models.reports import Report
from tests.bot.channels.matrix.bot_under_test import RunningBot
from tests.bot.channels.matrix.conftest import (
    CitizenFactory,
    Collected,
    channel_for,
    greeted_chat,
    open_chat,
)
from tests.bot.channels.matrix.synapse_server import Account, Synapse
from tests.photo_samples import GPS_POSITION, assert_without_metadata, phone_jpeg
from tests.report_words import REPORT_WORDS

SHARED = (52.52012, 13.40495)  # the shared location, a few hundred metres from the photo's


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 120, 0)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("language", ["de", "en"])
async def test_a_citizen_reports_a_problem_with_a_location_and_an_encrypted_photo(
    bot: RunningBot, citizens: CitizenFactory, tmp_path: Path, language: str
) -> None:
    words = REPORT_WORDS[language]
    person = await open_chat(citizens, bot, "anna")
    assert person.citizen.room().encrypted
    if language == "en":
        # Matrix tells the bot no language: a single word switches it
        await person.say("English")
        assert "in English" in person.texts()
    await person.say(words.command)
    await person.say(words.problem)
    await person.choose(words.yes)
    assert words.where in person.texts()
    geo = f"geo:{SHARED[0]},{SHARED[1]};u=35"
    await person.citizen.write(f"Standort {geo}", msgtype="m.location", geo_uri=geo)
    await person.turn()
    assert words.photo in person.texts()

    # a file that only says it is a picture: refused, and the question stays open
    await person.citizen.send_picture(b"kein Bild, nur Text")
    await person.turn()
    assert words.not_a_photo in person.texts()

    # the phone's photo knows where it was taken: the shared location stays the place
    await person.citizen.send_picture(phone_jpeg())
    await person.turn()
    assert words.check in person.texts()
    assert words.photo_place not in person.texts()
    await person.choose(words.send)
    assert words.privacy in person.texts()
    await person.choose(words.agree)
    assert words.number in person.texts()
    assert all(r.encrypted for r in person.citizen.inbox)

    async with bot.app.sessions() as session:
        report = await session.scalar(select(Report))
    assert report is not None
    assert report.language == language
    assert (report.latitude, report.longitude) == SHARED != GPS_POSITION
    (photo_id,) = report.photos
    folder = tmp_path / "report-photos"
    for thumbnail in (False, True):
        stored = report_photos.path(folder, photo_id, thumbnail=thumbnail)
        assert stored is not None
        assert_without_metadata(stored.read_bytes())
    assert len(list(folder.iterdir())) == 2, "the refused file was not kept"


async def test_pictures_in_an_unencrypted_room_reach_the_core_with_their_bytes(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna = await citizens("anna")
    await anna.open_direct_chat(bot_account.user_id, encrypted=False)
    photo = phone_jpeg()
    await anna.send_picture(photo)
    inbound = await collected.next()
    assert inbound.photo is not None and inbound.photo.content == photo
    assert (inbound.photo.content_type, inbound.photo.name, inbound.text) == (
        "image/jpeg",
        "foto.jpg",
        "",
    )

    # a picture sent as a file, with a caption apart from its name (Matrix 1.10)
    picture = png()
    caption = {"filename": "loch.png"}
    await anna.send_picture(
        picture, msgtype="m.file", mimetype="image/png", body="Loch vor Nr. 5", extra=caption
    )
    inbound = await collected.next()
    assert inbound.photo is not None and inbound.photo.content == picture
    assert (inbound.photo.name, inbound.text) == ("loch.png", "Loch vor Nr. 5")

    # any other file is no picture: it reaches the flows, which say what they take
    await anna.send_picture(b"%PDF-1.4", msgtype="m.file", mimetype="application/pdf")
    inbound = await collected.next()
    assert inbound.photo is None


async def test_an_encrypted_picture_reaches_the_core_decrypted(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna, _ = await greeted_chat(citizens, bot_account.user_id, collected)
    photo = phone_jpeg()
    await anna.send_picture(photo)
    inbound = await collected.next()
    assert inbound.photo is not None and inbound.photo.content == photo


async def test_a_picture_too_big_or_not_to_be_had_gets_a_note_and_the_chat_goes_on(
    synapse: Synapse,
    bot_account: Account,
    citizens: CitizenFactory,
    collected: Collected,
    tmp_path: Path,
) -> None:
    matrix = channel_for(synapse, bot_account, tmp_path / "bot-store", max_photo_bytes=1_000_000)
    await matrix.start(collected.sink)
    try:
        anna, _ = await greeted_chat(citizens, bot_account.user_id, collected)
        big = phone_jpeg() + os.urandom(1_100_000)

        await anna.send_picture(big)  # its size says so: not fetched
        (note,) = await anna.collect(1)
        assert "Dieses Foto ist zu groß (höchstens 1 MB)" in note.body
        assert "This photo is too large (at most 1 MB)" in note.body
        assert note.encrypted

        # a size that is not true: the download stops at the limit
        await anna.send_picture(big, extra={"info": {"mimetype": "image/jpeg", "size": 2_000}})
        (note,) = await anna.collect(1)
        assert "zu groß" in note.body

        # gone from the homeserver (404)
        where = await anna.upload(phone_jpeg(), encrypt=True)
        await anna.write("foto.jpg", msgtype="m.image", extra=where)
        await collected.next()  # the true one, for comparison
        where["file"]["url"] = "mxc://localhost/notThere"
        await anna.write("foto.jpg", msgtype="m.image", extra=where)
        (note,) = await anna.collect(1)
        assert "Ich konnte Ihr Foto leider nicht laden" in note.body
        assert "Please send it again or skip the photo" in note.body

        # an encrypted file whose hash does not match: never handed on as a picture
        where = await anna.upload(phone_jpeg(), encrypt=True)
        where["file"]["hashes"] = {"sha256": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
        await anna.write("foto.jpg", msgtype="m.image", extra=where)
        (note,) = await anna.collect(1)
        assert "nicht laden" in note.body

        # nothing of the above reached the core; the next message does
        await anna.write("Überspringen")
        assert (await collected.next()).text == "Überspringen"
        assert collected.messages.empty()
    finally:
        await matrix.stop()
