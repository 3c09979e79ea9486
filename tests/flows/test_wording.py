"""Texts: language variants, du-variants of the engine's own texts, placeholders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows import builtin_texts, consultation_texts
from flows.step_checks import FORMAL_GERMAN
from flows.steps import idea_list
from flows.wording import fill, localize


def engine_texts() -> Iterator[tuple[str, dict[str, str]]]:
    for module in (builtin_texts, consultation_texts, idea_list):
        for name, value in vars(module).items():
            if isinstance(value, dict) and "de" in value and isinstance(value["de"], str):
                yield f"{module.__name__}.{name}", value
            elif isinstance(value, dict):
                for key, inner in value.items():
                    if isinstance(inner, dict) and isinstance(inner.get("de"), str):
                        yield f"{module.__name__}.{name}[{key}]", inner


@pytest.mark.parametrize(("name", "texts"), list(engine_texts()))
def test_engine_texts_have_english_and_du(name: str, texts: dict[str, str]) -> None:
    assert texts.get("en"), f"{name} has no English text"
    if FORMAL_GERMAN.search(texts["de"]):
        assert texts.get("de_du"), f"{name} says Sie but has no de_du"


def test_localize_falls_back_to_german_and_uses_du_only_when_asked() -> None:
    texts = {"de": "Sie", "de_du": "du", "en": "you"}
    assert localize(texts, "de") == "Sie"
    assert localize(texts, "de", formal=False) == "du"
    assert localize(texts, "en", formal=False) == "you"
    assert localize({"de": "nur deutsch"}, "en") == "nur deutsch"


def test_fill_never_breaks_on_missing_or_odd_values() -> None:
    assert fill("Hallo {name}", {"name": "Ana"}) == "Hallo Ana"
    assert fill("Ort: {place}", {"place": None}) == "Ort: –"
    assert fill("{unknown} bleibt", {}) == "{unknown} bleibt"
    assert fill("{a.b} {0}", {"a": "x"}) == "{a.b} {0}"
    assert fill("Text mit {braces}", {"braces": "{x}"}) == "Text mit {x}"
