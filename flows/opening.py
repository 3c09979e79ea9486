"""What the message that started a flow already said: the part after the greeting and the
trigger phrase, and the slots a flow lets it fill (`opening_fills` on an ask_text step).

The rule is plain on purpose, so administrators can predict it: remove a greeting at the
start ("hallo,", "Moin moin", "hi there!"), then a phrase that only names the wish ("ich hab
eine Frage:", "Idee:", "I want to propose an idea"). What is left counts when it has at least
three words and twelve letters, is not just a topic ("zum Bürgerbüro") and, when short, does
not still name the wish ("I'd like to ask you something").
"""

from __future__ import annotations

import re
from dataclasses import replace

from flows.definition import FlowDefinition
from flows.types import JSON
from nlu.types import FALLBACK_INTENT, IntentRecognizer, NluResult

OPENING = "_opening"  # the text of the message that started the flow
USED = "_opening_used"  # steps that already took their part, so "change" asks again
KINDS = ("text", "title", "details", "place")
MIN_WORDS, MIN_LETTERS = 3, 12
MAX_TITLE = 120
# actions that look for what the opening message names (an idea, a consultation, a language)
READING_ACTIONS = frozenset({"find_results", "find_idea_to_support", "choose_language"})

_GREETING = re.compile(
    r"^\s*(?:(?:hallo|hallöchen|hello|hi|hey|heya|hiya|moin|moinsen|servus|grüß\s+gott|"
    r"grüß\s+dich|grüezi|griaß\s+di|tach|tag|guten\s+(?:morgen|tag|abend)|"
    r"good\s+(?:morning|afternoon|evening)|greetings|liebe\s+stadt|liebes\s+team|"
    r"sehr\s+geehrte\s+damen\s+und\s+herren)"
    r"(?:\s+(?:there|zusammen|miteinander|leute|everyone|all|team|again|nochmal))?"
    r"\s*[,.!:;\-–]*\s*)+",
    re.IGNORECASE,
)
_TRIGGER = re.compile(
    r"^\s*(?:"
    # German: "ich hab(e) (mal) (eine|ne) Frage (an die Stadt):", "Frage:", "Idee:"
    r"(?:ich\s+)?(?:hab|habe|hätte|hätt)\s+(?:da\s+)?(?:mal\s+)?(?:eine|ne|'ne|n)\s+"
    r"(?:kurze\s+)?(?:frage|idee|vorschlag|anregung)"
    r"(?:\s+(?:an\s+die\s+(?:stadt|verwaltung|gemeinde)|an\s+euch|an\s+sie))?|"
    r"(?:ich\s+)?(?:möchte|will|würde\s+gern|würde\s+gerne)\s+(?:gern\s+|gerne\s+)?"
    r"(?:eine\s+)?(?:frage\s+stellen|idee\s+vorschlagen|idee\s+einreichen|was\s+fragen|"
    r"etwas\s+fragen|was\s+vorschlagen|etwas\s+vorschlagen)|"
    r"(?:meine\s+|mei\s+|kurze\s+|eine\s+)?(?:frage|idee|vorschlag|anregung)\s*(?=[:\-–])|"
    # English: "I have a question:", "quick question,", "I want to propose an idea", "idea:"
    r"(?:i\s+)?(?:have|got|'ve\s+got)\s+(?:a|an)\s+(?:quick\s+)?(?:question|idea|suggestion)"
    r"(?:\s+for\s+(?:the\s+)?(?:town|city|council|you))?|"
    r"(?:i\s*)?(?:want|would\s+like|'d\s+like|’d\s+like)\s+to\s+(?:ask(?:\s+a\s+question)?|"
    r"propose\s+an\s+idea|suggest\s+(?:an\s+idea|something)|submit\s+an\s+idea)|"
    r"(?:my\s+|quick\s+|a\s+)?(?:question|idea|suggestion)\s*(?=[:\-–])"
    r")\s*[,.!:;\-–]*\s*",
    re.IGNORECASE,
)
# a remainder that only names what it is about: "zum Bürgerbüro", "about the park"
_TOPIC_ONLY = re.compile(
    r"^(?:zu|zum|zur|über|wegen|für|bezüglich|about|regarding|on|for|concerning)\b", re.I
)
# a short remainder that still only names the wish: "I'd like to ask you something"
_WISH = re.compile(
    r"\b(frage\w*|fragen|ask\w*|question|idee\w*|idea|vorschlag\w*|vorschlagen|propose|"
    r"suggest\w*|einreichen|submit)\b",
    re.IGNORECASE,
)
WISH_WORDS = 8
_CLAUSE_END = re.compile(r"[,.;:!?–]\s|[.!?]$| - ")
_PLACE = re.compile(
    r"\b(?:im|am|beim|vom|hinterm|vorm|an\s+der|in\s+der|auf\s+dem|auf\s+der|vor\s+dem|vor\s+der|"
    r"hinter\s+dem|neben\s+dem|near|at|in)\s+(?:the\s+)?"
    r"((?:[A-ZÄÖÜ][\wäöüß\-]+)(?:\s+(?:[A-ZÄÖÜ][\wäöüß\-]+|\d+[a-z]?))?)"
)


