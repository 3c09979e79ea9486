"""The embedded recogniser: what citizens write, bad input, retraining and the model cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu import classifier
from nlu.calibration import softmax
from nlu.embedded import EmbeddedRecognizer
from nlu.features import features
from nlu.training_data import TrainingDataError, load_training_data
from nlu.types import FALLBACK_INTENT, INTENTS


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("gibts grad irgendwelche umfragen?", "list_consultations"),
        ("Man sollte am Bahnhof endlich Fahrradständer aufstellen", "propose_idea"),
        ("pls meinen account deleten", "delete_my_data"),
        ("ja", "affirm"),
        ("Ja!", "affirm"),
        ("nein", "deny"),
        ("abbrechen", "cancel"),
        ("hilfe", "help"),
        ("zurück", "cancel"),
        ("stopp", "cancel"),
        ("weiter", "affirm"),
        ("/idee", "propose_idea"),
        ("hallo 👋", "greet"),
        ("danke!!", "thanks"),
        ("keine updates mehr bitte", "unsubscribe"),
        ("wie wird das wetter morgen", "out_of_scope"),
        # negations mean the opposite of the words they negate
        ("bitte nicht mehr schicken", "unsubscribe"),
        ("no longer interested", "unsubscribe"),
        ("ich will keine neuigkeiten zur kita mehr", "unsubscribe"),
        # a request after a greeting is the request
        ("hallo, wann hat der wertstoffhof am samstag auf?", "ask_question"),
        ("hi! what happened to my idea about the playground?", "my_contributions"),
        (
            "moin, hat schon jemand auf meine frage zu den parkplätzen geantwortet?",
            "my_contributions",
        ),
    ],
)
async def test_what_citizens_write(recognizer: EmbeddedRecognizer, text: str, intent: str) -> None:
    result = await recognizer.parse(text)
    assert result.intent == intent
    assert result.text == text
    assert result.ranking[0][0] == intent


async def test_result_carries_entities_language_and_ranking(recognizer: EmbeddedRecognizer) -> None:
    result = await recognizer.parse("Ich unterstütze Idee I-17 zum Radweg")
    assert result.entity("idea") == "I-17"
    assert result.entity("topic") == "verkehr"
    assert result.language == "de"
    assert 0.0 < result.confidence <= 1.0
    assert len(result.ranking) == 5
    assert all(name in INTENTS for name, _ in result.ranking)


def test_ranking_carries_the_calibrated_confidences(recognizer: EmbeddedRecognizer) -> None:
    text = "schickt mir infos, wenn es was neues zum freibad gibt"
    model = recognizer.loaded.model
    scores = model.scores(text)
    assert scores is not None
    calibrated = softmax(scores, model.temperature)
    result = recognizer.parse_now(text)
    assert result.ranking[0] == (result.intent, result.confidence)
    for name, confidence in result.ranking:
        assert confidence == pytest.approx(calibrated[model.classes.index(name)], abs=1e-4)
    confidences = [confidence for _, confidence in result.ranking]
    assert confidences == sorted(confidences, reverse=True)
    # fitted on held-out predictions, the temperature is not the untouched 1.0
    assert model.temperature != 1.0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 10_000,
        "🍕🍕🍕🎉",
        "?!?!...,,,;;",
        "مرحبا كيف حالك اليوم",
        "Привет, как дела?",
        "\x00\x01\x02\x1b[31m\x7f",
        "\ud800 broken surrogate",
        "𝕳𝖆𝖑𝖑𝖔 fancy letters",
        "a\u200b\u200b\u200bb",
    ],
)
async def test_bad_input_gives_a_result(recognizer: EmbeddedRecognizer, text: str) -> None:
    result = await recognizer.parse(text)
    assert result.intent in (*INTENTS, FALLBACK_INTENT)
    assert 0.0 <= result.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "مرحبا كيف حالك اليوم", "Привет, как дела?", "\x00\x01"])
async def test_text_without_known_features_is_a_fallback(
    recognizer: EmbeddedRecognizer, text: str
) -> None:
    result = await recognizer.parse(text)
    assert (result.intent, result.confidence) == (FALLBACK_INTENT, 0.0)


async def test_low_confidence_becomes_fallback(nlu_cache: Path) -> None:
    strict = EmbeddedRecognizer(cache_dir=nlu_cache, threshold=0.999)
    result = await strict.parse("vielleicht irgendwas mit bäumen")
    assert result.intent == FALLBACK_INTENT
    assert result.ranking[0][0] in INTENTS


async def test_broken_data_keeps_the_previous_model_serving(tiny_data: Path) -> None:
    recognizer = EmbeddedRecognizer([tiny_data])
    assert (await recognizer.parse("hallo")).intent == "greet"
    broken = tiny_data / "broken.yml"
    broken.write_text("nlu:\n- intent: greet\n  examples: |\n    kein strich\n", encoding="utf-8")
    with pytest.raises(TrainingDataError) as caught:
        recognizer.reload()
    assert f"{broken}:4:" in str(caught.value)
    assert (await recognizer.parse("hallo")).intent == "greet"

    broken.write_text(
        "nlu:\n- intent: thanks\n  examples: |\n    - danke\n    - vielen dank\n",
        encoding="utf-8",
    )
    assert recognizer.reload() is True
    assert (await recognizer.parse("vielen dank")).intent == "thanks"
    assert recognizer.reload() is False


def test_trained_model_is_cached_by_the_datas_hash(tiny_data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = EmbeddedRecognizer([tiny_data], cache_dir=cache)
    assert not first.loaded.from_cache
    assert len(list(cache.glob("*.pickle"))) == 1
    second = EmbeddedRecognizer([tiny_data], cache_dir=cache)
    assert second.loaded.from_cache
    assert second.parse_now("bis bald").intent == "goodbye"
    (tiny_data / "small.yml").write_text(
        (tiny_data / "small.yml").read_text(encoding="utf-8") + "    - radweg\n",
        encoding="utf-8",
    )
    assert not EmbeddedRecognizer([tiny_data], cache_dir=cache).loaded.from_cache


def test_a_damaged_cache_file_is_retrained(tiny_data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    EmbeddedRecognizer([tiny_data], cache_dir=cache)
    [stored] = cache.glob("*.pickle")
    stored.write_bytes(b"not a pickle")
    again = EmbeddedRecognizer([tiny_data], cache_dir=cache)
    assert not again.loaded.from_cache
    assert again.parse_now("hallo").intent == "greet"


def test_fast_scoring_matches_scikit_learn(tiny_data: Path) -> None:
    # a fifth of the shipped data: the two must agree on any data, and the reference
    # solver takes long on all of it
    data = load_training_data().examples[::5]
    texts = [e.text for e in data]
    labels = [e.intent for e in data]
    model = classifier.train_model(texts, labels)
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True)
    reference = LogisticRegression(
        C=classifier.REGULARISATION_C,
        solver="saga",
        tol=classifier.TOLERANCE,
        max_iter=3000,
        random_state=0,
    ).fit(vectorizer.fit_transform(texts), labels)
    probe = ["wann ist das rathaus offen", "mehr radwege bitte", "tschüssi", "keine news mehr!!"]
    expected = reference.decision_function(vectorizer.transform(probe))
    for text, row in zip(probe, expected, strict=True):
        fast = dict(model.rank(text))
        got = np.array([fast[name] for name in reference.classes_])
        assert np.allclose(got, softmax(row, model.temperature), atol=1e-6)
