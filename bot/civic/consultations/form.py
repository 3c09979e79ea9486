"""The consultation editor's form: what staff typed, checked field by field, as a spec.

Plain data in and out, no web framework: the page hands in the submitted fields and gets
back either a ConsultationSpec or the problems by field name, plus the form as typed so
nothing is lost when it is shown again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from flows.formatting import DEFAULT_ZONE
from storage.consultations.spec import ConsultationSpec, OptionSpec

KINDS = ("single", "multiple", "scale", "yesno", "text")
MAX_QUESTIONS = 40
Message = dict[str, str]  # {"de": ..., "en": ...}

REQUIRED: Message = {"de": "Bitte ausfüllen.", "en": "Please fill this in."}
BAD_TIME: Message = {
    "de": "Bitte Datum und Uhrzeit angeben, z. B. 2026-05-01 08:00.",
    "en": "Please give a date and time, e.g. 2026-05-01 08:00.",
}
CLOSES_BEFORE: Message = {
    "de": "Das Ende muss nach dem Beginn liegen.",
    "en": "The closing time must be after the opening time.",
}
NEEDS_OPTIONS: Message = {
    "de": "Eine Auswahlfrage braucht mindestens zwei Antworten, eine pro Zeile.",
    "en": "A choice question needs at least two options, one per line.",
}
BAD_OPTION: Message = {
    "de": "Zeile {line}: bitte „Deutsch | English“ oder „schlüssel | Deutsch | English“, "
    "dahinter wahlweise „| weitere Wörter, kommagetrennt“.",
    "en": "Line {line}: please write “Deutsch | English” or “key | Deutsch | English”, "
    "optionally followed by “| other words, comma-separated”.",
}
OPTION_TWICE: Message = {
    "de": "Der Antwort-Schlüssel „{key}“ kommt zweimal vor.",
    "en": "The option key “{key}” appears twice.",
}
BAD_KEY: Message = {
    "de": "Nur Kleinbuchstaben, Ziffern, - und _ (höchstens 64 Zeichen).",
    "en": "Only lower-case letters, digits, - and _ (at most 64 characters).",
}
KEY_TWICE: Message = {
    "de": "Dieser Schlüssel gehört schon zu einer anderen Frage.",
    "en": "This key already belongs to another question.",
}
NO_QUESTIONS: Message = {
    "de": "Eine Umfrage braucht mindestens eine Frage.",
    "en": "A consultation needs at least one question.",
}
SCALE_LABELS: Message = {
    "de": "Bitte alle vier Beschriftungen angeben (1 und 5, Deutsch und Englisch) "
    "oder alle leer lassen.",
    "en": "Please give all four labels (1 and 5, German and English) or leave all empty.",
}
UNKNOWN_KIND: Message = {"de": "Unbekannte Fragenart.", "en": "Unknown kind of question."}
TOO_LONG: Message = {
    "de": "Höchstens {limit} Zeichen (jetzt {length}).",
    "en": "At most {limit} characters (now {length}).",
}
OPTION_TOO_LONG: Message = {
    "de": "Zeile {line}: eine Antwort hat höchstens {limit} Zeichen, sie wird ein Knopf im Chat.",
    "en": "Line {line}: an option has at most {limit} characters; it becomes a button in the chat.",
}
# what the store holds (titles) and what stays readable in a chat message
LIMITS = {"title_de": 300, "title_en": 300, "description_de": 4000, "description_en": 4000}
MAX_QUESTION_TEXT = 1000
MAX_OPTION_LABEL = 100

_KEY = re.compile(r"^[a-z0-9_][a-z0-9_-]{0,63}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


@dataclass
class QuestionForm:
    key: str = ""
    kind: str = "single"
    text_de: str = ""
    text_en: str = ""
    required: bool = True
    # one option a line: "key | Deutsch | English" or "Deutsch | English", and after it
    # "| other words, comma-separated" that pick the option when a citizen types them
    options: str = ""
    scale_low_de: str = ""
    scale_high_de: str = ""
    scale_low_en: str = ""
    scale_high_en: str = ""


@dataclass
class ConsultationForm:
    slug: str = ""
    title_de: str = ""
    title_en: str = ""
    description_de: str = ""
    description_en: str = ""
    topic: str = ""
    opens: str = ""  # "2026-05-01T08:00" in the town's time zone, as <input type=datetime-local>
    closes: str = ""
    questions: list[QuestionForm] = field(default_factory=list)


def key_from(text: str, limit: int = 40) -> str:
    """A readable key from a German text: "Für welches Alter?" -> "fuer-welches-alter"."""
    text = text.casefold()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text)
    key = ""
    for word in words:
        longer = f"{key}-{word}" if key else word
        if len(longer) > limit:
            break
        key = longer
    return key or (words[0][:limit] if words else "")


def parse_form(fields: Mapping[str, str]) -> ConsultationForm:
    """The submitted fields as a form; questions marked for removal are left out."""
    # browsers send a textarea's line breaks as CRLF; chats and the store use "\n"
    fields = {name: value.replace("\r\n", "\n") for name, value in fields.items()}
    count = min(_int(fields.get("question_count", "0")), MAX_QUESTIONS)
    numbered: list[tuple[int, int, QuestionForm]] = []
    for index in range(count):
        name = f"q{index}-"
        if fields.get(name + "remove"):
            continue
        typed = ("key", "text_de", "text_en", "options")
        if not any(fields.get(name + part, "").strip() for part in typed):
            continue  # an untouched empty block
        question = QuestionForm(
            key=fields.get(name + "key", "").strip(),
            kind=fields.get(name + "kind", "single").strip(),
            text_de=fields.get(name + "text_de", "").strip(),
            text_en=fields.get(name + "text_en", "").strip(),
            required=bool(fields.get(name + "required")),
            options=fields.get(name + "options", "").strip(),
            scale_low_de=fields.get(name + "scale_low_de", "").strip(),
            scale_high_de=fields.get(name + "scale_high_de", "").strip(),
            scale_low_en=fields.get(name + "scale_low_en", "").strip(),
            scale_high_en=fields.get(name + "scale_high_en", "").strip(),
        )
        position = _int(fields.get(name + "position", str(index + 1)), default=index + 1)
        numbered.append((position, index, question))
    numbered.sort(key=lambda item: (item[0], item[1]))
    return ConsultationForm(
        slug=fields.get("slug", "").strip().lower(),
        title_de=fields.get("title_de", "").strip(),
        title_en=fields.get("title_en", "").strip(),
        description_de=fields.get("description_de", "").strip(),
        description_en=fields.get("description_en", "").strip(),
        topic=fields.get("topic", "").strip(),
        opens=fields.get("opens", "").strip(),
        closes=fields.get("closes", "").strip(),
        questions=[question for _, _, question in numbered],
    )


def _int(value: str, default: int = 0) -> int:
    try:
        return int(value.strip())
    except ValueError:
        return default


def with_blank_question(form: ConsultationForm) -> ConsultationForm:
    return replace(form, questions=[*form.questions, QuestionForm()])


def form_of(spec: ConsultationSpec, zone: str = DEFAULT_ZONE) -> ConsultationForm:
    """A stored consultation as the form shows it."""
    questions = []
    for question in spec.questions:
        scale = question.scale
        questions.append(
            QuestionForm(
                key=question.key,
                kind=question.kind,
                text_de=question.text.de,
                text_en=question.text.en,
                required=question.required,
                options="\n".join(_option_line(o) for o in question.options),
                scale_low_de=scale.de[0] if scale else "",
                scale_high_de=scale.de[1] if scale else "",
                scale_low_en=scale.en[0] if scale else "",
                scale_high_en=scale.en[1] if scale else "",
            )
        )
    return ConsultationForm(
        slug=spec.slug,
        title_de=spec.title.de,
        title_en=spec.title.en,
        description_de=spec.description.de,
        description_en=spec.description.en,
        topic=spec.topic or "",
        opens=local_input(spec.opens, zone),
        closes=local_input(spec.closes, zone),
        questions=questions,
    )


def local_input(moment: datetime, zone: str = DEFAULT_ZONE) -> str:
    """A time as <input type=datetime-local> shows it, in the town's zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def parse_local(value: str, zone: str = DEFAULT_ZONE) -> datetime | None:
    """A datetime-local value read in the town's zone; None if it is no time."""
    for pattern in _LOCAL_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern).replace(tzinfo=ZoneInfo(zone))
        except ValueError:
            continue
    return None


