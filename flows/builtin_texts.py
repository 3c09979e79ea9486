"""Texts the engine itself says, outside any flow file (errors, interrupts, the menu)."""

from __future__ import annotations

T = dict[str, str]

MENU: tuple[tuple[T, str], ...] = (
    ({"de": "❓ Frage stellen", "en": "❓ Ask a question"}, "/frage"),
    ({"de": "📋 Umfragen", "en": "📋 Consultations"}, "/umfragen"),
    ({"de": "📊 Ergebnisse", "en": "📊 Results"}, "/ergebnisse"),
    ({"de": "💡 Idee vorschlagen", "en": "💡 Propose an idea"}, "/idee"),
    ({"de": "🔎 Ideen ansehen", "en": "🔎 Browse ideas"}, "/ideen"),
    ({"de": "🔔 Abos", "en": "🔔 Subscriptions"}, "/abo"),
    ({"de": "🗂 Meine Beiträge", "en": "🗂 My contributions"}, "/meine"),
    ({"de": "🔐 Meine Daten", "en": "🔐 My data"}, "/daten"),
)

CANCEL_OPTION: tuple[T, str] = ({"de": "Abbrechen", "en": "Cancel"}, "/abbrechen")
MENU_OPTION: tuple[T, str] = ({"de": "Menü", "en": "Menu"}, "/hilfe")

EMPTY_MESSAGE: T = {
    "de": "Ihre Nachricht war leer. Bitte schreiben Sie etwas oder wählen Sie eine Möglichkeit.",
    "de_du": "Deine Nachricht war leer. Bitte schreib etwas oder wähle eine Möglichkeit.",
    "en": "Your message was empty. Please write something or pick an option.",
}
CANCELLED: T = {
    "de": "Okay, abgebrochen. Was möchten Sie als Nächstes tun?",
    "de_du": "Okay, abgebrochen. Was möchtest du als Nächstes tun?",
    "en": "Okay, cancelled. What would you like to do next?",
}
NOTHING_TO_CANCEL: T = {
    "de": "Gerade läuft nichts, das ich abbrechen könnte. Was möchten Sie tun?",
    "de_du": "Gerade läuft nichts, das ich abbrechen könnte. Was möchtest du tun?",
    "en": "There is nothing to cancel right now. What would you like to do?",
}
ERROR: T = {
    "de": "Entschuldigung, da ist bei mir etwas schiefgegangen. Bitte versuchen Sie es noch "
    "einmal oder wählen Sie etwas aus dem Menü.",
    "de_du": "Entschuldigung, da ist bei mir etwas schiefgegangen. Bitte versuch es noch "
    "einmal oder wähle etwas aus dem Menü.",
    "en": "Sorry, something went wrong on my side. Please try again or pick something "
    "from the menu.",
}
UNKNOWN_COMMAND: T = {
    "de": "Den Befehl {command} kenne ich nicht. Das kann ich für Sie tun:",
    "de_du": "Den Befehl {command} kenne ich nicht. Das kann ich für dich tun:",
    "en": "I don't know the command {command}. This is what I can do for you:",
}
LANGUAGE_SWITCHED: T = {
    "de": "Alles klar, ich schreibe ab jetzt auf Deutsch.",
    "en": "Sure, I'll write in English from now on.",
}
LANGUAGE_CHOICE: T = {
    "de": "In welcher Sprache möchten Sie schreiben?",
    "de_du": "In welcher Sprache möchtest du schreiben?",
    "en": "Which language would you like to use?",
}
LANGUAGE_OPTIONS: tuple[tuple[T, str], ...] = (
    ({"de": "Deutsch", "en": "Deutsch"}, "/sprache de"),
    ({"de": "English", "en": "English"}, "/sprache en"),
)
FIRST_HELLO: T = {
    "de": "Hallo und willkommen bei mitreden{town_suffix}! 👋",
    "en": "Hello and welcome to mitreden{town_suffix}! 👋",
}
NOT_YES_NO: T = {
    "de": "Bitte antworten Sie mit Ja oder Nein.",
    "de_du": "Bitte antworte mit Ja oder Nein.",
    "en": "Please answer yes or no.",
}
TOO_SHORT: T = {
    "de": "Das ist etwas kurz. Bitte schreiben Sie mindestens {min} Zeichen.",
    "de_du": "Das ist etwas kurz. Bitte schreib mindestens {min} Zeichen.",
    "en": "That is a bit short. Please write at least {min} characters.",
}
TOO_LONG: T = {
    "de": "Das ist zu lang ({length} Zeichen). Bitte fassen Sie sich auf höchstens {max} "
    "Zeichen zusammen.",
    "de_du": "Das ist zu lang ({length} Zeichen). Bitte fass dich auf höchstens {max} "
    "Zeichen zusammen.",
    "en": "That is too long ({length} characters). Please keep it to {max} characters at most.",
}
NO_LETTERS: T = {
    "de": "Daraus kann ich keinen Text machen. Bitte schreiben Sie ein paar Worte.",
    "de_du": "Daraus kann ich keinen Text machen. Bitte schreib ein paar Worte.",
    "en": "I can't use that as text. Please write a few words.",
}
EXPLICIT_YES: T = {
    "de": "Zur Sicherheit: Bitte tippen Sie auf „{label}“ oder schreiben Sie die 1.",
    "de_du": "Zur Sicherheit: Bitte tipp auf „{label}“ oder schreib die 1.",
    "en": "Just to be safe: please tap “{label}” or write 1.",
}
SKIP: T = {"de": "Überspringen", "en": "Skip"}
YES: T = {"de": "Ja", "en": "Yes"}
NO: T = {"de": "Nein", "en": "No"}

