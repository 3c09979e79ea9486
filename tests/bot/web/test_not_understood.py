"""The page "Not understood" in-process: what citizens were asked about shows, grouped by
the guessed intent and without who wrote it; assigning needs the CSRF token and puts the
message into the draft of the intent data."""

from __future__ import annotations

from bot.app import App
from bot.content.learned_examples import LEARNED_FILE
from bot.messages import ConversationKey, InboundMessage
from storage import nlu_versions, unclear_messages
from tests.bot.web.support import StaffClient

# between a question and an idea for the model; the test reads its guess from the store
UNSURE = "auf dem Radweg an der Hauptstraße parken ständig Autos"


async def say(app: App, user: str, text: str) -> str:
    replies = await app.dispatcher.answer(InboundMessage(ConversationKey("test", user, user), text))
    return "\n".join(reply.text for reply in replies)


async def test_asked_messages_are_listed_and_assigned_into_the_draft(
    web_app: App, staff: StaffClient
) -> None:
    await say(web_app, "hanna-42", "Hallo")
    assert "Meinten Sie" in await say(web_app, "hanna-42", UNSURE)
    page = await staff.get("/not-understood")
    assert page.status_code == 200
    assert UNSURE in page.text
    async with web_app.sessions() as session:
        rows, _ = await unclear_messages.open_messages(session)
    assert f"Vermutet: {rows[0].guessed}" in page.text
    assert "hanna-42" not in page.text  # never who wrote it
    async with web_app.sessions() as session:
        rows, _ = await unclear_messages.open_messages(session)
    record = rows[0].id

    refused = await staff.post(f"/not-understood/{record}/assign", data={"intent": "help"})
    assert refused.status_code == 403

    done = await staff.follow(
        await staff.post_form(f"/not-understood/{record}/assign", {"intent": "ask_question"})
    )
    assert "In den Entwurf der Trainingsdaten übernommen" in done.text
    assert UNSURE not in done.text
    async with web_app.sessions() as session:
        draft = await nlu_versions.draft(session)
    assert draft is not None
    assert f"- intent: ask_question\n  examples: |\n    - {UNSURE}\n" in draft.files[LEARNED_FILE]


async def test_an_unknown_intent_is_refused(web_app: App, staff: StaffClient) -> None:
    await say(web_app, "jo", "Hallo")
    await say(web_app, "jo", UNSURE)
    async with web_app.sessions() as session:
        rows, _ = await unclear_messages.open_messages(session)
    response = await staff.post_form(f"/not-understood/{rows[0].id}/assign", {"intent": "x"})
    assert response.status_code == 400
