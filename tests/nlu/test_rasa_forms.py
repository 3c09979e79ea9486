"""The training data is read as Rasa 3 reads it; what Rasa would read differently, or not at
all, is refused with the file, the line and what to do instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.training_data import TrainingData, TrainingDataError, load_training_data

GREET = "- intent: greet\n  examples: |\n    - hallo\n    - hi\n"


def load(tmp_path: Path, text: str | bytes, name: str = "data.yml") -> TrainingData:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return load_training_data([path])


def refused(tmp_path: Path, text: str | bytes, name: str = "data.yml") -> list[str]:
    with pytest.raises(TrainingDataError) as caught:
        load(tmp_path, text, name)
    return [str(problem) for problem in caught.value.problems]


# 1. strict UTF-8


def test_a_file_with_bytes_that_are_not_utf8_is_refused_at_the_first_bad_byte(
    tmp_path: Path,
) -> None:
    text = b'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - gr\xfc\xdf gott\n'
    text += b"    - hallo\n    - hi\n"
    [problem] = refused(tmp_path, text, "latin1.yml")
    offset = text.index(b"\xfc")
    assert problem.startswith(f"{tmp_path / 'latin1.yml'}:5: the file is not UTF-8")
    assert f"byte 0xFC at offset {offset} (line 5, column 9)" in problem


def test_the_column_of_a_bad_byte_counts_characters_not_bytes(tmp_path: Path) -> None:
    text = b"nlu:\n- intent: greet\n  examples: |\n    - " + "grüß ".encode() + b"\xff\n"
    text += b"    - hallo\n"
    [problem] = refused(tmp_path, text)
    assert "byte 0xFF" in problem
    assert "(line 4, column 12)" in problem


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    data = load(tmp_path, b"\xef\xbb\xbf" + ('version: "3.1"\nnlu:\n' + GREET).encode())
    assert [e.text for e in data.examples] == ["hallo", "hi"]
    assert data.examples[0].source.endswith("data.yml:5")


# 2. duplicate keys


def test_two_examples_keys_in_one_entry_are_refused_naming_both_lines(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        "nlu:\n"  # 1
        "- intent: greet\n"  # 2
        "  examples: |\n"  # 3
        "    - hallo\n"  # 4
        "    - hi\n"  # 5
        "  examples: |\n"  # 6
        "    - moin\n"  # 7
        "    - servus\n",  # 8
    )
    assert problems == [
        f"{tmp_path / 'data.yml'}:6: the key 'examples' is written twice here (first on line 3);"
        " YAML would keep only the last one"
    ]


def test_two_intent_keys_in_one_entry_and_two_nlu_sections_are_refused(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        "nlu:\n"  # 1
        "- intent: greet\n"  # 2
        "  intent: thanks\n"  # 3
        "  examples: |\n"  # 4
        "    - hallo\n"  # 5
        "    - hi\n"  # 6
        "nlu:\n"  # 7
        "- intent: deny\n"  # 8
        "  examples: |\n"  # 9
        "    - nein\n"  # 10
        "    - nö\n",  # 11
    )
    path = tmp_path / "data.yml"
    assert any(p.startswith(f"{path}:3: the key 'intent' is written twice") for p in problems)
    assert any(p.startswith(f"{path}:7: the key 'nlu' is written twice") for p in problems)


# 3. entity roles and groups


def test_entity_roles_and_groups_are_kept_with_the_entity(tmp_path: Path) -> None:
    data = load(
        tmp_path,
        "nlu:\n- intent: ask_question\n  examples: |\n"
        '    - wie komme ich zum [Lindenpark]{"entity": "place", "role": "destination"}\n'
        '    - [zwei]{"entity": "number", "group": "1"} [Pizzen]{"entity": "food", "group": "1"}\n',
    )
    park, pizza = data.examples
    assert park.text == "wie komme ich zum Lindenpark"
    [place] = park.entities
    assert (place.entity, place.value, place.role, place.group) == (
        "place",
        "Lindenpark",
        "destination",
        None,
    )
    assert pizza.text == "zwei Pizzen"
    assert [(e.entity, e.group, e.role) for e in pizza.entities] == [
        ("number", "1", None),
        ("food", "1", None),
    ]


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ('[Bus]{"entity": "topic" "role": "from"}', "the entity JSON in"),
        ('[Bus]{"entity": "topic", "group": 1}', "'group' must be text in quotes"),
        ('[Bus]{"entity": "topic", "rol": "from"}', "unknown key 'rol' in the entity JSON"),
        ('[Bus]{"role": "from"}', 'needs "entity"'),
    ],
)
def test_malformed_entity_json_is_refused_naming_the_line(
    tmp_path: Path, markup: str, message: str
) -> None:
    problems = refused(
        tmp_path,
        f"nlu:\n- intent: ask_question\n  examples: |\n    - wann fährt der {markup}\n"
        "    - wann fährt der bus\n    - wann fährt die bahn\n",
    )
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'data.yml'}:4: ")
    assert message in problems[0]


# 4. Rasa's forms of examples


def test_examples_as_a_list_of_text_entries_with_metadata(tmp_path: Path) -> None:
    data = load(
        tmp_path,
        'version: "3.1"\n'  # 1
        "nlu:\n"  # 2
        "- intent: greet\n"  # 3
        "  metadata:\n"  # 4
        "    sentiment: neutral\n"  # 5
        "  examples:\n"  # 6
        "  - text: |\n"  # 7
        "      hallo [Bahnhof](topic)\n"  # 8
        "    metadata:\n"  # 9
        "      sentiment: happy\n"  # 10
        "  - text: guten\n"  # 11
        "      morgen\n"  # 12
        "  - text: >-\n"  # 13
        "      hallo\n"  # 14
        "      zusammen\n",  # 15
    )
    assert [(e.text, e.source.rpartition(":")[2]) for e in data.examples] == [
        ("hallo Bahnhof", "8"),
        ("guten morgen", "11"),
        ("hallo zusammen", "14"),
    ]
    assert data.examples[0].entities[0].value == "Bahnhof"
    # metadata is read but no part of the model learns from it: said once per file
    assert [str(note) for note in data.notes] == [
        f"{tmp_path / 'data.yml'}:4: 'metadata:' is read, but the embedded model does not use it"
    ]


def test_a_dash_without_a_space_starts_an_example_as_in_rasa(tmp_path: Path) -> None:
    data = load(tmp_path, "nlu:\n- intent: greet\n  examples: |\n    -hallo\n    - hi\n")
    assert [e.text for e in data.examples] == ["hallo", "hi"]


def test_examples_as_a_list_of_plain_sentences_are_refused_with_rasas_forms(
    tmp_path: Path,
) -> None:
    problem, *_ = refused(
        tmp_path, "nlu:\n- intent: greet\n  examples:\n  - hallo\n  - hi\n", "list.yml"
    )
    assert problem.startswith(f"{tmp_path / 'list.yml'}:4: ")
    assert "Rasa does not read a list of plain sentences" in problem
    assert "'examples: |'" in problem and "'- text:'" in problem


def test_a_folded_examples_block_is_refused(tmp_path: Path) -> None:
    problem, *_ = refused(tmp_path, "nlu:\n- intent: greet\n  examples: >\n    - hallo\n    - hi\n")
    assert ":3: 'examples: >' joins the lines into one example" in problem


def test_an_example_indented_further_than_the_block_is_refused(tmp_path: Path) -> None:
    [problem] = refused(
        tmp_path, "nlu:\n- intent: greet\n  examples: |\n    - hallo\n      - hi\n    - moin\n"
    )
    assert ":5: this line is indented further than the first example" in problem


def test_synonym_regex_and_lookup_take_only_a_block(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        "nlu:\n"  # 1
        + GREET  # 2-5
        + "- synonym: verkehr\n"  # 6
        "  examples:\n"  # 7
        "  - text: Bus\n"  # 8
        "- lookup: topic\n"  # 9
        "  metadata: {}\n"  # 10
        "  examples: |\n"  # 11
        "    - verkehr\n",  # 12
    )
    path = tmp_path / "data.yml"
    assert f"{path}:8: 'examples:' of a synonym must be a block like '|' + '- ...'" in problems
    assert f"{path}:10: unknown key 'metadata'" in problems


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("3.1", 'write the version in quotes: version: "3.1"'),
        ('"4.0"', "format version '4.0' is newer than Rasa 3 reads (3.1)"),
        ('"drei"', "format version 'drei' is not a version like \"3.1\""),
    ],
)
def test_the_version_key_is_a_quoted_version_rasa_3_reads(
    tmp_path: Path, version: str, message: str
) -> None:
    [problem] = refused(tmp_path, f"version: {version}\nnlu:\n{GREET}")
    assert problem == f"{tmp_path / 'data.yml'}:1: {message}"


def test_older_format_versions_are_read(tmp_path: Path) -> None:
    assert len(load(tmp_path, f'version: "2.0"\nnlu:\n{GREET}').examples) == 2


# 5. formats Rasa 3 does not read here


def test_rasa_markdown_is_refused_by_name(tmp_path: Path) -> None:
    [problem] = refused(tmp_path, "<!-- old -->\n## intent:greet\n- hallo\n- hi\n", "nlu.yml")
    assert problem.startswith(f"{tmp_path / 'nlu.yml'}:2: this is Rasa's old Markdown format")
    assert "rasa data convert nlu" in problem


def test_rasa_json_is_refused_by_name(tmp_path: Path) -> None:
    [problem] = refused(
        tmp_path,
        '{\n  "rasa_nlu_data": {\n    "common_examples": [\n'
        '      {"text": "hallo", "intent": "greet", "entities": []}\n    ]\n  }\n}\n',
    )
    assert problem.startswith(f"{tmp_path / 'data.yml'}:1: this is Rasa's JSON format")
    assert "rasa data convert nlu" in problem


def test_dialogue_sections_of_a_combined_file_are_skipped_with_a_note(tmp_path: Path) -> None:
    data = load(
        tmp_path,
        'version: "3.1"\n'  # 1
        "nlu:\n" + GREET + "stories:\n"  # 2-6  # 7
        "- story: hallo\n"  # 8
        "  steps:\n"  # 9
        "  - intent: greet\n"  # 10
        "rules: []\n",  # 11
    )
    assert len(data.examples) == 2
    path = tmp_path / "data.yml"
    assert [str(note) for note in data.notes] == [
        f"{path}:7: 'stories:' is Rasa's dialogue and is not read here;"
        " the bot's conversations are flows",
        f"{path}:11: 'rules:' is Rasa's dialogue and is not read here;"
        " the bot's conversations are flows",
    ]
