"""Problem reports: what the first message already said, a proposed category, reports of
the same problem nearby, and storing or following one."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from flows import formatting, locations, opening, photos
from flows.actions.finding import MATCHES
from flows.actions.spec import ActionSpec
from flows.definition import StepDefinition
from flows.ports.reports import CategoryView, NewReport
from flows.run import Run
from flows.types import Location
from nlu.normalize import normalize

OTHER = "other"
CLEAR = 0.8  # a proposed category needs at least one keyword matched well (or a typo)
AHEAD = 0.5  # and this far ahead of the next best
MIN_DESCRIPTION = 3  # letters: "Schlagloch!" says what is wrong, "ja" does not
_INFLECTED = ("n", "e", "en", "er", "s", "es")  # "Laternen", "Schlaglöcher" folded
_WORD = re.compile(r"[a-z0-9]+")
# a phrase that only names the wish, before what is wrong ("ich möchte etwas melden:")
_WISH = re.compile(
    r"^\s*(?:(?:ich\s+)?(?:möchte|will|würde\s+gerne?|wollte)\s+(?:gerne?\s+)?"
    r"(?:(?:einen|ein|eine|etwas|was|folgendes|folgenden)\s+)?"
    r"(?:schaden|mangel|problem|defekt|störung)?\s*melden|"
    r"(?:schaden|mangel|mängel|problem)\s+melden|hiermit\s+melde\s+ich|"
    r"(?:i\s*)?(?:want|would\s+like|'d\s+like|’d\s+like)\s+to\s+report(?:\s+(?:a|an)\s+"
    r"(?:problem|issue|damage))?|report\s+(?:a|an)\s+(?:problem|issue)|report\s+damage)"
    r"(?=$|[\s,.:;!\-–])[\s,.:;!\-–]*",
    re.IGNORECASE,
)
_LABELS = {
    "de": {"other": "Etwas anderes", "place": "Ort", "status": "Stand"},
    "en": {"other": "Something else", "place": "Place", "status": "Status"},
}
_STATUS = {
    "de": {"received": "eingegangen", "in_progress": "in Bearbeitung"},
    "en": {"received": "received", "in_progress": "in progress"},
}


def described(said: str) -> str | None:
    """What is wrong, from the message that started the report; None when it only says
    that there is something to report."""
    rest = _WISH.sub("", opening.strip_greeting(said), count=1).strip(" ,;:-–")
    return rest if sum(char.isalpha() for char in rest) >= MIN_DESCRIPTION else None


def _word_score(key: str, word: str) -> float:
    """How well one written word fits one keyword (both normalised)."""
    if word == key:
        return 1.0
    if len(key) < 5:
        return 0.0  # short keywords only whole: "ast" is not in "Kontrast"
    if word.endswith(key) or (word.startswith(key) and word[len(key) :] in _INFLECTED):
        return 0.9  # the end of a German compound names the thing
    if key in word:
        return 0.4  # "Straßenlampe" names a street only in passing
    if SequenceMatcher(None, word, key).ratio() >= 0.8:
        return 0.8  # typos: "laterene"
    return 0.0


def _score(category: CategoryView, text: str, words: list[str]) -> float:
    """Each written word counts once, by the keyword it fits best; phrases ("street
    light") count when written as they are."""
    names = [part for part in re.split(r"[/,&]", category.name) if part.strip()]
    keys = {normalize(keyword) for keyword in {*names, *category.keywords}} - {""}
    phrases = [key for key in keys if " " in key or "-" in key]
    singles = [key for key in keys if key not in phrases]
    score = float(sum(1 for phrase in phrases if phrase in text))
    for word in words:
        score += max((_word_score(key, word) for key in singles), default=0.0)
    return score


def category_scores(
    description: str, categories: list[CategoryView]
) -> list[tuple[float, CategoryView]]:
    """Each category with how well the words fit its name and keywords, best first."""
    text = normalize(description)
    words = _WORD.findall(text)
    scored = [(_score(category, text, words), category) for category in categories]
    scored.sort(key=lambda pair: (-pair[0], pair[1].code == OTHER))
    return scored


async def take_report_opening(run: Run, step: StepDefinition) -> str:
    """described: the first message said what is wrong; ask: it did not."""
    if run.slot_str("description"):
        return "described"
    said = run.slots.get(opening.OPENING)
    found = described(said) if isinstance(said, str) else None
    if found is None:
        return "ask"
    run.slots["description"] = found[:1000]
    return "described"


async def propose_report_category(run: Run, step: StepDefinition) -> str:
    """found: one category fits clearly (`category`, `category_label`); choose: the list,
    best fitting first, is in `_matches` ("Etwas anderes" last)."""
    listed = list(await run.ports.reports.categories(run.language))
    scored = category_scores(run.slot_str("description") or "", listed)
    labels = _LABELS.get(run.language, _LABELS["en"])
    run.slots[MATCHES] = [
        [category.code, labels["other"] if category.code == OTHER else category.name]
        for _, category in scored
    ]
    best = scored[0] if scored else None
    second = scored[1][0] if len(scored) > 1 else 0.0
    if best is None or best[1].code == OTHER or best[0] < CLEAR or best[0] - second < AHEAD:
        return "choose"
    run.slots["category"] = best[1].code
    run.slots["category_label"] = best[1].name
    return "found"


def _float(run: Run, name: str) -> float | None:
    value = run.slots.get(name)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


async def find_report_duplicates(run: Run, step: StepDefinition) -> str:
    """found: open reports of the category at the same spot, offered in `_matches`."""
    found = await run.ports.reports.possible_duplicates(
        run.slot_str("category") or OTHER,
        run.slot_str("place"),
        _float(run, "latitude"),
        _float(run, "longitude"),
        run.language,
    )
    if not found:
        return "none"
    labels = _LABELS.get(run.language, _LABELS["en"])
    statuses = _STATUS.get(run.language, _STATUS["en"])
    run.slots[MATCHES] = [
        [view.ref, f"{view.ref}: {view.place or view.category}"] for view in found
    ]
    run.slots["duplicates"] = "\n\n".join(
        "\n".join(
            [
                f"📌 {view.ref} – {view.category}",
                formatting.shorten(view.description, 200),
                f"{labels['place']}: {view.place or '–'}",
                f"{labels['status']}: {statuses.get(view.status, view.status)}",
            ]
        )
        for view in found
    )
    return "found"


async def create_report(run: Run, step: StepDefinition) -> str:
    report = NewReport(
        category=run.slot_str("category") or OTHER,
        description=run.slot_str("description") or "",
        place=run.slot_str("place"),
        language=run.language,
        latitude=_float(run, "latitude"),
        longitude=_float(run, "longitude"),
        photos=_photo_ids(run),
    )
    run.slots["report_ref"] = await run.ports.reports.create(run.ctx.citizen_id, report)
    return "ok"


def _photo_ids(run: Run) -> tuple[str, ...]:
    listed = run.slots.get("photos")
    return tuple(str(item) for item in listed) if isinstance(listed, list) else ()


async def offer_photo_position(run: Run, step: StepDefinition) -> str:
    """found: the photo says where it was taken and the report has no position yet
    (`photo_place` shows it); none: nothing to ask."""
    found = run.slots.get(photos.POSITION)
    if not isinstance(found, list) or len(found) != 2 or _float(run, "latitude") is not None:
        run.slots.pop(photos.POSITION, None)
        return "none"
    position = Location(float(found[0]), float(found[1]))
    run.slots["photo_place"] = locations.place_text(position, run.language)
    return "found"


async def use_photo_position(run: Run, step: StepDefinition) -> str:
    """The citizen agreed: the photo's position becomes the report's."""
    found = run.slots.pop(photos.POSITION, None)
    if isinstance(found, list) and len(found) == 2:
        locations.take(run, Location(float(found[0]), float(found[1])))
    return "ok"


async def follow_report(run: Run, step: StepDefinition) -> str:
    ref = run.slot_str("same_report") or ""
    return "followed" if await run.ports.reports.follow(run.ctx.citizen_id, ref) else "already"


ACTIONS = {
    "take_report_opening": ActionSpec(take_report_opening, ("described", "ask"), ("description",)),
    "propose_report_category": ActionSpec(
        propose_report_category, ("found", "choose"), ("category", "category_label")
    ),
    "find_report_duplicates": ActionSpec(
        find_report_duplicates, ("found", "none"), ("duplicates",)
    ),
    "create_report": ActionSpec(create_report, sets=("report_ref",)),
    "follow_report": ActionSpec(follow_report, ("followed", "already")),
    "offer_photo_position": ActionSpec(offer_photo_position, ("found", "none"), ("photo_place",)),
    "use_photo_position": ActionSpec(use_photo_position, sets=("latitude", "longitude")),
}
