"""`mitreden nlu validate` warns about data that loads but may teach the model badly: an
intent missing registers of the checklist, and nearly the same sentence in two intents."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import pytest

from nlu.cli import add_commands
from nlu.registers import REGISTERS, registers_of, words_of

# one sentence per register that its rule must find
SAMPLES = {
    "sie": "Können Sie mir das bitte zeigen",
    "du": "kannst du mir das zeigen",
    "one-word": "Ideen",
    "long": (
        "Guten Tag, ich wohne seit vielen Jahren in der Altstadt und habe mich schon oft"
        " gefragt, ob man nicht irgendwo nachlesen kann, was andere Leute so vorgeschlagen"
        " haben, vielleicht gibt es das ja schon"
    ),
    "questions": "wo finde ich die ideen?",
    "statements": "ich will die ideen sehen",
    "typos": "ich will die iddeen sehen",
    "dialect": "zeig ma wat die leute wollen",
    "emoji": "ideen 💡",
    "mixed": "ich will die ideas sehen please",
    "english": "show me the ideas please",
    "non-native": "how I can see the ideas",
    "negation": "ich finde die ideen nicht",
    "complaint": "schon wieder finde ich die ideen nicht, das nervt",
    "greeting-first": "hallo, ich will die ideen sehen",
}
PLAIN = "ich will die ideen sehen"  # a statement in German and nothing else
OTHERS = ["ich will die ideen sehen", "zeig mir die ideen", "was haben andere vorgeschlagen"]


def found(text: str) -> frozenset[str]:
    texts = [*OTHERS, text]
    intent_words = Counter(word for t in texts for word in words_of(t))
    data_words = frozenset(intent_words) | {"schön", "löschen"}
    return registers_of(text, intent_words, data_words)


def test_every_register_of_the_checklist_has_a_sample() -> None:
    assert sorted(SAMPLES) == sorted(REGISTERS)


@pytest.mark.parametrize("register", REGISTERS)
def test_each_register_rule_finds_its_sample(register: str) -> None:
    assert register in found(SAMPLES[register])


@pytest.mark.parametrize("register", [r for r in REGISTERS if r != "statements"])
def test_a_plain_statement_is_in_no_other_register(register: str) -> None:
    assert register not in found(PLAIN)


def test_missing_umlauts_written_as_ae_oe_ue_count_as_typos() -> None:
    assert "typos" in found("bitte alles loeschen")


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mitreden")
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def write(folder: Path, name: str, intent: str, examples: list[str]) -> Path:
    lines = "".join(f"    - {example}\n" for example in examples)
    path = folder / name
    path.write_text(
        f'version: "3.1"\nnlu:\n- intent: {intent}\n  examples: |\n{lines}', encoding="utf-8"
    )
    return path


def test_validate_names_the_registers_an_intent_lacks_and_still_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "browse.yml", "browse_ideas", [SAMPLES["du"], SAMPLES["questions"]])
    code = run(["nlu", "validate", "--data", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    warned = [line for line in out.splitlines() if line.startswith("warning:")]
    assert len(warned) == 1
    assert f"{tmp_path / 'browse.yml'}:5:" in warned[0]
    assert "'browse_ideas'" in warned[0]
    assert "one-word" in warned[0] and "emoji" in warned[0] and "du," not in warned[0]
    # how a named register is found is explained once, below the warnings
    assert "  emoji: an emoji or other symbol character" in out


def test_validate_warns_of_nearly_the_same_sentence_in_two_intents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "a.yml", "browse_ideas", ["zeig mir alle ideen bitte", "welche ideen gibt es"])
    write(tmp_path, "b.yml", "my_contributions", ["zeig mir bitte alle ideen", "meine ideen"])
    code = run(["nlu", "validate", "--data", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    duplicates = [line for line in out.splitlines() if "nearly the same" in line]
    assert len(duplicates) == 1
    assert duplicates[0].startswith(f"warning: {tmp_path / 'b.yml'}:5:")
    assert f"{tmp_path / 'a.yml'}:5" in duplicates[0]


def test_a_negated_twin_in_another_intent_is_a_contrast_not_a_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "a.yml", "subscribe_updates", ["I want to be notified", "updates please"])
    write(tmp_path, "b.yml", "unsubscribe", ["I don't want to be notified", "stop updates"])
    run(["nlu", "validate", "--data", str(tmp_path)])
    assert "nearly the same" not in capsys.readouterr().out


def test_strict_validation_fails_on_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "browse.yml", "browse_ideas", [SAMPLES["du"], SAMPLES["questions"]])
    assert run(["nlu", "validate", "--strict", "--data", str(tmp_path)]) == 1
    assert "warning:" in capsys.readouterr().out


def test_strict_validation_passes_data_without_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "greet.yml", "greet", [SAMPLES[r] for r in REGISTERS])
    assert run(["nlu", "validate", "--strict", "--data", str(tmp_path)]) == 0
    assert "warning:" not in capsys.readouterr().out


def test_near_duplicates_among_thousands_of_examples_are_each_named_once() -> None:
    import random

    from nlu.data_warnings import near_duplicates
    from nlu.training_data import Example

    letters = random.Random(4)

    def word() -> str:
        return "".join(letters.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))

    sentences = [f"{word()} {word()} {word()}" for _ in range(2000)]
    examples = [Example(t, "browse_ideas", (), f"a.yml:{n}") for n, t in enumerate(sentences)]
    examples += [
        Example(f"{t}!", "my_contributions", (), f"b.yml:{n}") for n, t in enumerate(sentences)
    ]
    warnings = near_duplicates(examples)
    assert len(warnings) == 2000
    assert all(w.path == "b.yml" for w in warnings)
