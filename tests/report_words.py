"""What a citizen writes, presses and reads on the way through a problem report, in German
and in English: one table, so a report test runs in either language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportWords:
    command: str
    problem: str
    yes: str
    where: str
    street: str
    photo: str
    not_a_photo: str
    photo_place: str
    use_it: str
    check: str
    send: str
    privacy: str
    agree: str
    number: str


REPORT_WORDS = {
    "de": ReportWords(
        command="/melden",
        problem="Schlagloch!",
        yes="Ja",
        where="Wo ist das?",
        street="Lindenstraße 5",
        photo="Möchten Sie ein Foto schicken?",
        not_a_photo="Das kann ich nicht als Foto öffnen",
        photo_place="Das Foto enthält einen Ort",
        use_it="Ja, verwenden",
        check="Bitte prüfen Sie Ihre Meldung",
        send="Ja, abschicken",
        privacy="Datenschutz",
        agree="Ja, einverstanden",
        number="Ihre Nummer: M-",
    ),
    "en": ReportWords(
        command="/report",
        problem="Pothole!",
        yes="Yes",
        where="Where is it?",
        street="5 Linden Street",
        photo="Would you like to send a photo?",
        not_a_photo="I can't open this as a photo",
        photo_place="The photo contains a location",
        use_it="Yes, use it",
        check="Please check your report",
        send="Yes, send it",
        privacy="privacy",
        agree="Yes, I agree",
        number="Your reference number: M-",
    ),
}
