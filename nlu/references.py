"""References citizens type for ideas ("I-17", "i17", "Idee 17"), questions ("Q-17"),
consultations ("Umfrage 3") and council papers ("Vorlage 2026/123"), turned into entities
with canonical values."""

from __future__ import annotations

import re

from nlu.types import Entity

_IDEA = re.compile(
    r"\b(?:i-?#?|(?:idee|idea|vorschlag)\s*(?:nr\.?|nummer|no\.?|number)?\s*#?\s*)(\d{1,6})\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"\b(?:q-?#?|(?:frage|question)\s*(?:nr\.?|nummer|no\.?|number)?\s*#?\s*)(\d{1,6})\b",
    re.IGNORECASE,
)
_CONSULTATION = re.compile(
    r"\b(?:umfrage|beteiligung|befragung|konsultation|survey|consultation|poll)\s*"
    r"(?:nr\.?|nummer|no\.?|number)?\s*#?\s*(\d{1,6})\b",
    re.IGNORECASE,
)

# council papers carry the council's own numbering: "2026/123", "VO/2026/0456", "DS 17/2026"
_PAPER = re.compile(
    r"\b(?:rats)?(?:beschluss)?(?:vorlage|drucksache|ds|(?:council\s+)?paper|motion)\s*"
    r"(?:nr\.?|nummer|no\.?|number)?\s*#?\s*"
    r"((?:[a-z]{1,5}\s?[/-]\s?)?\d{1,6}(?:\s?[/.-]\s?\d{1,6}){0,2})\b",
    re.IGNORECASE,
)


def find_references(text: str) -> list[Entity]:
    """Idea, question and consultation numbers in the text, e.g. Entity("idea", "I-17", ...)."""
    found: list[Entity] = []
    for pattern, entity, prefix in (
        (_IDEA, "idea", "I-"),
        (_QUESTION, "question", "Q-"),
        (_CONSULTATION, "consultation", ""),
    ):
        for match in pattern.finditer(text):
            number = str(int(match.group(1)))
            found.append(
                Entity(entity, f"{prefix}{number}", match.group(0), match.start(), match.end())
            )
    for match in _PAPER.finditer(text):
        reference = re.sub(r"\s+", "", match.group(1))
        found.append(Entity("paper", reference, match.group(0), match.start(), match.end()))
    return found
