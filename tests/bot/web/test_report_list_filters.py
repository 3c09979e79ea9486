"""The staff list of reports filtered by age and by the map's view, over HTTP: each filter
narrows the list, they combine, the page links keep them and wrong values are ignored."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.bot.web.support import StaffClient
from tests.bot.web.test_report_map import LAT, LON, report

AROUND = {"south": "52.51", "west": "13.39", "north": "52.53", "east": "13.42"}


async def shown(staff: StaffClient, **params: str) -> list[str]:
    """The references in the list's table, in order."""
    page = await staff.get("/reports", params=params)
    assert page.status_code == 200
    table = page.text.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page.text else ""
    return [part.split('"')[0] for part in table.split('<a href="/reports/')[1:]]


async def test_age_and_map_view_narrow_the_list_and_combine(
    web_app: App, staff: StaffClient
) -> None:
    waiting = await report(web_app, "Laterne seit Wochen dunkel", days_ago=45)
    month_far = await report(web_app, "Bank kaputt", days_ago=31, position=(LAT + 0.5, LON))
    week = await report(web_app, "Ampel blinkt", days_ago=10, category="road_damage")
    fresh = await report(web_app, "Neues Schlagloch", days_ago=0, category="road_damage")
    unplaced = await report(web_app, "Ohne Position", days_ago=2, position=None)
    assert await shown(staff) == [waiting, month_far, week, unplaced, fresh]
    assert await shown(staff, age="older_7") == [waiting, month_far, week]
    assert await shown(staff, age="older_30") == [waiting, month_far]
    assert await shown(staff, age="older_90") == []
    assert await shown(staff, age="newer_7") == [unplaced, fresh]
    assert await shown(staff, **AROUND) == [waiting, week, fresh]
    assert await shown(staff, age="older_7", **AROUND) == [waiting, week]
    assert await shown(staff, category="road_damage", age="newer_7", **AROUND) == [fresh]
    assert await shown(staff, q="schlagloch", **AROUND) == [fresh]


async def test_the_map_view_filter_shows_as_active_and_can_be_removed(
    web_app: App, staff: StaffClient
) -> None:
    inside = await report(web_app, "Laterne dunkel", days_ago=9)
    await report(web_app, "Weit weg", days_ago=9, position=(LAT + 1, LON))
    page = await staff.get("/reports", params={"age": "older_7", "status": "all", **AROUND})
    assert "Nur Meldungen im gewählten Kartenausschnitt." in page.text
    assert "data-area='[52.51, 13.39, 52.53, 13.42]'" in page.text
    assert 'data-area-button="Nur im Kartenausschnitt"' in page.text
    # changing another filter in the form keeps the view
    assert '<input type="hidden" name="north" value="52.53">' in page.text
    remove = (
        '<a href="/reports?status=all&amp;category=&amp;q=&amp;age=older_7">'
        "Kartenausschnitt aufheben</a>"
    )
    assert remove in page.text
    assert await shown(staff, status="all", age="older_7", **AROUND) == [inside]
    plain = await staff.get("/reports")
    assert "Kartenausschnitt aufheben" not in plain.text and "data-area='[]'" in plain.text
    english = await staff.get("/reports", params={"lang": "en", **AROUND})
    assert "Only reports in the chosen map view." in english.text
    assert 'data-area-button="Only in the map view"' in english.text
    assert '<option value="older_30">Older than 30 days</option>' in english.text


async def test_page_links_keep_age_and_map_view(web_app: App, staff: StaffClient) -> None:
    for number in range(51):
        await report(web_app, f"Laterne {number}", days_ago=20)
    page = await staff.get("/reports", params={"age": "older_7", **AROUND})
    assert "Seite 1 von 2" in page.text
    assert (
        'href="?status=open&amp;category=&amp;q=&amp;age=older_7'
        '&amp;south=52.51&amp;west=13.39&amp;north=52.53&amp;east=13.42&amp;page=2"'
    ) in page.text


@pytest.mark.parametrize(
    "params",
    [
        {"age": "older_3650"},
        {"age": "<script>"},
        {"south": "52.51", "west": "13.39", "north": "52.53"},  # half a box
        {**AROUND, "south": "abc"},
        {**AROUND, "north": "nan"},
        {**AROUND, "east": "inf"},
        {**AROUND, "south": "91", "north": "95"},
        {**AROUND, "west": "-200"},
        {**AROUND, "south": "52.53", "north": "52.51"},  # upside down
        {**AROUND, "west": "1" * 5000},
        {**AROUND, "east": "13.42<b>"},
    ],
)
async def test_wrong_filter_values_are_ignored(
    web_app: App, staff: StaffClient, params: dict[str, str]
) -> None:
    here = await report(web_app, "Laterne dunkel", days_ago=3)
    far = await report(web_app, "Weit weg", days_ago=40, position=(LAT + 1, LON))
    assert await shown(staff, **params) == [far, here]
    page = await staff.get("/reports", params=params)
    assert "Kartenausschnitt aufheben" not in page.text and "<b>" not in page.text
