"""What the bot says when it asks which wish was meant, and when it cannot help."""

from __future__ import annotations

T = dict[str, str]

DID_YOU_MEAN: T = {
    "de": "Ich bin nicht ganz sicher, was Sie möchten. Meinten Sie …?",
    "de_du": "Ich bin nicht ganz sicher, was du möchtest. Meintest du …?",
    "en": "I'm not quite sure what you'd like. Did you mean …?",
}
SOMETHING_ELSE: T = {"de": "Etwas anderes", "en": "Something else"}
IN_OTHER_WORDS: T = {
    "de": "Okay. Sagen Sie es bitte mit anderen Worten – oder wählen Sie hier aus:",
    "de_du": "Okay. Sag es bitte mit anderen Worten – oder wähle hier aus:",
    "en": "Okay. Please say it in other words – or pick from here:",
}

# The shipped wishes in the citizen's words; other flows are offered by their title.
WISHES: dict[str, T] = {
    "ask_question": {
        "de": "Eine Frage an die Verwaltung stellen",
        "en": "Ask the administration a question",
    },
    "list_consultations": {"de": "Bei einer Umfrage mitmachen", "en": "Take part in a survey"},
    "join_consultation": {"de": "Bei einer Umfrage mitmachen", "en": "Take part in a survey"},
    "propose_idea": {"de": "Eine Idee vorschlagen", "en": "Propose an idea"},
    "browse_ideas": {"de": "Ideen anderer ansehen", "en": "See other people's ideas"},
    "subscribe_updates": {
        "de": "Neuigkeiten zu einem Thema bekommen",
        "en": "Get news about a topic",
    },
    "unsubscribe": {"de": "Ein Abo beenden", "en": "Stop a subscription"},
    "my_contributions": {
        "de": "Sehen, was aus meinen Beiträgen wurde",
        "en": "See what became of my contributions",
    },
    "delete_my_data": {"de": "Meine Daten löschen", "en": "Delete my data"},
    "follow_paper": {"de": "Eine Ratsvorlage verfolgen", "en": "Follow a council paper"},
    "help": {"de": "Sehen, was der Chat kann", "en": "See what this chat can do"},
}

NOT_RESPONSIBLE: T = {
    "de": "Dafür bin ich nicht zuständig. Ich bin der Chat der Stadt für Fragen an die "
    "Verwaltung, Ideen, Umfragen und Neuigkeiten aus dem Rathaus.",
    "de_du": "Dafür bin ich nicht zuständig. Ich bin der Chat der Stadt für Fragen an die "
    "Verwaltung, Ideen, Umfragen und Neuigkeiten aus dem Rathaus.",
    "en": "That's not something I can help with. I'm the town's chat for questions to the "
    "administration, ideas, surveys and news from the town hall.",
}
# only where the town configured a contact (MITREDEN_CONTACT_*): never an invented one
CONTACT_INTRO: T = {
    "de": "Für andere Anliegen erreichen Sie {contact}.",
    "de_du": "Für andere Anliegen erreichst du {contact}.",
    "en": "For other matters, you can reach {contact}.",
}
PHONE: T = {"de": "Telefon {phone}", "en": "phone {phone}"}
WHAT_I_CAN_DO: T = {
    "de": "Das kann ich für Sie tun:",
    "de_du": "Das kann ich für dich tun:",
    "en": "This is what I can do for you:",
}
