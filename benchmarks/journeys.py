"""Citizen journeys end to end: an opening message in the citizen's own words, then a simple
citizen who answers what the bot asks, until the goal is reached or they give up.

Each journey (benchmarks/journeys.yml) names the flow its opening message should reach and a
goal (question stored with its text, idea stored, support given, consultation answered,
results seen, data export sent, language switched, contributions seen, paper followed,
problem reported). The citizen picks the option that fits the goal (their own `picks`
first, then the goal's, then a plain yes), types answers from `texts` where the bot asks
for free text, types options in loose words instead of pressing when `style: type`, and
gives up after MAX_TURNS.

Printed: the share of opening messages whose first reply is in the right flow, the share of
journeys reaching their goal, and the journeys that ended in a loop (the bot said the same
thing twice in a row). Run: .venv/bin/python benchmarks/journeys.py [--show-failures]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import build_app
from bot.config import Settings
from bot.content.conversation_tests import CHANNEL, Conversation
from bot.messages import ConversationKey
from flows.types import Option, Reply
from nlu.factory import create_recognizer

ROOT = Path(__file__).resolve().parents[1]
JOURNEYS = Path(__file__).with_name("journeys.yml")
FLOWS = ROOT / "flows" / "definitions"
MAX_TURNS = 14
# options a citizen heading for a goal does not press unless asked to (by their first word)
NAVIGATION = re.compile(
    r"^\W*(abbrechen|cancel|menü|menu|überspringen|skip|später|⏸|zurück|back|ändern|change|"
    r"verwerfen|discard|nein|no\b|andere|other|more|weitere|abos?\b|subscri|meine|my\b|"
    r"neuigkeiten|📋 offene|📋 open)",
    re.IGNORECASE,
)
# a citizen who is not understood says it again, as people do, before looking at the menu
NOT_UNDERSTOOD = re.compile(
    r"nicht verstanden|didn't understand|nicht zuständig|can't help with|not something I",
    re.IGNORECASE,
)
RETRIES = 2
PLACE_QUESTION = re.compile(r"bestimmten Ort|particular place")
SKIP = re.compile(r"Überspringen|Skip")
GOAL_PICKS = {
    "question": ["abschicken", "send it", "trotzdem", "anyway"],
    "idea": ["einreichen", "submit"],
    "support": ["unterstützen", "support"],
    "answered": ["Los geht", "Let's start", "Absenden", "Submit"],
    "results": ["Ergebnis", "result"],
    "export": ["Daten", "data"],
    "language": ["Sprache", "language"],
    "contributions": ["Beiträge", "contributions"],
    "paper": ["Verfolgen", "Follow"],
    "report": ["abschicken", "send it"],
}
YES_PICKS = ["einverstanden", "I agree", "Ja", "Yes"]
LOOSE_YES = {"de": "jo passt", "en": "yep go ahead"}


@dataclass
class Journey:
    say: str
    language: str
    flow: str
    goal: dict[str, str]
    picks: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    place: str | None = None
    style: str = "press"


@dataclass
class Result:
    journey: Journey
    entered: bool
    reached: bool
    looped: bool
    transcript: list[str]


def load_journeys() -> list[Journey]:
    raw = yaml.safe_load(JOURNEYS.read_text(encoding="utf-8"))
    return [Journey(**item) for item in raw["journeys"]]


def _texts_of(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            if key == "text" and isinstance(value, dict):
                found += [str(v) for v in value.values()]
            else:
                found += _texts_of(value)
        return found
    if isinstance(node, list):
        return [text for item in node for text in _texts_of(item)]
    return []


def flow_marks() -> dict[str, set[str]]:
    """Pieces of each flow's own texts (before any placeholder) that no other flow says."""
    pieces: dict[str, set[str]] = {}
    for path in FLOWS.glob("*.yml"):
        flow = yaml.safe_load(path.read_text(encoding="utf-8"))
        found = set()
        for text in _texts_of(flow.get("steps", {})):
            for part in re.split(r"\{[^}]*\}", text):
                for line in part.splitlines():
                    line = line.strip()
                    if len(line) >= 15:
                        found.add(line[:30])
        pieces[str(flow["id"])] = found
    return {
        flow_id: {
            piece
            for piece in found
            if not any(piece in other for o, f in pieces.items() if o != flow_id for other in f)
        }
        for flow_id, found in pieces.items()
    }


