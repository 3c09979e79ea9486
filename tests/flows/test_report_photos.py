"""The report's photo question: a photo is taken (its metadata removed), skipped, or
refused with a way on; a position found in the photo is only used when the citizen says so."""

from __future__ import annotations

from flows.types import Location, Photo, UserInput
from tests.flows.chat import Chat
from tests.photo_samples import GPS_POSITION, assert_without_metadata, phone_jpeg


async def _at_photo_question(chat: Chat, place: str = "Lindenstraße 5") -> None:
    await chat.say("Schlagloch!", intent="report_problem")
    await chat.press("Ja")
    await chat.say(place)
    assert "Möchten Sie ein Foto schicken? Das hilft uns." in chat.text
    assert chat.replies[-1].accepts == ("photo",)
    assert "Überspringen" in chat.labels


def _photo(content: bytes) -> UserInput:
    return UserInput(text="", photo=Photo(content, "image/jpeg", "IMG_0001.jpg"))


async def _send_report(chat: Chat) -> None:
    await chat.press("Ja, abschicken")
    await chat.agree()
    assert "Ihre Nummer" in chat.text


async def test_skipping_the_photo_goes_on_to_the_summary() -> None:
    chat = Chat()
    await _at_photo_question(chat)
    await chat.press("Überspringen")
    assert "Bitte prüfen Sie Ihre Meldung" in chat.text
    await _send_report(chat)
    _, report = chat.services.reports.rows[-1]
    assert report.photos == ()


async def test_a_photo_is_stored_without_metadata_and_its_position_used_when_confirmed() -> None:
    chat = Chat()
    await _at_photo_question(chat)
    await chat.send(_photo(phone_jpeg()))
    assert "Das Foto enthält einen Ort (Position 52.52000, 13.40500)" in chat.text
    assert "diesen Ort verwenden?" in chat.text
    await chat.press("Ja, verwenden")
    assert "📍 Lindenstraße 5" in chat.text  # the typed place stays, the position joins it
    await _send_report(chat)
    _, report = chat.services.reports.rows[-1]
    assert report.photos == ("P-1",)
    assert (report.latitude, report.longitude) == GPS_POSITION
    assert_without_metadata(chat.services.reports.photos[0])


async def test_a_declined_photo_position_is_not_kept() -> None:
    chat = Chat()
    await _at_photo_question(chat)
    await chat.send(_photo(phone_jpeg()))
    await chat.press("Nein")
    assert "Bitte prüfen Sie Ihre Meldung" in chat.text
    await _send_report(chat)
    _, report = chat.services.reports.rows[-1]
    assert report.photos == ("P-1",)
    assert (report.latitude, report.longitude) == (None, None)


async def test_a_shared_location_is_not_replaced_by_the_photo_s() -> None:
    chat = Chat()
    await chat.say("Schlagloch!", intent="report_problem")
    await chat.press("Ja")
    await chat.send(UserInput(text="", location=Location(51.0, 7.0)))
    await chat.send(_photo(phone_jpeg()))
    assert "Das Foto enthält einen Ort" not in chat.text
    assert "Bitte prüfen Sie Ihre Meldung" in chat.text


async def test_a_photo_without_position_asks_nothing_more() -> None:
    chat = Chat()
    await _at_photo_question(chat)
    await chat.send(_photo(phone_jpeg(gps=False)))
    assert "Bitte prüfen Sie Ihre Meldung" in chat.text


async def test_a_file_that_is_no_picture_is_refused_with_a_way_on() -> None:
    chat = Chat()
    await _at_photo_question(chat)
    await chat.send(_photo(b"%PDF-1.7 not a picture"))
    assert "Das kann ich nicht als Foto öffnen" in chat.text
    assert "Überspringen" in chat.labels
    assert chat.services.reports.photos == []
    await chat.send(_photo(phone_jpeg()[:200]))  # cut off on the way
    assert "Das kann ich nicht als Foto öffnen" in chat.text
    assert chat.services.reports.photos == []


async def test_text_where_a_photo_is_asked_for_says_what_to_do() -> None:
    chat = Chat()
    await _at_photo_question(chat)
    await chat.say("Moment mal")
    assert "Bitte schicken Sie ein Foto – oder tippen Sie auf „Überspringen“." in chat.text


async def test_a_photo_where_none_is_asked_for_is_answered_politely() -> None:
    chat = Chat()
    await chat.say("hallo", intent="greet")
    await chat.send(_photo(phone_jpeg()))
    assert "ein Foto brauche ich gerade nicht" in chat.text
    assert chat.services.reports.photos == []


async def test_english_photo_question() -> None:
    chat = Chat(language_hint="en")
    await chat.say("pothole on the road", intent="report_problem", language="en")
    await chat.press("Yes")
    await chat.say("Linden Street 5")
    assert "Would you like to send a photo? It helps us." in chat.text
    await chat.send(_photo(phone_jpeg()))
    assert "The photo contains a location (Position 52.52000, 13.40500)" in chat.text
