"""`mitreden nlu predict | evaluate | train | validate`: work with the NLU from a shell."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TextIO

from nlu.decision import Decision, DecisionSettings, decide
from nlu.evaluation import evaluate, format_report
from nlu.training_data import TrainingDataError, data_files, load_training_data
from nlu.types import BACKENDS, NluResult, TeachableRecognizer

# The model modules pull in scikit-learn, which takes seconds to import; they are imported
# inside the commands that need them, so `mitreden --help` and every other command stay quick.


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `nlu` command group; each command sets `func` to a handler returning an exit code."""
    group = subparsers.add_parser("nlu", help="intent recognition: predict, evaluate, train")
    commands = group.add_subparsers(dest="nlu_command", required=True)

    predict = commands.add_parser(
        "predict", help="messages as arguments or lines on stdin; prints JSON lines"
    )
    predict.add_argument("messages", nargs="*", help="messages (default: read stdin)")
    _data_option(predict)
    _backend_options(predict)
    _decision_options(predict)
    predict.set_defaults(func=run_predict)

    check = commands.add_parser("evaluate", help="score on a Rasa-format test file")
    check.add_argument("test_file", type=Path, nargs="?", help="Rasa YAML with labelled messages")
    check.add_argument(
        "--cross-validation", type=int, metavar="FOLDS", help="k-fold on the training data"
    )
    check.add_argument("--no-misses", action="store_true", help="leave out the missed messages")
    _data_option(check)
    _backend_options(check)
    check.set_defaults(func=run_evaluate)

    train = commands.add_parser("train", help="train the embedded model and report figures")
    _data_option(train)
    train.add_argument("--cache-dir", type=Path, help="keep the trained model here")
    train.set_defaults(func=run_train)

    validate = commands.add_parser("validate", help="check the training data, by file and line")
    _data_option(validate)
    validate.add_argument(
        "--strict", action="store_true", help="fail (exit code 1) on warnings too"
    )
    validate.set_defaults(func=run_validate)


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        action="append",
        metavar="PATH",
        help="training data file or directory (repeatable; default: the shipped data)",
    )


def _backend_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=BACKENDS, default="embedded")
    parser.add_argument("--rasa-url", help="Rasa server, e.g. http://127.0.0.1:5005")
    parser.add_argument("--threshold", type=float, help="confidence below which: nlu_fallback")
    parser.add_argument(
        "--cache-dir", type=Path, help="keep trained models (and example embeddings) here"
    )


def _decision_options(parser: argparse.ArgumentParser) -> None:
    defaults = DecisionSettings()
    parser.add_argument(
        "--act", type=float, default=defaults.act, help="least confidence to act on an intent"
    )
    parser.add_argument(
        "--margin", type=float, default=defaults.margin, help="least lead over the second"
    )
    parser.add_argument(
        "--ask", type=float, default=defaults.ask, help="least confidence to ask, else fallback"
    )


def run_predict(args: argparse.Namespace, stdin: TextIO | None = None) -> int:
    """One JSON object per message: text, intent, confidence, entities, language, the
    ranking of the best intents with their calibrated confidences, and what the bot would
    do at the top of a conversation (act, ask with candidates, or fall back)."""
    recognizer = _recognizer(args)
    if recognizer is None:
        return 2
    settings = DecisionSettings(
        act=getattr(args, "act", DecisionSettings.act),
        margin=getattr(args, "margin", DecisionSettings.margin),
        ask=getattr(args, "ask", DecisionSettings.ask),
    )
    given: list[str] = list(getattr(args, "messages", None) or [])
    source = given if given else (stdin if stdin is not None else sys.stdin)

    async def answer_all() -> None:
        for line in source:
            result = await recognizer.parse(line.rstrip("\r\n"))
            shown = result_as_json(result, decide(result.ranking, settings))
            print(json.dumps(shown, ensure_ascii=False), flush=True)
        await _close(recognizer)

    asyncio.run(answer_all())
    return 0


def result_as_json(result: NluResult, decision: Decision | None = None) -> dict[str, object]:
    """The JSON shape `predict` prints; with the decision when one is given."""
    shown = _result_fields(result)
    if decision is not None:
        shown["decision"] = decision.kind
        shown["candidates"] = list(decision.candidates)
    return shown


