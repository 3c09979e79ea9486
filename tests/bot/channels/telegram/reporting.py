"""Steps of a problem report on Telegram, in the citizen's language (tests/report_words.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from storage import report_photos
from storage.models.reports import Report
from tests.bot.channels.telegram.bot_under_test import Chat, RunningBot
from tests.photo_samples import assert_without_metadata, phone_jpeg
from tests.report_words import REPORT_WORDS, ReportWords


def words_of(person: Chat) -> ReportWords:
    return REPORT_WORDS[person.citizen.language_code or "de"]


async def report_up_to_the_photo(person: Chat, place: str | tuple[float, float]) -> None:
    """A pothole, its kind confirmed, its place typed or shared as a location."""
    words = words_of(person)
    await person.say(words.command)
    await person.say(words.problem)
    await person.press(words.yes)
    assert words.where in person.texts()
    if isinstance(place, str):
        await person.say(place)
    else:
        person.double.send_location(person.citizen, *place)
        await person._turn()
    assert words.photo in person.texts()


async def send_a_phone_photo(person: Chat) -> None:
    """Telegram offers the picture in sizes: the bot fetches the largest, once."""
    sizes = [(b"a thumbnail, not fetched", 90, 67), (phone_jpeg(), 1280, 960)]
    person.double.send_photo(person.citizen, sizes)
    await person._turn()
    calls = person.double.state.calls
    fetched = [params["file_id"] for method, params in calls if method == "getfile"]
    assert len(fetched) == 1 and fetched[0].endswith("-1")


async def send_the_report(person: Chat) -> None:
    words = words_of(person)
    await person.press(words.send)
    assert words.privacy in person.texts()
    await person.press(words.agree)
    assert words.number in person.texts()


async def stored_report(bot: RunningBot) -> Report:
    async with bot.app.sessions() as session:
        report: Report | None = await session.scalar(select(Report))
    assert report is not None
    return report


def assert_photo_stored_without_metadata(report: Report, folder: Path) -> None:
    (photo_id,) = report.photos
    for thumbnail in (False, True):
        stored = report_photos.path(folder / "report-photos", photo_id, thumbnail=thumbnail)
        assert stored is not None
        assert_without_metadata(stored.read_bytes())