# Used when the bot core does not pass these variables.
VARIABLE_DEFAULTS: dict[str, T] = {
    "town": {"de": "Ihre Stadt", "de_du": "deine Stadt", "en": "your town"},
    "privacy_contact": {
        "de": "die Datenschutzstelle der Stadtverwaltung",
        "en": "the town's data protection office",
    },
    "privacy_version": {"de": "1", "en": "1"},
    # what is stored and why, shown before consent; administrators replace it in the staff app
    "privacy_notice": {
        "de": (
            "Bevor ich etwas von Ihnen speichere, kurz zum Datenschutz:\n"
            "• Was: Ihre Beiträge (Fragen, Ideen, Meldungen mit ihrem Ort, Antworten in "
            "Umfragen, Abos), Ihre Sprache und Ihre Chat-Kennung.\n"
            "• Warum: damit die Verwaltung Ihr Anliegen bearbeiten und Ihnen hier antworten "
            "kann.\n"
            "• Meldungen: Beschreibung, Ort, Position (nur wenn Sie sie teilen) und ein Foto "
            "ohne Metadaten (ohne Kamera, Zeit und GPS). Ein Jahr nach der Erledigung löschen "
            "wir Beschreibung, Ort, Position und Foto.\n"
            "• Ansehen: Mit /daten bekommen Sie alles als Datei.\n"
            "• Löschen: Jederzeit mit /loeschen. Ideen, Meldungen und Umfrage-Antworten "
            "bleiben dann nur ohne Bezug zu Ihnen erhalten."
        ),
        "de_du": (
            "Bevor ich etwas von dir speichere, kurz zum Datenschutz:\n"
            "• Was: deine Beiträge (Fragen, Ideen, Meldungen mit ihrem Ort, Antworten in "
            "Umfragen, Abos), deine Sprache und deine Chat-Kennung.\n"
            "• Warum: damit die Verwaltung dein Anliegen bearbeiten und dir hier antworten "
            "kann.\n"
            "• Meldungen: Beschreibung, Ort, Position (nur wenn du sie teilst) und ein Foto "
            "ohne Metadaten (ohne Kamera, Zeit und GPS). Ein Jahr nach der Erledigung löschen "
            "wir Beschreibung, Ort, Position und Foto.\n"
            "• Ansehen: Mit /daten bekommst du alles als Datei.\n"
            "• Löschen: Jederzeit mit /loeschen. Ideen, Meldungen und Umfrage-Antworten "
            "bleiben dann nur ohne Bezug zu dir erhalten."
        ),
        "en": (
            "Before I store anything from you, a quick word on privacy:\n"
            "• What: your contributions (questions, ideas, problem reports with their place, "
            "consultation answers, subscriptions), your language and your chat ID.\n"
            "• Why: so the administration can handle your request and answer you here.\n"
            "• Problem reports: description, place, position (only if you share it) and a "
            "photo without metadata (no camera, time or GPS). A year after a report is closed "
            "we delete its description, place, position and photo.\n"
            "• See it: /mydata sends you everything as a file.\n"
            "• Delete it: any time with /delete. Ideas, problem reports and consultation "
            "answers then stay only without any link to you."
        ),
    },
}
PRIVATE_ONLY: T = {
    "de": "Das besprechen wir lieber unter vier Augen: Ihre Beiträge und Daten gehören nicht in "
    "eine Gruppe. Schreiben Sie mir bitte direkt, dort geht es gleich weiter.",
    "de_du": "Das besprechen wir lieber unter vier Augen: Deine Beiträge und Daten gehören nicht "
    "in eine Gruppe. Schreib mir bitte direkt, dort geht es gleich weiter.",
    "en": "Let's talk about this in private: your contributions and data do not belong in a "
    "group. Please write to me directly and we'll go on there.",
}