def _result_fields(result: NluResult) -> dict[str, object]:
    return {
        "text": result.text,
        "intent": result.intent,
        "confidence": result.confidence,
        "entities": [
            {
                "entity": e.entity,
                "value": e.value,
                "text": e.text,
                "start": e.start,
                "end": e.end,
                "confidence": e.confidence,
            }
            for e in result.entities
        ],
        "language": result.language,
        "ranking": [{"intent": name, "confidence": score} for name, score in result.ranking],
    }


def run_evaluate(args: argparse.Namespace) -> int:
    """Print accuracy, per-intent precision/recall/F1 and confusions."""
    if args.cross_validation:
        try:
            data = load_training_data(args.data)
        except TrainingDataError as error:
            print(error, file=sys.stderr)
            return 1
        threshold = 0.0 if args.threshold is None else args.threshold
        from nlu.cross_validation import cross_validate

        report = cross_validate(data, folds=args.cross_validation, threshold=threshold)
        print(f"{args.cross_validation}-fold cross-validation on {len(data.examples)} examples")
        print(format_report(report, show_misses=not args.no_misses))
        return 0
    if args.test_file is None:
        print("give a TEST_FILE or --cross-validation FOLDS", file=sys.stderr)
        return 2
    try:
        test = load_training_data([args.test_file])
    except TrainingDataError as error:
        print(error, file=sys.stderr)
        return 1
    recognizer = _recognizer(args)
    if recognizer is None:
        return 2

    async def predict_all() -> list[tuple[str, float]]:
        answers = []
        for example in test.examples:
            result = await recognizer.parse(example.text)
            answers.append((result.intent, result.confidence))
        await _close(recognizer)
        return answers

    answers = iter(asyncio.run(predict_all()))
    evaluation = evaluate(test.examples, lambda _text: next(answers))
    print(format_report(evaluation, show_misses=not args.no_misses))
    return 0


def run_train(args: argparse.Namespace) -> int:
    """Train the embedded model and print how long it took and how big it is."""
    started = time.perf_counter()
    try:
        from nlu.embedded import EmbeddedRecognizer

        recognizer = EmbeddedRecognizer(args.data, cache_dir=args.cache_dir)
    except TrainingDataError as error:
        print(error, file=sys.stderr)
        return 1
    loaded = recognizer.loaded
    print(f"examples: {len(loaded.data.examples)}")
    print(f"intents: {len(loaded.model.classes)}")
    print(f"features: {len(loaded.model.vocabulary)}")
    print(f"model size: {loaded.model.size_bytes() / 1e6:.1f} MB")
    source = "loaded from cache" if loaded.from_cache else "trained"
    print(f"{source} in {time.perf_counter() - started:.2f} s")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Exit 0 and a summary when the data is fine; 1 and every problem by file:line if not.
    What was read but is not used (Rasa's dialogue sections, metadata) is listed as notes.
    Warnings (missing registers, near-duplicates across intents) fail only with --strict."""
    try:
        data = load_training_data(args.data)
    except TrainingDataError as error:
        print(error, file=sys.stderr)
        return 1
    counts = Counter(example.intent for example in data.examples)
    print(f"ok: {len(data_files(args.data))} files, {len(data.examples)} examples")
    for intent, count in sorted(counts.items()):
        print(f"  {intent:<20} {count:>5}")
    for entity, values in sorted(data.lookups.items()):
        print(f"  lookup {entity}: {len(values)} values")
    print(f"  synonyms: {sum(len(v) for v in data.synonyms.values())} names")
    for note in data.notes:
        print(f"note: {note}")
    from nlu.data_warnings import data_warnings, register_rules

    warnings = data_warnings(data)
    for warning in warnings:
        print(f"warning: {warning}")
    rules = register_rules(warnings)
    if rules:
        print("how each register named above is found:")
        for rule in rules:
            print(f"  {rule}")
    return 1 if warnings and getattr(args, "strict", False) else 0


def _recognizer(args: argparse.Namespace) -> TeachableRecognizer | None:
    try:
        from nlu.factory import create_recognizer

        return create_recognizer(
            backend=args.backend,
            data_paths=args.data,
            rasa_url=args.rasa_url,
            threshold=args.threshold,
            cache_dir=getattr(args, "cache_dir", None),
        )
    except TrainingDataError as error:
        print(error, file=sys.stderr)
        return None


async def _close(recognizer: TeachableRecognizer) -> None:
    close = getattr(recognizer, "close", None)
    if close is not None:
        await close()
