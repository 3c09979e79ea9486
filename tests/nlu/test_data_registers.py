"""The training data speaks in many voices: every intent covers every register of the checklist
in docs/nlu.md, each block of examples says which registers it covers, and no sentence is
written twice."""

from __future__ import annotations

import re
from pathlib import Path

from nlu.normalize import sentence_key
from nlu.training_data import SHIPPED_DATA, load_training_data
from nlu.types import INTENTS

REGISTERS = (
    "sie",  # formal address
    "du",  # casual address
    "one-word",
    "long",  # a long letter with the wish implied
    "questions",
    "statements",
    "typos",  # typos and missing umlauts
    "dialect",  # Bavarian, Swabian, Berlin, Ruhrpott, Low German
    "emoji",
    "mixed",  # German-English
    "english",
    "non-native",  # English from people who learnt it
    "negation",
    "complaint",
    "greeting-first",  # a request that follows a greeting
)
HEADER = re.compile(r"^# registers: ([^—\n]+)", re.MULTILINE)
DOCS = Path(__file__).parents[2] / "docs" / "nlu.md"


def registers_of(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {key.strip() for found in HEADER.findall(text) for key in found.split(",")}


def test_every_intent_covers_every_register() -> None:
    missing = {}
    for intent in INTENTS:
        covered = registers_of(SHIPPED_DATA / "intents" / f"{intent}.yml")
        assert covered <= set(REGISTERS), f"{intent}: unknown {covered - set(REGISTERS)}"
        if set(REGISTERS) - covered:
            missing[intent] = sorted(set(REGISTERS) - covered)
    assert missing == {}


def test_every_block_of_examples_names_its_registers() -> None:
    for path in sorted((SHIPPED_DATA / "intents").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        blocks = text.count("\n- intent:")
        assert len(HEADER.findall(text)) == blocks, path.name


def test_the_checklist_in_the_docs_names_every_register() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    assert [key for key in REGISTERS if f"`{key}`" not in docs] == []


def test_no_sentence_is_written_twice() -> None:
    seen: dict[str, str] = {}
    twice = []
    for example in load_training_data().examples:
        key = sentence_key(example.text)
        if key in seen:
            twice.append((example.source, seen[key]))
        seen.setdefault(key, example.source)
    assert twice == []