def _option_line(option: OptionSpec) -> str:
    words = f" | {', '.join(option.words)}" if option.words else ""
    return f"{option.key} | {option.de} | {option.en}{words}"


def _options(text: str, prefix: str, problems: dict[str, Message]) -> list[dict[str, Any]] | None:
    options: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        words: list[str] = []
        if len(parts) == 4 and all(parts[:3]):
            words = [word.strip() for word in parts.pop().split(",") if word.strip()]
        if len(parts) == 2 and all(parts):
            key, de, en = key_from(parts[0]), parts[0], parts[1]
        elif len(parts) == 3 and all(parts):
            key, de, en = parts[0].lower(), parts[1], parts[2]
        else:
            problems[prefix + "options"] = _fill(BAD_OPTION, line=str(number))
            return None
        if not _KEY.match(key):
            problems[prefix + "options"] = _fill(BAD_OPTION, line=str(number))
            return None
        if max(len(de), len(en)) > MAX_OPTION_LABEL:
            problems[prefix + "options"] = _fill(
                OPTION_TOO_LONG, line=str(number), limit=str(MAX_OPTION_LABEL)
            )
            return None
        if any(option["key"] == key for option in options):
            problems[prefix + "options"] = _fill(OPTION_TWICE, key=key)
            return None
        options.append({"key": key, "de": de, "en": en} | ({"words": words} if words else {}))
    return options


