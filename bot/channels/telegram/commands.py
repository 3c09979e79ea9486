"""The command menu Telegram shows next to the text field, in the citizen's app language."""

from __future__ import annotations

from telegram import Bot, BotCommand

# The commands the flows answer (docs/writing-flows.md); German ones for German apps,
# English ones for English apps. Both work in either language.
COMMANDS: dict[str, tuple[tuple[str, str], ...]] = {
    "de": (
        ("hilfe", "Menü: was ich für Sie tun kann"),
        ("frage", "Eine Frage an die Stadt stellen"),
        ("umfragen", "Offene Umfragen ansehen und mitmachen"),
        ("idee", "Eine Idee vorschlagen"),
        ("ideen", "Ideen ansehen und unterstützen"),
        ("abo", "Neuigkeiten abonnieren oder abbestellen"),
        ("vorlage", "Einer Ratsvorlage folgen"),
        ("meine", "Meine Fragen, Ideen und Umfragen"),
        ("daten", "Meine Daten ansehen oder löschen"),
        ("sprache", "Sprache wechseln – change language"),
        ("abbrechen", "Aktuellen Schritt abbrechen"),
    ),
    "en": (
        ("help", "Menu: what I can do for you"),
        ("question", "Ask the town a question"),
        ("consultations", "See open consultations and take part"),
        ("idea", "Propose an idea"),
        ("ideas", "Browse and support ideas"),
        ("subscriptions", "Subscribe to news or stop them"),
        ("paper", "Follow a council paper"),
        ("mine", "My questions, ideas and consultations"),
        ("mydata", "See or delete my data"),
        ("language", "Change language – Sprache wechseln"),
        ("cancel", "Cancel what is going on"),
    ),
}


def bot_commands(language: str) -> list[BotCommand]:
    return [BotCommand(command, description) for command, description in COMMANDS[language]]


async def register_commands(bot: Bot, default_language: str) -> None:
    """One menu per language, and the town's default language for every other app language."""
    for language in COMMANDS:
        await bot.set_my_commands(bot_commands(language), language_code=language)
    await bot.set_my_commands(bot_commands(default_language))
