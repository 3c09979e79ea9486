"""A report's page tells staff whether the town's own Open311 system has it, and why not."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from bot.civic.open311_forwarding import forward_reports
from tests.bot.civic.open311_town import town_system
from tests.bot.civic.test_open311_forwarding import settings_for
from tests.bot.web.support import StaffClient
from tests.bot.web.test_reports import report


async def test_the_report_page_shows_where_forwarding_stands(
    web_app: App, staff: StaffClient
) -> None:
    async with town_system() as town:
        settings = settings_for(town)
        now = datetime.now(UTC)
        await forward_reports(web_app.sessions, settings, now)  # switched on
        refused, _ = await report(web_app, "Die Laterne ist dunkel")
        town.faults.append("403")
        await forward_reports(web_app.sessions, settings, now)
        sent, _ = await report(web_app, "Die Laterne flackert", user="carla")
        await forward_reports(web_app.sessions, settings, now)
    not_sent = await staff.get(f"/reports/{refused}")
    assert "Nicht weitergeleitet: HTTP 403: api_key ist ungültig" in not_sent.text
    forwarded = await staff.get(f"/reports/{sent}")
    assert "An das System der Stadt weitergeleitet (Nummer dort: S1)." in forwarded.text
    untouched, _ = await report(web_app, "Noch eine Laterne", user="dora")
    assert "weitergeleitet" not in (await staff.get(f"/reports/{untouched}")).text