def strip_greeting(text: str) -> str:
    return _GREETING.sub("", text, count=1).strip()


def content(text: str) -> str:
    """What the message says beyond a greeting and the phrase naming the wish."""
    rest = strip_greeting(text)
    rest = _TRIGGER.sub("", rest, count=1).strip()
    return rest.strip(" ,;:-–")


def carries_content(rest: str) -> bool:
    words = [word for word in rest.split() if any(char.isalpha() for char in word)]
    letters = sum(char.isalpha() for char in rest)
    if len(words) < MIN_WORDS or letters < MIN_LETTERS:
        return False
    if len(words) <= WISH_WORDS and _WISH.search(rest):
        return False
    return not (_TOPIC_ONLY.match(rest) and len(words) <= 4)


def _title(rest: str) -> str:
    found = _CLAUSE_END.search(rest)
    first = rest[: found.start()] if found else rest
    if len(first) <= MAX_TITLE:
        return first.strip()
    cut = first[:MAX_TITLE].rsplit(" ", 1)[0]
    return cut.strip()


def part(text: str, kind: str) -> str | None:
    """The part of the opening message a step of `opening_fills: kind` takes, if any."""
    rest = content(text)
    if not carries_content(rest):
        return None
    if kind == "text":
        return rest
    if kind == "title":
        return _title(rest)
    if kind == "details":
        # the description only when the message says more than its title
        return rest if len(rest) > len(_title(rest)) + 10 else None
    if kind == "place":
        found = _PLACE.search(rest)
        return found.group(1) if found else None
    return None


def uses_opening(flow: FlowDefinition) -> bool:
    """Whether a step of the flow reads the opening message (so it is kept in the slots)."""
    return any(
        step.get("opening_fills") or step.get("action") in READING_ACTIONS
        for step in flow.steps.values()
    )


def opening_slots(flow: FlowDefinition, text: str) -> dict[str, JSON]:
    return {OPENING: text} if text.strip() and uses_opening(flow) else {}


async def parse_past_greeting(
    recognizer: IntentRecognizer, text: str, language: str | None
) -> NluResult:
    """A greeting with a request in one message ("Servus, wo melde ich meinen Hund an?") is
    understood by its request: when the whole reads as a greeting but more follows it, the
    rest is read on its own, and its intent wins unless it is unclear too."""
    result = await recognizer.parse(text, language)
    rest = strip_greeting(text)
    if result.intent != "greet" or rest == text.strip() or not carries_content(rest):
        return result
    inner = await recognizer.parse(rest, language)
    if inner.intent in ("greet", "out_of_scope", FALLBACK_INTENT):
        return result
    return replace(inner, text=text)
