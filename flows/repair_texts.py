"""What the engine says when an answer needs help: not understood, ambiguous, unsure,
out of range, another wish, an old button, going back."""

from __future__ import annotations

T = dict[str, str]

# The retry names what this channel offers: buttons where it has them, else numbers
NOT_A_CHOICE_BUTTONS: T = {
    "de": "Das habe ich nicht als Antwort erkannt. Bitte tippen Sie auf einen der Knöpfe "
    "oder schreiben Sie, was Sie wählen.",
    "de_du": "Das habe ich nicht als Antwort erkannt. Bitte tipp auf einen der Knöpfe oder "
    "schreib, was du wählst.",
    "en": "I didn't recognise that as an answer. Please tap one of the buttons or write "
    "what you choose.",
}
NOT_A_CHOICE_NUMBERED: T = {
    "de": "Das habe ich nicht als Antwort erkannt. Bitte schreiben Sie die Nummer einer "
    "Möglichkeit oder ihren Text.",
    "de_du": "Das habe ich nicht als Antwort erkannt. Bitte schreib die Nummer einer "
    "Möglichkeit oder ihren Text.",
    "en": "I didn't recognise that as an answer. Please write the number of an option or "
    "its words.",
}
OUT_OF_RANGE: T = {
    "de": "Eine {number} gibt es hier nicht. Bitte wählen Sie eine Zahl von 1 bis {count}.",
    "de_du": "Eine {number} gibt es hier nicht. Bitte wähle eine Zahl von 1 bis {count}.",
    "en": "There is no {number} here. Please pick a number from 1 to {count}.",
}
WHICH_ONE: T = {
    "de": "Das passt zu mehr als einer Möglichkeit. Welche meinen Sie?",
    "de_du": "Das passt zu mehr als einer Möglichkeit. Welche meinst du?",
    "en": "That fits more than one option. Which one do you mean?",
}
UNSURE_SKIP_OR_PAUSE: T = {
    "de": "Kein Problem – Sie müssen nicht gleich antworten. Sie können die Frage "
    "überspringen oder später weitermachen.",
    "de_du": "Kein Problem – du musst nicht gleich antworten. Du kannst die Frage "
    "überspringen oder später weitermachen.",
    "en": "No problem – you don't have to answer right away. You can skip this question or "
    "continue later.",
}
UNSURE_PAUSE: T = {
    "de": "Kein Problem – Sie müssen nicht gleich antworten. Sie können später weitermachen; "
    "Ihre bisherigen Antworten bleiben gespeichert.",
    "de_du": "Kein Problem – du musst nicht gleich antworten. Du kannst später weitermachen; "
    "deine bisherigen Antworten bleiben gespeichert.",
    "en": "No problem – you don't have to answer right away. You can continue later; your "
    "answers so far stay saved.",
}
UNSURE_SKIP: T = {
    "de": "Kein Problem – diese Angabe können Sie auch überspringen.",
    "de_du": "Kein Problem – diese Angabe kannst du auch überspringen.",
    "en": "No problem – you can skip this one.",
}
UNSURE_OTHER: T = {
    "de": "Kein Problem, lassen Sie sich Zeit. Wählen Sie eine Möglichkeit, wenn Sie so weit "
    "sind, oder brechen Sie ab.",
    "de_du": "Kein Problem, lass dir Zeit. Wähl eine Möglichkeit, wenn du so weit bist, oder "
    "brich ab.",
    "en": "No problem, take your time. Pick an option when you're ready, or cancel.",
}
LEAVE_SURVEY: T = {
    "de": "Das klingt nach etwas anderem: {wish}. Möchten Sie die Umfrage dafür verlassen? "
    "Ihre Antworten bleiben gespeichert.",
    "de_du": "Das klingt nach etwas anderem: {wish}. Möchtest du die Umfrage dafür "
    "verlassen? Deine Antworten bleiben gespeichert.",
    "en": "That sounds like something else: {wish}. Would you like to leave the consultation "
    "for that? Your answers stay saved.",
}
LEAVE_FLOW: T = {
    "de": "Das klingt nach etwas anderem: {wish}. Möchten Sie „{flow}“ dafür verlassen? "
    "Was Sie hier eingegeben haben, wird dann nicht gespeichert.",
    "de_du": "Das klingt nach etwas anderem: {wish}. Möchtest du „{flow}“ dafür verlassen? "
    "Was du hier eingegeben hast, wird dann nicht gespeichert.",
    "en": "That sounds like something else: {wish}. Would you like to leave “{flow}” for "
    "that? What you entered here will not be saved.",
}
LEAVE_PLAIN: T = {
    "de": "Das klingt nach etwas anderem: {wish}. Möchten Sie „{flow}“ dafür verlassen?",
    "de_du": "Das klingt nach etwas anderem: {wish}. Möchtest du „{flow}“ dafür verlassen?",
    "en": "That sounds like something else: {wish}. Would you like to leave “{flow}” for that?",
}
LEAVE_YES: T = {"de": "Ja, verlassen", "en": "Yes, leave"}
LEAVE_NO: T = {"de": "Nein, weitermachen", "en": "No, continue"}
STAYING: T = {"de": "Gut, dann machen wir hier weiter.", "en": "Good, let's carry on here."}
STALE_BUTTON: T = {
    "de": "Dieser Knopf gehört zu einer früheren Nachricht. Hier geht es gerade weiter:",
    "de_du": "Dieser Knopf gehört zu einer früheren Nachricht. Hier geht es gerade weiter:",
    "en": "That button belongs to an earlier message. This is where we are now:",
}
CANNOT_SKIP: T = {
    "de": "Diese Frage kann man nicht überspringen. Bitte antworten Sie – oder brechen Sie ab.",
    "de_du": "Diese Frage kann man nicht überspringen. Bitte antworte – oder brich ab.",
    "en": "This question can't be skipped. Please answer it – or cancel.",
}
NO_WAY_BACK: T = {
    "de": "Weiter zurück geht es hier nicht. Das ist die aktuelle Frage:",
    "en": "I can't go back any further here. This is the current question:",
}
