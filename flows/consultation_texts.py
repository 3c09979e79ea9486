"""What the engine says while a citizen answers a consultation's questions."""

from __future__ import annotations

T = dict[str, str]

PROGRESS: T = {"de": "Frage {number} von {total}", "en": "Question {number} of {total}"}
HINT: dict[str, T] = {
    "single": {
        "de": "Bitte wählen Sie eine Antwort.",
        "de_du": "Bitte wähle eine Antwort.",
        "en": "Please pick one answer.",
    },
    "multiple": {
        "de": "Sie können mehrere Antworten wählen – nacheinander antippen oder Nummern "
        "schreiben, z. B. „1, 3“. Zum Schluss „Fertig“.",
        "de_du": "Du kannst mehrere Antworten wählen – nacheinander antippen oder Nummern "
        "schreiben, z. B. „1, 3“. Zum Schluss „Fertig“.",
        "en": "You can pick several answers – tap them one by one or write numbers, "
        "e.g. “1, 3”. Then “Done”.",
    },
    "scale": {
        "de": "Bitte antworten Sie mit einer Zahl von 1 bis 5.",
        "de_du": "Bitte antworte mit einer Zahl von 1 bis 5.",
        "en": "Please answer with a number from 1 to 5.",
    },
    "text": {
        "de": "Schreiben Sie Ihre Antwort einfach als Nachricht.",
        "de_du": "Schreib deine Antwort einfach als Nachricht.",
        "en": "Just write your answer as a message.",
    },
    "yesno": {
        "de": "Bitte antworten Sie mit Ja oder Nein.",
        "de_du": "Bitte antworte mit Ja oder Nein.",
        "en": "Please answer yes or no.",
    },
}
SCALE_MEANING: T = {"de": "1 = {low}, 5 = {high}", "en": "1 = {low}, 5 = {high}"}
WRONG: dict[str, T] = {
    "single": {
        "de": "Das passt zu keiner Antwort. Bitte wählen Sie eine der Möglichkeiten "
        "(Nummer oder Text).",
        "de_du": "Das passt zu keiner Antwort. Bitte wähle eine der Möglichkeiten "
        "(Nummer oder Text).",
        "en": "That doesn't match an answer. Please pick one of the options (number or text).",
    },
    "multiple": {
        "de": "Das passt zu keiner Antwort. Bitte wählen Sie Antworten aus der Liste, "
        "z. B. „1, 3“.",
        "de_du": "Das passt zu keiner Antwort. Bitte wähle Antworten aus der Liste, z. B. „1, 3“.",
        "en": "That doesn't match an answer. Please pick answers from the list, e.g. “1, 3”.",
    },
    "scale": {
        "de": "„{text}“ ist keine Zahl von 1 bis 5. Bitte antworten Sie mit 1, 2, 3, 4 oder 5.",
        "de_du": "„{text}“ ist keine Zahl von 1 bis 5. Bitte antworte mit 1, 2, 3, 4 oder 5.",
        "en": "“{text}” is not a number from 1 to 5. Please answer 1, 2, 3, 4 or 5.",
    },
    "yesno": {
        "de": "Bitte antworten Sie mit Ja oder Nein.",
        "de_du": "Bitte antworte mit Ja oder Nein.",
        "en": "Please answer yes or no.",
    },
}
NONE_PICKED: T = {
    "de": "Sie haben noch nichts ausgewählt. Bitte wählen Sie mindestens eine Antwort.",
    "de_du": "Du hast noch nichts ausgewählt. Bitte wähle mindestens eine Antwort.",
    "en": "You haven't picked anything yet. Please pick at least one answer.",
}
PICKED: T = {
    "de": "Ausgewählt: {picked}. Wählen Sie weitere Antworten oder tippen Sie auf „Fertig“.",
    "de_du": "Ausgewählt: {picked}. Wähle weitere Antworten oder tipp auf „Fertig“.",
    "en": "Selected: {picked}. Pick more answers or tap “Done”.",
}
DONE: T = {"de": "✅ Fertig", "en": "✅ Done"}
PAUSE: T = {"de": "⏸ Später weitermachen", "en": "⏸ Continue later"}
SUBMIT: T = {"de": "✅ Absenden", "en": "✅ Submit"}
CHANGE: T = {"de": "✏️ Antwort ändern", "en": "✏️ Change an answer"}
WHICH: T = {
    "de": "Welche Antwort möchten Sie ändern?",
    "de_du": "Welche Antwort möchtest du ändern?",
    "en": "Which answer would you like to change?",
}
REVIEW_WRONG: T = {
    "de": "Bitte wählen Sie: absenden, eine Antwort ändern oder später weitermachen.",
    "de_du": "Bitte wähle: absenden, eine Antwort ändern oder später weitermachen.",
    "en": "Please choose: submit, change an answer or continue later.",
}
YES: T = {"de": "Ja", "en": "Yes"}
NO: T = {"de": "Nein", "en": "No"}