def _said(replies: list[Reply]) -> str:
    return "\n".join(reply.text for reply in replies)


def _state(conversation: Conversation, user: str) -> dict[str, Any]:
    assert conversation.app is not None
    known = conversation.app.dispatcher.conversations.recall(ConversationKey(CHANNEL, user, user))
    return dict(known.state) if known is not None else {}


def entered(flow: str, replies: list[Reply], state: dict[str, Any], marks: set[str]) -> bool:
    """The first reply is the right flow's: its state, its consent detour, or its words."""
    stack = (state.get("slots") or {}).get("_stack") or []
    running = {state.get("flow_id"), *(frame.get("flow_id") for frame in stack)}
    return flow in running or any(mark in _said(replies) for mark in marks)


def reached(goal: dict[str, str], replies: list[Reply], state: dict[str, Any]) -> bool:
    said = _said(replies).casefold()
    kind, value = next(iter(goal.items()))
    value = value.casefold()
    if kind in ("question", "idea"):
        return ("q-" in said or "i-" in said) and any(
            word in said for word in ("angekommen", "eingereicht", "reached", "submitted")
        )
    if kind == "support":
        return value in said and any(
            w in said for w in ("danke für ihre unterstützung", "thanks for your support")
        )
    if kind == "answered":
        return "bestätigungsnummer" in said or "receipt number" in said
    if kind == "results":
        return value in said and any(
            w in said
            for w in (
                "ergebnisse der umfrage",
                "results of the",
                "nicht beendet",
                "not closed yet",
                "nummer der vorlage",
                "number of the council",
            )
        )
    if kind == "export":
        return any(reply.attachment is not None for reply in replies)
    if kind == "language":
        return state.get("language") == value and state.get("flow_id") is None
    if kind == "contributions":
        return "beigetragen" in said or "contributed" in said
    if kind == "paper":
        return value in said and any(w in said for w in ("gemacht", "done!", "schon", "already"))
    if kind == "report":
        return "m-" in said and any(w in said for w in ("angekommen", "reached"))
    raise ValueError(f"unknown goal {kind}")


def stored(goal: dict[str, str], listing: list[Reply]) -> bool:
    """A question or idea counts only when "my contributions" shows it with the right words."""
    kind, value = next(iter(goal.items()))
    return kind not in ("question", "idea") or value.casefold() in _said(listing).casefold()


def choose(options: tuple[Option, ...], journey: Journey, said: str) -> Option | None:
    kind, value = next(iter(journey.goal.items()))
    if re.search(r"(Ausgewählt|Selected): [^–]", said):
        return next((o for o in options if re.search("Fertig|Done", o.label)), None)
    for wanted in [*journey.picks, value, *GOAL_PICKS[kind], *YES_PICKS]:
        for option in options:
            if wanted.casefold() in option.label.casefold():
                return option
    return next((o for o in options if not NAVIGATION.search(o.label)), None)


def asks_free_text(options: tuple[Option, ...]) -> bool:
    return all(NAVIGATION.search(option.label) for option in options)


async def answer(
    conversation: Conversation, user: str, journey: Journey, option: Option
) -> list[Reply]:
    if journey.style == "type":
        loose = (
            LOOSE_YES[journey.language]
            if re.match(r"\W*(ja|yes|✅)", option.label, re.IGNORECASE)
            else re.sub(r"[^\w\s'&-]", "", option.label).strip().lower()
        )
        return await conversation.send(user, loose)
    return await conversation.send(user, option.label, choice=option.value)


