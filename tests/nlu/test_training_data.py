"""Loading Rasa-format training data, and the errors an administrator sees for broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.training_data import TrainingDataError, load_training_data
from nlu.types import INTENTS


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(paths: list[Path]) -> list[str]:
    with pytest.raises(TrainingDataError) as caught:
        load_training_data(paths)
    return [str(problem) for problem in caught.value.problems]


def test_shipped_data_covers_every_intent_in_both_languages() -> None:
    data = load_training_data()
    counts = {intent: 0 for intent in INTENTS}
    for example in data.examples:
        counts[example.intent] += 1
    assert all(count >= 50 for count in counts.values()), counts
    assert set(data.synonyms) >= {
        "verkehr",
        "umwelt",
        "bildung",
        "kultur",
        "stadtentwicklung",
        "soziales",
        "sicherheit",
        "digitales",
    }


def test_examples_synonyms_lookups_and_annotations_are_read(tiny_data: Path) -> None:
    data = load_training_data([tiny_data])
    assert data.intents() == ("greet", "goodbye", "propose_idea")
    idea = next(e for e in data.examples if "Radweg" in e.text)
    assert idea.text == "ich habe eine idee für den Radweg"
    assert [(a.entity, a.value, a.start, a.end) for a in idea.entities] == [
        ("topic", "Radweg", 27, 33)
    ]
    assert idea.source.endswith("small.yml:15")
    assert data.synonyms["verkehr"] == ("Radweg", "Fahrrad")
    assert data.lookups["topic"] == ("verkehr",)


def test_annotation_with_json_value(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.yml",
        "nlu:\n- intent: propose_idea\n  examples: |\n"
        '    - mehr [Fahrräder]{"entity": "topic", "value": "verkehr"} bitte\n'
        "    - mehr bäume\n",
    )
    example = load_training_data([path]).examples[0]
    assert example.text == "mehr Fahrräder bitte"
    assert example.entities[0].value == "verkehr"


def test_digest_changes_when_a_file_changes(tiny_data: Path) -> None:
    before = load_training_data([tiny_data]).digest
    write(tiny_data, "more.yml", "nlu:\n- intent: thanks\n  examples: |\n    - danke\n    - thx\n")
    assert load_training_data([tiny_data]).digest != before


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, "broken.yml", "nlu:\n- intent: greet\n  examples: |\n    - hi\n  - : :\n"
    )
    [problem] = problems_of([path])
    assert problem.startswith(f"{path}:")
    assert "not valid YAML" in problem


def test_each_bad_example_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.yml",
        "nlu:\n"  # 1
        "- intent: greet\n"  # 2
        "  examples: |\n"  # 3
        "    - hallo\n"  # 4
        "    hi ohne strich\n"  # 5
        "    - [kaputt(topic)\n"  # 6
        "- intent: singing\n"  # 7
        "  examples: |\n"  # 8
        "    - la la la\n"  # 9
        "- regex: idea\n"  # 10
        "  examples: |\n"  # 11
        "    - I-(\\d+\n",  # 12
    )
    problems = problems_of([path])
    assert any(p.startswith(f"{path}:5: example must start with '- '") for p in problems)
    assert any(p.startswith(f"{path}:6: entity mark-up not understood") for p in problems)
    assert any(p.startswith(f"{path}:7: unknown intent 'singing'") for p in problems)
    assert any(p.startswith(f"{path}:12: regex 'idea' is broken") for p in problems)
    assert any("intent 'greet' needs at least two examples" in p for p in problems)


def test_the_same_sentence_for_two_intents_names_both_places(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yml", "nlu:\n- intent: affirm\n  examples: |\n    - ja\n    - ok\n")
    second = write(
        tmp_path, "b.yml", "nlu:\n- intent: deny\n  examples: |\n    - nein\n    - OK!\n"
    )
    [problem] = problems_of([first, second])
    assert problem.startswith(f"{second}:5:")
    assert f"also for 'affirm' at {first}:5" in problem


def test_entry_without_examples_and_unknown_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.yml",
        "nlu:\n- intent: greet\n- intent: thanks\n  example: |\n    - danke\nrules: []\nfoo: 1\n",
    )
    problems = problems_of([path])
    assert f"{path}:2: intent 'greet' has no 'examples:'" in problems
    assert f"{path}:7: unknown top-level key 'foo'" in problems


def test_no_files_is_an_error(tmp_path: Path) -> None:
    [problem] = problems_of([tmp_path])
    assert "no training data files" in problem
