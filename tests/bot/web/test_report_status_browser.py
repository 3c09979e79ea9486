"""Staff change a report's status in chromium, and the news reaches the web chats of the
citizen who made the report (in German) and of one who follows it (in English)."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from nlu.types import IntentRecognizer
from storage.models.reports import Report
from tests.bot.web.chat.chat_server import ChatServer, running_chat
from tests.bot.web.chat.test_widget_browser import bot_said, log_of, press, write
from tests.bot.web.support import PASSWORD, add_staff
from tests.browser_support import launch_chromium


async def chat_page(browser: Browser, chat: ChatServer, language: str) -> Page:
    context = await browser.new_context(locale="de-DE" if language == "de" else "en-GB")
    page = await context.new_page()
    await page.goto(f"{chat.url}/chat?lang={language}")
    await press(page, "Los geht's" if language == "de" else "Let's go")
    return page


async def report_in_german(page: Page) -> None:
    await bot_said(page, "Womit möchten Sie anfangen")
    await write(page, "Hallo, die Straßenlampe in der Lindenstraße ist dunkel")
    await bot_said(page, "Stimmt das")
    await press(page, "Ja")
    await bot_said(page, "Möchten Sie ein Foto schicken")
    await press(page, "Überspringen")
    await press(page, "Ja, abschicken")
    await bot_said(page, "Datenschutz")
    await press(page, "einverstanden")
    await bot_said(page, "Ihre Nummer")


async def follow_in_english(page: Page) -> None:
    """The same lamp, reported again: the chat offers the first report to follow."""
    await bot_said(page, "What would you like")
    field = page.get_by_label("Your message")
    await expect(field).to_be_enabled()
    await field.fill("the street light in Lindenstraße is out")
    await field.press("Enter")
    await bot_said(page, "Is that right")
    await press(page, "Yes")
    await bot_said(page, "Would you like to send a photo")
    await press(page, "Skip")
    await bot_said(page, "Is it this report")
    await press(page, "Lindenstraße")
    await bot_said(page, "Do you agree")
    await press(page, "agree")
    await bot_said(page, "as soon as something happens")


async def staff_page(browser: Browser, chat: ChatServer) -> Page:
    await add_staff(chat.app, "ben", "staff")
    context = await browser.new_context(locale="de-DE")
    page = await context.new_page()
    await page.goto(f"{chat.url}/login")
    await page.get_by_label("Benutzername").fill("ben")
    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await page.wait_for_url(f"{chat.url}/")
    return page


async def the_report(chat: ChatServer) -> str:
    async with chat.app.sessions() as session:
        refs = (await session.scalars(select(Report.ref))).all()
    assert len(refs) == 1, "the second citizen follows the first report and makes none"
    return refs[0] or ""


async def test_staff_set_in_progress_and_reporter_and_follower_read_it_in_their_chats(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(sqlite_url, recognizer) as chat, launch_chromium() as browser:
        reporter = await chat_page(browser, chat, "de")
        await report_in_german(reporter)
        follower = await chat_page(browser, chat, "en")
        await follow_in_english(follower)
        ref = await the_report(chat)

        staff = await staff_page(browser, chat)
        await staff.get_by_role("link", name="Meldungen", exact=True).click()
        await expect(staff.get_by_role("heading", level=1)).to_have_text("Meldungen")
        await staff.get_by_role("link", name=ref).click()
        await expect(staff.get_by_text("1 weitere Person(en) verfolgen")).to_be_visible()
        await staff.get_by_label("Stand", exact=True).select_option(label="in Bearbeitung")
        await staff.get_by_label("Nachricht an die Bürger (Deutsch)").fill(
            "Der Bauhof tauscht die Lampe bis Freitag."
        )
        await staff.get_by_label("Nachricht an die Bürger (Englisch, optional)").fill(
            "The depot will replace the lamp by Friday."
        )
        await staff.get_by_role("button", name="Stand speichern und Bescheid geben").click()
        await expect(staff.get_by_role("status")).to_contain_text("2 Nachricht(en) unterwegs")

        # both chat pages are still open: the news arrives through their event streams
        await bot_said(reporter, f"Neuigkeiten zu Meldung {ref}")
        await bot_said(reporter, "Stand: in Bearbeitung")
        await bot_said(reporter, "Der Bauhof tauscht die Lampe bis Freitag.")
        await bot_said(follower, f"News about report {ref}")
        await bot_said(follower, "Status: in progress")
        await bot_said(follower, "The depot will replace the lamp by Friday.")
        await expect(log_of(follower).get_by_text("Der Bauhof")).to_have_count(0)
        # and what the news offers next works in the chat
        await press(reporter, "Hauptmenü")
        await bot_said(reporter, "Womit möchten Sie anfangen")
