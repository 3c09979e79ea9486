"""Quality of the embedded NLU on each test set and by cross-validation grouped by paraphrase
family: accuracy overall and per language, precision/recall/F1 per intent, the main confusion
pairs, a calibration table (confidence bins against accuracy) and what the bot does with
each message (nlu/decision.py): act on it, ask which wish was meant, or say it did not
understand — with the share of wrong intents among those acted on.

Run: .venv/bin/python benchmarks/nlu_quality.py [--folds 5] [--misses] [TEST_FILE ...]
The calibration table judges the best candidate whatever its confidence (no threshold).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu.cross_validation import cross_validate
from nlu.decision import DecisionSettings, decide
from nlu.embedded import DEFAULT_THRESHOLD, EmbeddedRecognizer
from nlu.evaluation import Evaluation, evaluate, format_report
from nlu.language import detect_language
from nlu.training_data import Example, load_training_data
from nlu.types import FALLBACK_INTENT, NluResult

ROOT = Path(__file__).resolve().parents[1]
TEST_DIR = ROOT / "tests" / "nlu" / "data"
CONFUSIONS_SHOWN = 8


def brief(evaluation: Evaluation) -> str:
    """Accuracy, macro F1 and the weakest intent in one line."""
    scored = [s for s in evaluation.scores if s.support]
    macro = sum(s.f1 for s in scored) / len(scored)
    lowest = min(scored, key=lambda s: s.f1)
    return (
        f"accuracy {evaluation.accuracy:.3f} on {evaluation.total}, macro F1 {macro:.3f}, "
        f"lowest F1 {lowest.f1:.3f} ({lowest.intent})"
    )


def by_language(examples: list[Example], evaluation: Evaluation) -> str:
    """Accuracy per detected language ("?" where the text gives no clue)."""
    missed = {(m.text, m.expected) for m in evaluation.misses}
    right: dict[str, list[bool]] = defaultdict(list)
    for example in examples:
        language = detect_language(example.text) or "?"
        right[language].append((example.text, example.intent) not in missed)
    return ", ".join(
        f"{language} {sum(oks) / len(oks):.3f} ({len(oks)})"
        for language, oks in sorted(right.items())
    )


def details(evaluation: Evaluation, calibrated: Evaluation, misses: bool) -> str:
    """Per-intent table and confusions of `evaluation`, calibration table of `calibrated`."""
    shown = Evaluation(
        evaluation.total,
        evaluation.accuracy,
        evaluation.scores,
        evaluation.confusions[:CONFUSIONS_SHOWN],
        evaluation.misses if misses else (),
        calibrated.calibration,
    )
    return format_report(shown, show_misses=misses)


def decisions(examples: list[Example], answers: dict[str, NluResult]) -> str:
    """Act / ask / fallback shares under the default thresholds, the wrong intents among
    the acted on, and how often the right wish was among the offered candidates."""
    acted = wrong = asked = offered_right = fell_back = 0
    for example in examples:
        decision = decide(answers[example.text].ranking)
        if decision.kind == "act":
            acted += 1
            wrong += decision.intent != example.intent
        elif decision.kind == "ask":
            asked += 1
            offered_right += example.intent in decision.candidates
        else:
            fell_back += 1
    total = len(examples)
    settings = DecisionSettings()
    return (
        f"decision (act >= {settings.act}, margin >= {settings.margin}, ask >= {settings.ask}): "
        f"act {acted / total:.1%} with {wrong / max(acted, 1):.1%} wrong intent, "
        f"ask {asked / total:.1%} (right wish offered {offered_right / max(asked, 1):.0%}), "
        f"fallback {fell_back / total:.1%}"
    )


def score_file(recognizer: EmbeddedRecognizer, test: Path, misses: bool) -> None:
    examples = list(load_training_data([test]).examples)
    answers = {e.text: recognizer.parse_now(e.text) for e in examples}

    def answer(text: str, found: dict[str, NluResult] = answers) -> tuple[str, float]:
        return found[text].intent, found[text].confidence

    def best(text: str, found: dict[str, NluResult] = answers) -> tuple[str, float]:
        ranking = found[text].ranking
        return ranking[0] if ranking else (FALLBACK_INTENT, 0.0)

    result = evaluate(examples, answer)
    print(f"== {test.name}: {brief(result)}")
    print(f"   per language: {by_language(examples, result)}")
    print(f"   {decisions(examples, answers)}")
    print(details(result, evaluate(examples, best), misses))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tests", type=Path, nargs="*", default=sorted(TEST_DIR.glob("*.yml")))
    parser.add_argument("--folds", type=int, default=5, help="0: no cross-validation")
    parser.add_argument("--misses", action="store_true", help="list the missed messages")
    args = parser.parse_args()
    recognizer = EmbeddedRecognizer()
    print(
        f"threshold {recognizer.threshold}, temperature {recognizer.loaded.model.temperature:.3f}"
    )
    for test in args.tests:
        score_file(recognizer, test, args.misses)
    if args.folds < 2:
        return
    data = load_training_data()
    started = time.perf_counter()
    plain = cross_validate(data, folds=args.folds)
    seconds = time.perf_counter() - started
    held = cross_validate(data, folds=args.folds, threshold=DEFAULT_THRESHOLD)
    print(f"== {args.folds}-fold cross-validation by family, no threshold: {brief(plain)}")
    print(f"   with threshold {DEFAULT_THRESHOLD}: {brief(held)} ({seconds:.1f} s per run)")
    print(details(plain, plain, misses=False))


if __name__ == "__main__":
    main()
