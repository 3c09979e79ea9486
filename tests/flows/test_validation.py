"""Flow files are checked against the schema; problems name file, line and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.library import FlowLibrary, FlowSource, load_definitions
from flows.problems import FlowError, Problem
from flows.validation import parse_flow, validate_paths, validate_source
from tests.flows.chat import Chat

GOOD = """\
id: sample
title: {de: Probe, en: Sample}
triggers:
  commands: [/probe]
start: ask
steps:
  ask:
    type: ask_text
    slot: name
    text: {de: "Wie heißt du?", en: "What is your name?"}
    next: done
  done:
    type: say
    text: {de: "Hallo {name}!", en: "Hello {name}!"}
    options: menu
"""


def problems(source: str) -> list[str]:
    return [str(problem) for problem in validate_source(source, "sample.yml")]


def test_the_shipped_flows_are_valid() -> None:
    assert validate_paths([Path(__file__).parents[2] / "flows" / "definitions"]) == []


def test_a_good_flow_has_no_problems() -> None:
    assert problems(GOOD) == []
    flow = parse_flow(GOOD, "sample.yml", 3)
    assert flow.version == 3 and flow.triggers.commands == ("/probe",)


def test_broken_yaml_names_the_line() -> None:
    source = GOOD.replace(
        'text: {de: "Wie heißt du?", en: "What is your name?"}', "text: Frage: wie heißt du?"
    )
    assert problems(source) == ["sample.yml:10: broken YAML: mapping values are not allowed here"]


def test_unknown_step_type_and_jump_to_unknown_step() -> None:
    source = GOOD.replace("type: say", "type: shout").replace("next: done", "next: nowhere")
    found = problems(source)
    assert "sample.yml:11: jumps to unknown step 'nowhere'" in found
    assert any(p.startswith("sample.yml:13: unknown step type 'shout'") for p in found)


def test_missing_english_text_and_du_variant() -> None:
    source = GOOD.replace('en: "What is your name?"', 'xx: "?"')
    source = source.replace('de: "Wie heißt du?"', 'de: "Wie heißen Sie?"')
    found = problems(source)
    assert "sample.yml:10: the text has no en version" in found
    assert "sample.yml:10: unknown language 'xx' (use de, de_du or en)" in found
    assert any("add a de_du version" in p and p.startswith("sample.yml:10:") for p in found)


def test_duplicate_step_ids_and_unreachable_steps() -> None:
    source = (
        GOOD
        + """\
  done:
    type: say
    text: {de: "x", en: "x"}
  lonely:
    type: goto
    step: ask
"""
    )
    found = problems(source)
    assert "sample.yml:16: duplicate step id 'done'" in found
    assert "sample.yml:19: step 'lonely' can never be reached" in found


def test_unknown_action_outcome_source_and_placeholder() -> None:
    source = GOOD.replace(
        "    next: done\n",
        "    next: act\n  act:\n    type: action\n    action: launch_rocket\n    next: pick\n"
        "  pick:\n    type: ask_choice\n    options_from: planets\n"
        "    text: {de: '{planet}', en: x}\n"
        "    next: load\n  load:\n    type: action\n    action: load_idea\n"
        "    on: {exploded: done}\n",
        1,
    )
    found = problems(source)
    assert any("unknown action 'launch_rocket'" in p for p in found)
    assert any("unknown option source 'planets'" in p for p in found)
    assert any("unknown placeholder {planet}" in p for p in found)
    assert any("has no outcome 'exploded' (it has: found, missing)" in p for p in found)


def test_bad_triggers_and_top_level_keys() -> None:
    source = GOOD.replace("commands: [/probe]", "commands: [probe, /start]\n  intents: [dance]")
    found = problems("colour: red\n" + source)
    assert (
        "sample.yml:1: unknown key 'colour' (known: description, id, private, requires_consent, "
        "start, steps, title, triggers)" in found
    )
    assert any("'probe' is not a command" in p for p in found)
    assert any("/start is answered by the engine itself" in p for p in found)
    assert any("unknown intent 'dance'" in p for p in found)


def test_say_options_must_be_commands() -> None:
    source = GOOD.replace(
        "options: menu", "options:\n      - label: {de: A, en: A}\n        value: a"
    )
    assert any("options of a say step must be commands" in p for p in problems(source))


def test_parse_flow_raises_with_all_problems() -> None:
    with pytest.raises(FlowError) as raised:
        parse_flow("id: x\n", "x.yml")
    assert Problem("x.yml", 1, "missing_top_key", {"name": "title"}) in raised.value.problems
    assert str(Problem("a.yml", None, "not_a_flow")) == "a.yml: not a flow"


def test_the_same_command_in_two_flows_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yml").write_text(GOOD.replace("id: sample", "id: other"), encoding="utf-8")
    found = [str(p) for p in validate_paths([tmp_path])]
    assert found == [f"{tmp_path / 'b.yml'}:1: command /probe is also used by {tmp_path / 'a.yml'}"]


def test_library_refuses_broken_sources() -> None:
    with pytest.raises(FlowError) as raised:
        FlowLibrary.from_sources([FlowSource("sample", 1, "id: [", "sample@v1")])
    assert str(raised.value).startswith("sample@v1:1: broken YAML")


CHOICE = """\
id: sample
title: {de: Probe, en: Sample}
triggers:
  commands: [/probe]
start: ask
steps:
  ask:
    type: ask_choice
    slot: area
    text: {de: "Welcher Bereich?", en: "Which area?"}
    options:
      - label: {de: Umwelt, en: Environment}
        value: umwelt
        synonyms: SYNONYMS
    next: done
  done:
    type: say
    text: {de: "Danke!", en: "Thanks!"}
    options: menu
"""


@pytest.mark.parametrize("synonyms", ["[Natur, Bäume]", "{de: [Natur], en: [nature]}"])
def test_option_synonyms_are_lists_of_words(synonyms: str) -> None:
    assert problems(CHOICE.replace("SYNONYMS", synonyms)) == []


@pytest.mark.parametrize("synonyms", ["Natur", "{de: Natur}", "[[Natur]]"])
def test_bad_option_synonyms_are_a_problem(synonyms: str) -> None:
    found = problems(CHOICE.replace("SYNONYMS", synonyms))
    assert any("synonyms are a list of words" in p for p in found), found


async def test_an_option_synonym_picks_it() -> None:
    source = CHOICE.replace("SYNONYMS", "{de: [Natur], en: [nature]}")
    shipped = [FlowSource(flow_id, 1, text, name) for flow_id, name, text in load_definitions()]
    library = FlowLibrary.from_sources([*shipped, FlowSource("sample", 1, source, "sample.yml")])
    chat = Chat(library=library)
    await chat.say("/probe")
    await chat.say("natur bitte")
    assert chat.text == "Danke!"
