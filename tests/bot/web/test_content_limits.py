"""What administrators type into the flow and intent data editors cannot stop the bot: a NUL
character, deep nesting and aliases that unfold without end are refused with a clear
message and the line (422, the editor keeps the text), and a flow whose steps go round
without waiting is never published. Problems read in the reader's language. Both
databases: PostgreSQL is the one that cannot store a NUL."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.channels.recording import RecordingChannel
from bot.content import flows as flow_admin
from bot.content import intent_data as nlu_admin
from bot.messages import ConversationKey, InboundMessage
from bot.web.server import create_web_app
from flows import builtin_texts
from flows.library import load_definitions
from nlu.types import IntentRecognizer
from storage.models.core import OutboxMessage
from tests.bot.web.support import StaffClient, add_staff, app_with_a_thanks_test, staff_client
from tests.flows.test_flow_limits import laughs

SHIPPED = {flow_id: source for flow_id, _, source in load_definitions()}
DEEP = "[" * 300 + "]" * 300
GREET = "intents/greet.yml"


@pytest.fixture
async def any_app(db_url: str, recognizer: IntentRecognizer, tmp_path: Path) -> AsyncIterator[App]:
    """An App on either database whose flow editor finds only a test for `thanks`."""
    async with app_with_a_thanks_test(
        db_url, recognizer, {"test": RecordingChannel("test")}, tmp_path / "tests"
    ) as app:
        yield app


@pytest.fixture
async def anna(any_app: App) -> AsyncIterator[StaffClient]:
    await add_staff(any_app, "anna", "admin")
    async with staff_client(create_web_app(any_app), "anna") as client:
        yield client


async def is_draft(app: App, flow_id: str) -> bool:
    async with app.sessions() as session:
        editing = await flow_admin.open_editor(session, flow_id)
    return editing is not None and editing.is_draft


async def test_the_flow_editor_refuses_nul_deep_nesting_and_laughs_with_the_line(
    any_app: App, anna: StaffClient
) -> None:
    with_nul = SHIPPED["thanks"].replace("Gern geschehen!", "Gern\x00 geschehen!")
    refused = await anna.post_form("/admin/flows/thanks", {"source": with_nul, "action": "save"})
    assert refused.status_code == 422
    assert 'data-line="12"' in refused.text and "unsichtbares NUL-Zeichen" in refused.text
    assert "Nicht gespeichert" in refused.text and "geschehen!" in refused.text
    assert not await is_draft(any_app, "thanks")  # nothing stored, nothing half-stored

    deep = SHIPPED["thanks"] + f"extra: {DEEP}\n"
    page = await anna.post_form("/admin/flows/thanks", {"source": deep, "action": "publish"})
    assert page.status_code == 422 and 'data-line="16"' in page.text
    assert "zu tief verschachtelt (höchstens 40 Ebenen)" in page.text

    page = await anna.post_form("/admin/flows/thanks", {"source": laughs(9), "action": "test"})
    assert page.status_code == 422 and 'data-line="5"' in page.text
    assert "entfalten sich zu zu vielen Werten (höchstens 50000)" in page.text
    assert (await anna.get("/admin/flows/thanks")).status_code == 200  # the draft reopens
    assert (await anna.get("/admin/flows")).status_code == 200


async def test_the_intent_data_editor_refuses_nul_deep_nesting_and_laughs(
    any_app: App, anna: StaffClient
) -> None:
    async with any_app.sessions() as session:
        greet = (await nlu_admin.open_editor(session, any_app.settings)).files[GREET]
    with_nul = greet.replace("  examples: |\n", "  examples: |\n    - hal\x00lo\n", 1)
    refused = await anna.post_form("/admin/nlu", {"file": GREET, "text": with_nul})
    assert refused.status_code == 422
    line = with_nul.splitlines().index("    - hal\x00lo") + 1
    assert f"{GREET}, Zeile {line}</a>: In dieser Zeile steht ein unsichtbares" in refused.text
    assert "Nicht gespeichert" in refused.text and "- hal" in refused.text
    async with any_app.sessions() as session:
        assert not (await nlu_admin.open_editor(session, any_app.settings)).is_draft

    for text, shown in (
        (greet + f"extra: {DEEP}\n", "zu tief verschachtelt"),
        (laughs(9), "entfalten sich zu zu vielen Werten"),
    ):
        page = await anna.post_form("/admin/nlu", {"file": "intents/extra.yml", "text": text})
        assert page.status_code == 422 and shown in page.text
        assert "intents/extra.yml, Zeile" in page.text
        assert (await anna.get("/admin/nlu?file=intents/extra.yml")).status_code == 200


async def test_a_flow_going_round_without_waiting_is_not_published(
    any_app: App, anna: StaffClient
) -> None:
    looping = SHIPPED["welcome"].replace(
        "    options: menu\n", "    next: again\n  again:\n    type: goto\n    step: hello\n"
    )
    page = await anna.post_form("/admin/flows/welcome", {"source": looping, "action": "publish"})
    assert page.status_code == 422
    assert "Die Schritte hello → again → hello laufen im Kreis" in html.unescape(page.text)
    english = await anna.get("/admin/flows/welcome?lang=en")
    assert "the steps hello → again → hello go round in a circle" in html.unescape(english.text)
    current = any_app.library.current("welcome")
    assert current is not None and current.version == 1

    key = ConversationKey("test", "chat-citizen", "citizen")
    await any_app.dispatcher.handle(InboundMessage(key, "Hallo", language_hint="de"))
    async with any_app.sessions() as session:
        said = [row.payload["text"] for row in await session.scalars(select(OutboxMessage))]
    assert any("willkommen" in str(text) for text in said)
    assert builtin_texts.ERROR["de"] not in said


async def test_flow_and_intent_data_problems_read_in_the_readers_language(
    any_app: App, anna: StaffClient
) -> None:
    typo = SHIPPED["welcome"].replace("start: hello", "start: wilkommen")
    page = await anna.post_form("/admin/flows/welcome", {"source": typo, "action": "save"})
    assert page.status_code == 422
    assert "Den Startschritt „wilkommen“ gibt es nicht." in page.text
    assert "does not exist" not in page.text
    english = await anna.get("/admin/flows/welcome?lang=en")
    assert "the start step &#39;wilkommen&#39; does not exist" in english.text

    async with any_app.sessions() as session:
        affirm = (await nlu_admin.open_editor(session, any_app.settings)).files[
            "intents/affirm.yml"
        ]
    twice = affirm.replace("  examples: |\n", "  examples: |\n    - super danke\n", 1)
    async with any_app.sessions() as session:
        thanks = (await nlu_admin.open_editor(session, any_app.settings)).files[
            "intents/thanks.yml"
        ]
    assert "- super danke" in thanks
    page = await anna.post_form("/admin/nlu", {"file": "intents/affirm.yml", "text": twice})
    assert page.status_code == 422
    text = html.unescape(page.text)
    assert "„super danke“ steht bei „" in text and "is listed for" not in text
    in_english = html.unescape((await anna.get("/admin/nlu?lang=en")).text)
    assert "'super danke' is listed for" in in_english
