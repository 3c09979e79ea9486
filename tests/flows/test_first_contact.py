"""First contact, the menu, small talk, fallback and consent."""

from __future__ import annotations

from tests.flows.chat import Chat


async def test_first_hello_welcomes_with_privacy_note_and_menu() -> None:
    chat = Chat()
    await chat.say("Hallo", intent="greet", language="de")
    assert "Musterstadt" in chat.text
    assert "/loeschen" in chat.text and "datenschutz@musterstadt.de" in chat.text
    assert "💡 Idee vorschlagen" in chat.labels
    assert chat.state.greeted and chat.state.flow_id is None


async def test_first_message_in_english_answers_in_english() -> None:
    chat = Chat(language_hint="de")
    await chat.say("Hi there, what can you do?", intent="help", language="en")
    assert "citizens' chat" in chat.text
    assert chat.state.language == "en"
    assert chat.services.citizen_rows[7]["language"] == "en"


async def test_platform_hint_wins_over_a_single_ambiguous_word() -> None:
    chat = Chat(language_hint="en")
    await chat.say("Hallo", intent="greet", language="de")
    assert chat.state.language == "en"


async def test_first_message_with_a_wish_goes_straight_to_it() -> None:
    chat = Chat()
    await chat.say("ich hab eine idee", intent="propose_idea", language="de")
    assert "willkommen" in chat.replies[0].text.casefold()
    assert "Datenschutz" in chat.text  # consent comes first: proposing stores personal things
    assert chat.state.flow_id == "consent"


async def test_fallback_is_honest_and_offers_the_menu() -> None:
    chat = Chat()
    await chat.say("Hallo", intent="greet")
    await chat.say("qwrtz blorp")  # nothing recognised
    assert "nicht verstanden" in chat.text
    assert len(chat.state.options) == 8
    assert [row.unclear.outcome for row in chat.services.understanding.rows] == ["fallback"]


async def test_out_of_scope_says_so_and_offers_the_menu() -> None:
    chat = Chat()
    await chat.say("Hallo", intent="greet")
    await chat.say("wie wird das wetter morgen", intent="out_of_scope")
    assert chat.text.startswith("Dafür bin ich nicht zuständig.")
    assert "Das kann ich für Sie tun" in chat.text
    assert "erreichen Sie" not in chat.text  # no contact configured: none is made up
    assert len(chat.state.options) == 8
    assert chat.services.understanding.rows == []  # understood, nothing to teach


async def test_thanks_and_goodbye_keep_the_door_open() -> None:
    chat = Chat()
    await chat.say("Hallo", intent="greet")
    await chat.say("danke", intent="thanks")
    assert "Gern geschehen" in chat.text and chat.state.options
    await chat.say("tschüss", intent="goodbye")
    assert "Tschüss" in chat.text and chat.state.options


async def test_help_word_and_commands_show_the_menu() -> None:
    chat = Chat()
    await chat.say("Hallo", intent="greet")
    for word in ("hilfe", "Menü", "/help", "/hilfe@mitreden_bot"):
        await chat.say(word)
        assert "Das kann ich für Sie tun" in chat.text, word


async def test_declining_consent_stores_nothing_and_leaves_the_flow() -> None:
    chat = Chat()
    await chat.say("Hallo", intent="greet")
    await chat.say("/idee")
    assert chat.state.flow_id == "consent"
    await chat.say("nein")
    assert "nichts gespeichert" in chat.text
    assert chat.state.flow_id is None
    assert "record_consent" not in chat.services.calls


async def test_consent_then_the_flow_continues_where_it_was() -> None:
    chat = Chat()
    await chat.say("/idee")
    await chat.say("ja")
    assert "record_consent" in chat.services.calls
    assert chat.services.citizen_rows[7]["consent"] == "2026-01"
    assert "Wie soll sie heißen" in chat.text
    assert chat.state.flow_id == "propose_idea"


async def test_du_variant_when_the_town_says_du() -> None:
    chat = Chat(formal=False)
    await chat.say("Hallo", intent="greet")
    assert "Womit möchtest du anfangen" in chat.text
    assert " Sie " not in chat.text


async def test_unknown_command_says_so_and_offers_the_menu() -> None:
    chat = Chat()
    await chat.say("/foo")
    assert "/foo" in chat.text and len(chat.state.options) == 8
