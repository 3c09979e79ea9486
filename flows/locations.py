"""Shared positions: a question that asks for a place (`location: true` on an ask_text
step) takes one as its answer and fills `latitude` and `longitude`; anywhere else the
bot says that it needs no position here."""

from __future__ import annotations

import math

from flows.definition import StepDefinition
from flows.run import Run
from flows.types import Location, Option

LOCATION = "location"  # the step key, and what the step's question `accepts`
DIGITS = 5  # about one metre: more is noise from the phone's sensor

NOT_A_POSITION = {
    "de": "Diese Position kann ich nicht verwenden. Bitte senden Sie den Standort noch "
    "einmal oder schreiben Sie eine Adresse.",
    "de_du": "Diese Position kann ich nicht verwenden. Bitte sende den Standort noch "
    "einmal oder schreib eine Adresse.",
    "en": "I can't use this position. Please send the location again or write an address.",
}
NOT_NEEDED = {
    "de": "Danke, einen Standort brauche ich gerade nicht. Was möchten Sie tun?",
    "de_du": "Danke, einen Standort brauche ich gerade nicht. Was möchtest du tun?",
    "en": "Thank you, I don't need a location right now. What would you like to do?",
}
_POSITION = {"de": "Position", "en": "Position"}


def valid(location: Location) -> bool:
    """On the globe: latitude −90…90, longitude −180…180, both real numbers."""
    lat, lon = location.latitude, location.longitude
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def wanted(step: StepDefinition | None) -> bool:
    return step is not None and step.type == "ask_text" and bool(step.get(LOCATION))


def place_text(location: Location, language: str) -> str:
    """The readable place of a position, "Position 52.52012, 13.40495"."""
    word = _POSITION.get(language, _POSITION["en"])
    return f"{word} {location.latitude:.{DIGITS}f}, {location.longitude:.{DIGITS}f}"


def take(run: Run, location: Location) -> None:
    """Fills the position slots (rounded to about a metre)."""
    run.slots["latitude"] = round(location.latitude, DIGITS)
    run.slots["longitude"] = round(location.longitude, DIGITS)


def forget(run: Run) -> None:
    """A typed place replaces a position shared before (e.g. after "Ort ändern")."""
    run.slots.pop("latitude", None)
    run.slots.pop("longitude", None)


def not_needed(run: Run, options: tuple[Option, ...]) -> None:
    run.say(run.text(NOT_NEEDED), options)