def _fill(message: Message, **values: str) -> Message:
    return {language: text.format(**values) for language, text in message.items()}


def _question(
    index: int, question: QuestionForm, taken: set[str], problems: dict[str, Message]
) -> dict[str, object]:
    prefix = f"q{index}-"
    for name in ("text_de", "text_en"):
        value = getattr(question, name)
        if not value:
            problems[prefix + name] = REQUIRED
        elif len(value) > MAX_QUESTION_TEXT:
            limit, length = str(MAX_QUESTION_TEXT), str(len(value))
            problems[prefix + name] = _fill(TOO_LONG, limit=limit, length=length)
    if question.kind not in KINDS:
        problems[prefix + "kind"] = UNKNOWN_KIND
    key = question.key or key_from(question.text_de) or f"frage-{index + 1}"
    if not question.key:
        base, number = key, 2
        while key in taken:
            key, number = f"{base}-{number}", number + 1
        question.key = key  # shown in the form again, so the staff see the key it got
    if not _KEY.match(key):
        problems[prefix + "key"] = BAD_KEY
    elif key in taken:
        problems[prefix + "key"] = KEY_TWICE
    taken.add(key)
    data: dict[str, object] = {
        "key": key,
        "kind": question.kind,
        "text": {"de": question.text_de, "en": question.text_en},
        "required": question.required,
    }
    if question.kind in ("single", "multiple"):
        options = _options(question.options, prefix, problems)
        if options is not None and len(options) < 2:
            problems[prefix + "options"] = NEEDS_OPTIONS
        data["options"] = options or []
    if question.kind == "scale":
        labels = (
            question.scale_low_de,
            question.scale_high_de,
            question.scale_low_en,
            question.scale_high_en,
        )
        if all(labels):
            data["scale"] = {"de": list(labels[:2]), "en": list(labels[2:])}
        elif any(labels):
            problems[prefix + "scale"] = SCALE_LABELS
    return data


def to_spec(
    form: ConsultationForm, zone: str = DEFAULT_ZONE
) -> tuple[ConsultationSpec | None, dict[str, Message]]:
    """The spec, or None and the problems by field name (e.g. "title_en", "q2-options")."""
    problems: dict[str, Message] = {}
    for name, limit in LIMITS.items():
        value = getattr(form, name)
        if not value:
            problems[name] = REQUIRED
        elif len(value) > limit:
            problems[name] = _fill(TOO_LONG, limit=str(limit), length=str(len(value)))
    slug = form.slug or key_from(form.title_de, 60).replace("_", "-")
    if not form.slug and _SLUG.match(slug):
        form.slug = slug
    if not _SLUG.match(slug):
        problems["slug"] = BAD_KEY if form.slug else REQUIRED
    opens, closes = parse_local(form.opens, zone), parse_local(form.closes, zone)
    if opens is None:
        problems["opens"] = BAD_TIME
    if closes is None:
        problems["closes"] = BAD_TIME
    if opens is not None and closes is not None and closes <= opens:
        problems["closes"] = CLOSES_BEFORE
    if not form.questions:
        problems["questions"] = NO_QUESTIONS
    taken: set[str] = set()
    questions = [_question(i, q, taken, problems) for i, q in enumerate(form.questions)]
    if problems:
        return None, problems
    try:
        spec = ConsultationSpec.model_validate(
            {
                "slug": slug,
                "title": {"de": form.title_de, "en": form.title_en},
                "description": {"de": form.description_de, "en": form.description_en},
                "topic": form.topic or None,
                "opens": opens,
                "closes": closes,
                "questions": questions,
            }
        )
    except ValidationError as invalid:  # what the checks above missed, in the spec's words
        for error in invalid.errors():
            loc = error["loc"]
            if len(loc) >= 3 and loc[0] == "questions":
                name = f"q{loc[1]}-{loc[2]}"
            else:
                name = str(loc[0]) if loc else "form"
            text = str(error["msg"]).removeprefix("Value error, ")
            problems.setdefault(name, {"de": text, "en": text})
        return None, problems
    return spec, {}