async def play(conversation: Conversation, user: str, journey: Journey, marks: set[str]) -> Result:
    replies = await conversation.send(user, journey.say)
    transcript = [f"> {journey.say}", _said(replies)]
    first = entered(journey.flow, replies, _state(conversation, user), marks)
    texts, previous, looped, done = list(journey.texts), None, False, False
    retries = RETRIES
    for _ in range(MAX_TURNS):
        if reached(journey.goal, replies, _state(conversation, user)):
            done = True
            break
        said = _said(replies)
        if said == previous:
            looped = True
            break
        previous = said
        if NOT_UNDERSTOOD.search(said) and retries:
            retries -= 1
            replies = await conversation.send(user, journey.say)
            transcript += [f"> {journey.say}", _said(replies)]
            continue
        options = replies[-1].options if replies else ()
        pick = choose(options, journey, said)
        skip = next((o for o in options if SKIP.search(o.label)), None)
        if PLACE_QUESTION.search(said) and skip is not None and journey.place is None:
            replies = await answer(conversation, user, journey, skip)  # no place in mind
            transcript += [f"> [{skip.label}]", _said(replies)]
            continue
        if PLACE_QUESTION.search(said) and journey.place is not None:
            texts.insert(0, journey.place)
        if (asks_free_text(options) or pick is None) and texts:
            typed = texts.pop(0)
            replies = await conversation.send(user, typed)
            transcript += [f"> {typed}", _said(replies)]
        elif pick is not None:
            replies = await answer(conversation, user, journey, pick)
            transcript += [f"> [{pick.label}]", _said(replies)]
        else:
            break  # nothing left to say: the citizen gives up
    if done and next(iter(journey.goal)) in ("question", "idea"):
        listing = await conversation.send(user, "/meine")
        done = stored(journey.goal, listing)
        transcript += ["> /meine", _said(listing)]
    return Result(journey, first, done, looped, transcript)


async def run(show_failures: bool) -> None:
    journeys = load_journeys()
    marks = flow_marks()
    recognizer = create_recognizer()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="mitreden-journeys-") as folder:
        for language in ("de", "en"):
            settings = Settings(
                nlu_cache_dir=None,
                database_url=f"sqlite:///{folder}/{language}.db",
                demo_data="true",
            )
            conversation = Conversation(settings, recognizer, build_app, language)
            await conversation.start()
            try:
                for number, journey in enumerate(journeys):
                    if journey.language == language:
                        user = f"citizen-{number}"
                        marks_of = marks.get(journey.flow, set())  # a flow this version lacks
                        results.append(await play(conversation, user, journey, marks_of))
            finally:
                await conversation.stop()
    report(results, show_failures)


def report(results: list[Result], show_failures: bool) -> None:
    total = len(results)
    entered_ok = sum(r.entered for r in results)
    reached_ok = sum(r.reached for r in results)
    looped = sum(r.looped for r in results)
    print(f"journeys: {total}")
    print(f"first reply in the right flow: {entered_ok}/{total} = {entered_ok / total:.2f}")
    print(f"goal reached: {reached_ok}/{total} = {reached_ok / total:.2f}")
    print(f"ended in a loop: {looped}")
    by_goal: dict[str, list[Result]] = {}
    for result in results:
        by_goal.setdefault(next(iter(result.journey.goal)), []).append(result)
    for kind, group in sorted(by_goal.items()):
        print(
            f"  {kind:14} entered {sum(r.entered for r in group)}/{len(group)}, "
            f"reached {sum(r.reached for r in group)}/{len(group)}"
        )
    if show_failures:
        for result in results:
            if not (result.entered and result.reached):
                print("\n---", result.journey.say, f"(entered={result.entered})")
                print("\n".join(result.transcript)[:3000])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show-failures", action="store_true")
    asyncio.run(run(parser.parse_args().show_failures))
