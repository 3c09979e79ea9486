"""The consultation editor's form: typed fields to a checked spec, problems by field."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.civic.consultations.form import (
    ConsultationForm,
    form_of,
    key_from,
    parse_form,
    to_spec,
    with_blank_question,
)

FIELDS = {
    "title_de": "Neue Bänke am Markt",
    "title_en": "New benches",
    "description_de": "Wo sollen sie hin?",
    "description_en": "Where should they go?",
    "topic": "stadtentwicklung",
    "opens": "2026-05-01T08:00",
    "closes": "2026-05-31T18:00",
    "question_count": "4",
    "q0-text_de": "Wo fehlt eine Bank?",
    "q0-text_en": "Where is a bench missing?",
    "q0-kind": "single",
    "q0-required": "on",
    "q0-options": "Am Brunnen | By the fountain\n"
    "rathaus | Vor dem Rathaus | Town hall | Rathausplatz, town hall square,\n\n",
    "q0-position": "2",
    "q1-key": "lehne",
    "q1-text_de": "Mit Lehne?",
    "q1-text_en": "With a backrest?",
    "q1-kind": "yesno",
    "q1-position": "1",
    "q2-key": "wichtig",
    "q2-text_de": "Wie wichtig?",
    "q2-text_en": "How important?",
    "q2-kind": "scale",
    "q2-scale_low_de": "egal",
    "q2-scale_high_de": "sehr",
    "q2-scale_low_en": "no matter",
    "q2-scale_high_en": "very",
    "q2-position": "3",
    "q3-text_de": "weg damit",
    "q3-remove": "on",
}


def test_a_filled_form_becomes_a_spec_in_the_towns_time_zone() -> None:
    form = parse_form(FIELDS)
    spec, problems = to_spec(form)
    assert problems == {} and spec is not None
    assert spec.slug == "neue-baenke-am-markt" and form.slug == spec.slug
    assert spec.opens == datetime(2026, 5, 1, 6, 0, tzinfo=UTC)  # summer time, UTC+2
    assert [q.key for q in spec.questions] == ["lehne", "wo-fehlt-eine-bank", "wichtig"]
    assert not spec.questions[0].required and spec.questions[1].required
    options = [o.model_dump(exclude_defaults=True) for o in spec.questions[1].options]
    assert options == [
        {"key": "am-brunnen", "de": "Am Brunnen", "en": "By the fountain"},
        {
            "key": "rathaus",
            "de": "Vor dem Rathaus",
            "en": "Town hall",
            "words": ["Rathausplatz", "town hall square"],
        },
    ]
    assert spec.questions[2].scale is not None and spec.questions[2].scale.en == (
        "no matter",
        "very",
    )


def test_what_is_wrong_is_named_by_field_in_both_languages_and_the_form_is_kept() -> None:
    fields = dict(FIELDS)
    fields.update(
        {
            "title_en": " ",
            "closes": "2026-04-30T08:00",
            "opens": "2026-05-01T08:00",
            "q0-options": "Nur eine | Only one",
            "q1-key": "Lehne!",
            "q2-scale_low_en": "",
            "q3-remove": "",
            "q3-text_de": "Noch was?",
            "q3-kind": "multiple",
            "q3-options": "a | b | c | d | e",
        }
    )
    form = parse_form(fields)
    spec, problems = to_spec(form)
    assert spec is None
    assert problems["title_en"]["de"] == "Bitte ausfüllen."
    assert problems["closes"]["en"] == "The closing time must be after the opening time."
    # errors name the questions in their new order: "lehne" moved to the top
    assert problems["q1-options"]["de"].startswith("Eine Auswahlfrage braucht mindestens zwei")
    assert problems["q0-key"]["en"].startswith("Only lower-case letters")
    assert problems["q2-scale"]["en"].startswith("Please give all four labels")
    assert problems["q3-text_en"]["de"] == "Bitte ausfüllen."
    assert problems["q3-options"]["en"].startswith("Line 1: please write")
    assert form.title_de == "Neue Bänke am Markt" and form.questions[3].text_de == "Noch was?"


def test_times_that_are_no_times_and_an_empty_form() -> None:
    spec, problems = to_spec(parse_form({"opens": "morgen", "question_count": "99"}))
    assert spec is None and problems["opens"]["de"].startswith("Bitte Datum und Uhrzeit")
    assert problems["questions"]["en"] == "A consultation needs at least one question."
    assert problems["slug"]["en"] == "Please fill this in."


def test_keys_are_readable_and_unique() -> None:
    assert (
        key_from("Für welches Alter soll der Spielplatz sein?")
        == "fuer-welches-alter-soll-der-spielplatz"
    )
    fields = {k: v for k, v in FIELDS.items() if not k.startswith(("q1", "q2", "q3"))}
    fields.update({"question_count": "2", "q1-text_de": "Wo fehlt eine Bank?"})
    fields.update({"q1-text_en": "Again", "q1-kind": "text"})
    spec, problems = to_spec(parse_form(fields))
    assert problems == {} and spec is not None
    assert [q.key for q in spec.questions] == ["wo-fehlt-eine-bank", "wo-fehlt-eine-bank-2"]


def test_a_stored_spec_fills_the_form_and_comes_back_unchanged() -> None:
    spec, _ = to_spec(parse_form(FIELDS))
    assert spec is not None
    form = form_of(spec)
    assert form.opens == "2026-05-01T08:00" and form.questions[1].options.startswith("am-brunnen |")
    fields: dict[str, str] = {
        name: getattr(form, name)
        for name in ("slug", "title_de", "title_en", "description_de", "description_en")
    }
    fields.update(topic=form.topic, opens=form.opens, closes=form.closes)
    fields["question_count"] = str(len(form.questions))
    for index, question in enumerate(form.questions):
        for name, value in vars(question).items():
            if name == "required":
                if value:
                    fields[f"q{index}-required"] = "on"
            else:
                fields[f"q{index}-{name}"] = value
    again, problems = to_spec(parse_form(fields))
    assert problems == {} and again == spec
    assert len(with_blank_question(ConsultationForm()).questions) == 1


def test_line_breaks_from_a_browser_become_plain_newlines() -> None:
    spec, _ = to_spec(parse_form({**FIELDS, "description_de": "Zeile 1\r\nZeile 2"}))
    assert spec is not None and spec.description.de == "Zeile 1\nZeile 2"


def test_texts_longer_than_the_store_or_a_chat_allows_are_refused() -> None:
    spec, problems = to_spec(
        parse_form(
            {
                **FIELDS,
                "title_en": "x" * 301,
                "q0-text_de": "y" * 1001,
                "q0-options": "a | b\n" + "c" * 101 + " | d",
            }
        )
    )
    assert spec is None
    assert problems["title_en"]["en"] == "At most 300 characters (now 301)."
    # "lehne" (position 1) comes first, so the choice question is the second
    assert problems["q1-text_de"]["de"] == "Höchstens 1000 Zeichen (jetzt 1001)."
    assert problems["q1-options"]["en"].startswith("Line 2: an option has at most 100")
