"""`mitreden nlu ...` as an administrator uses it."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from nlu.cli import add_commands, run_predict
from tests.nlu.conftest import HELDOUT


def run(argv: list[str], stdin: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mitreden")
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    if stdin is not None:
        return run_predict(args, stdin=io.StringIO(stdin))
    code: int = args.func(args)
    return code


def test_predict_prints_one_json_object_per_line(
    tiny_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["nlu", "predict", "--data", str(tiny_data)], stdin="hallo\nIdee zum Radweg I-4\n\n")
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert len(lines) == 3
    first, second, empty = (json.loads(line) for line in lines)
    assert first["text"] == "hallo"
    assert first["intent"] == "greet"
    assert set(first) >= {"text", "intent", "confidence", "entities", "ranking"}
    assert first["ranking"][0] == {"intent": "greet", "confidence": first["confidence"]}
    assert {(e["entity"], e["value"]) for e in second["entities"]} == {
        ("topic", "verkehr"),
        ("idea", "I-4"),
    }
    assert empty["intent"] == "nlu_fallback"


def test_predict_sets_func_like_every_command(tiny_data: Path) -> None:
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command"))
    for command in ("predict", "evaluate", "train", "validate"):
        args = parser.parse_args(["nlu", command, "--data", str(tiny_data)])
        assert callable(args.func)


def test_evaluate_prints_accuracy_per_intent_scores_and_confusions(
    tiny_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    test_file = tmp_path / "test.yml"
    test_file.write_text(
        "nlu:\n- intent: greet\n  examples: |\n    - hallo du\n    - hi\n"
        "- intent: goodbye\n  examples: |\n    - tschüss dann\n    - guten morgen\n",
        encoding="utf-8",
    )
    code = run(["nlu", "evaluate", str(test_file), "--data", str(tiny_data)])
    out = capsys.readouterr().out
    assert code == 0
    assert "accuracy: 0.7500 (4 messages)" in out
    assert "precision" in out and "recall" in out and "f1" in out
    assert "goodbye -> greet: 1" in out
    assert "'guten morgen': expected goodbye, got greet" in out


def test_evaluate_cross_validation(tiny_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["nlu", "evaluate", "--cross-validation", "3", "--data", str(tiny_data)]) == 0
    out = capsys.readouterr().out
    assert "3-fold cross-validation on 9 examples" in out
    assert "accuracy:" in out


def test_evaluate_the_shipped_model_on_the_heldout_file(
    capsys: pytest.CaptureFixture[str], nlu_cache: Path
) -> None:
    cache = ["--cache-dir", str(nlu_cache)]
    assert run(["nlu", "evaluate", str(HELDOUT), "--no-misses", *cache]) == 0
    out = capsys.readouterr().out
    accuracy = float(out.split("accuracy: ")[1].split()[0])
    assert accuracy >= 0.92
    assert "misses:" not in out


def test_validate_reports_problems_by_file_and_line(
    tiny_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["nlu", "validate", "--data", str(tiny_data)]) == 0
    assert "ok: 1 files, 9 examples" in capsys.readouterr().out
    broken = tiny_data / "broken.yml"
    broken.write_text(
        "nlu:\n- intent: greet\n  examples: |\n    - hi\n    - [x](\n", encoding="utf-8"
    )
    assert run(["nlu", "validate", "--data", str(tiny_data)]) == 1
    assert f"{broken}:5: entity mark-up not understood" in capsys.readouterr().err


def test_train_reports_figures_and_fills_the_cache(
    tiny_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    assert run(["nlu", "train", "--data", str(tiny_data), "--cache-dir", str(cache)]) == 0
    assert "trained in" in capsys.readouterr().out
    assert run(["nlu", "train", "--data", str(tiny_data), "--cache-dir", str(cache)]) == 0
    out = capsys.readouterr().out
    assert "loaded from cache" in out
    assert "examples: 9" in out


def test_broken_data_is_exit_code_one_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.yml").write_text("nlu: [", encoding="utf-8")
    assert run(["nlu", "train", "--data", str(tmp_path)]) == 1
    assert "not valid YAML" in capsys.readouterr().err


def test_validate_shows_rasa_format_problems_and_notes(
    tiny_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    combined = tiny_data / "combined.yml"
    combined.write_text(
        "nlu:\n- intent: thanks\n  examples: |\n    - danke\n    - merci\nrules: []\n",
        encoding="utf-8",
    )
    assert run(["nlu", "validate", "--data", str(tiny_data)]) == 0
    out = capsys.readouterr().out
    assert "ok: 2 files, 11 examples" in out
    assert f"note: {combined}:6: 'rules:' is Rasa's dialogue and is not read here" in out
    twice = tiny_data / "twice.yml"
    twice.write_bytes(b"nlu:\n- intent: deny\n  examples: |\n    - n\xf6\n  examples: |\n")
    assert run(["nlu", "validate", "--data", str(tiny_data)]) == 1
    err = capsys.readouterr().err
    assert f"{twice}:4: the file is not UTF-8: byte 0xF6 at offset 41 (line 4, column 8)" in err
    twice.write_text(
        "nlu:\n- intent: deny\n  examples: |\n    - nö\n    - no\n  examples: |\n",
        encoding="utf-8",
    )
    assert run(["nlu", "validate", "--data", str(tiny_data)]) == 1
    assert f"{twice}:6: the key 'examples' is written twice" in capsys.readouterr().err


def test_predict_says_what_the_bot_would_do_for_messages_given_as_arguments(
    capsys: pytest.CaptureFixture[str], nlu_cache: Path
) -> None:
    code = run(
        ["nlu", "predict", "--cache-dir", str(nlu_cache), "ich möchte eine idee vorschlagen", ""]
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [line["text"] for line in lines] == ["ich möchte eine idee vorschlagen", ""]
    clear, empty = lines
    assert (clear["intent"], clear["decision"], clear["candidates"]) == ("propose_idea", "act", [])
    assert (empty["decision"], empty["candidates"]) == ("fallback", [])
    assert set(clear) >= {"text", "intent", "confidence", "ranking", "decision", "candidates"}


def test_predict_asks_when_the_best_two_intents_are_close(
    capsys: pytest.CaptureFixture[str], nlu_cache: Path
) -> None:
    # the margin demanded is larger than any lead: every message with a plausible wish is asked
    code = run(
        [
            "nlu",
            "predict",
            "--cache-dir",
            str(nlu_cache),
            "--margin",
            "1.0",
            "wie ist der stand meiner idee",
        ]
    )
    line = json.loads(capsys.readouterr().out)
    assert code == 0
    assert line["decision"] == "ask"
    assert 1 <= len(line["candidates"]) <= 3
    assert line["candidates"][0] == line["ranking"][0]["intent"]
