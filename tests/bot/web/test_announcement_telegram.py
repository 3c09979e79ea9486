"""An announcement through the real Telegram adapter, against the Bot API double over HTTP:
what citizens receive is exactly what the staff page previewed, and the progress reaches
100 %."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bot.channels.telegram.channel import TelegramChannel
from bot.web.server import create_web_app
from nlu.types import IntentRecognizer
from storage.citizens import record_consent
from storage.identities import resolve_citizen
from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.channels.telegram.bot_api_updates import Citizen
from tests.bot.web.support import add_staff, running_app, staff_client

PATIENCE = 30.0  # only a guard against a hanging test; nothing is timed
CITIZENS = [Citizen(7001 + n, f"Person {n}", "en" if n % 3 == 0 else "de") for n in range(6)]
TEXT = {
    "text_de": "Wasserrohrbruch in der <Hauptstraße> – bitte umfahren Sie die Kreuzung.",
    "text_en": "Burst water main in <Hauptstraße> – please avoid the junction.",
    "audience": "all",
    "when": "now",
}


async def test_telegram_citizens_get_what_the_preview_showed(
    tmp_path: Path, recognizer: IntentRecognizer
) -> None:
    double = BotApiDouble()
    await double.start()
    telegram = TelegramChannel(double.token, api_url=double.url, poll_timeout=1)
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    try:
        async with running_app(url, recognizer, {"telegram": telegram}) as app:
            now = datetime.now(UTC)
            async with app.sessions() as session, session.begin():
                for citizen in CITIZENS:
                    double.state.chats.setdefault(citizen.id, citizen.private_chat())
                    citizen_id, _ = await resolve_citizen(
                        session,
                        "telegram",
                        str(citizen.id),
                        str(citizen.id),
                        citizen.language_code or "de",
                        now,
                    )
                    await record_consent(session, citizen_id, "2026-11", "telegram", now)
            await add_staff(app, "ben", "staff")
            async with staff_client(create_web_app(app), "ben") as staff:
                preview = await staff.post_form("/announcements/new", {**TEXT, "action": "preview"})
                assert "6 Menschen in 6 Chats." in preview.text
                shown = re.findall(r'<div class="message">(.*?)</div>', preview.text, re.S)
                sent = await staff.post_form("/announcements/new", {**TEXT, "action": "send"})
                assert sent.status_code == 303, sent.text
                await app.start(app.dispatcher.handle_and_forget)
                received = {c.id: (await double.wait_for(c.id, 1, PATIENCE))[0] for c in CITIZENS}
                progress = await _until_finished(staff.http, sent.headers["location"])
        german, english = shown
        for citizen in CITIZENS:
            message = received[citizen.id]
            expected = english if citizen.language_code == "en" else german
            assert message.html == expected  # the preview is Telegram's own HTML
            assert message.buttons == (
                ["Main menu"] if citizen.language_code == "en" else ["Hauptmenü"]
            )
        assert "&lt;Hauptstraße&gt;" in german and "<Hauptstraße>" in received[7002].text
        assert (progress["sent"], progress["failed"], progress["percent"]) == (6, 0, 100)
    finally:
        await double.stop()


async def _until_finished(client: httpx.AsyncClient, url: str) -> dict[str, object]:
    """Asks the progress endpoint as the page does, until the announcement is done."""

    async def poll() -> dict[str, object]:
        while True:
            data: dict[str, object] = (await client.get(f"{url}/progress.json")).json()
            if data["finished"]:
                return data
            await asyncio.sleep(0.1)

    return await asyncio.wait_for(poll(), PATIENCE)
