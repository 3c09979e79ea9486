"""Quality of the embedded NLU: held-out accuracy, per-intent F1 and k-fold cross-validation.

Run: .venv/bin/python benchmarks/nlu_quality.py [--folds 5] [TEST_FILE ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu.cross_validation import cross_validate
from nlu.embedded import DEFAULT_THRESHOLD, EmbeddedRecognizer
from nlu.evaluation import Evaluation, evaluate, format_report
from nlu.training_data import load_training_data
from nlu.types import NluResult

ROOT = Path(__file__).resolve().parents[1]
TEST_DIR = ROOT / "tests" / "nlu" / "data"


def brief(evaluation: Evaluation) -> str:
    scored = [s for s in evaluation.scores if s.support]
    macro = sum(s.f1 for s in scored) / len(scored)
    lowest = min(scored, key=lambda s: s.f1)
    return (
        f"accuracy {evaluation.accuracy:.4f} on {evaluation.total}, macro F1 {macro:.4f}, "
        f"lowest F1 {lowest.f1:.3f} ({lowest.intent})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tests", type=Path, nargs="*", default=sorted(TEST_DIR.glob("*.yml")))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--full", action="store_true", help="print the full reports")
    args = parser.parse_args()
    recognizer = EmbeddedRecognizer()
    for test in args.tests:
        examples = load_training_data([test]).examples
        answers = {e.text: recognizer.parse_now(e.text) for e in examples}

        def answer(text: str, found: dict[str, NluResult] = answers) -> tuple[str, float]:
            return found[text].intent, found[text].confidence

        result = evaluate(examples, answer)
        print(f"{test.name}: {brief(result)}")
        if args.full:
            print(format_report(result))
    data = load_training_data()
    for threshold in (0.0, DEFAULT_THRESHOLD):
        started = time.perf_counter()
        folded = cross_validate(data, folds=args.folds, threshold=threshold)
        print(
            f"{args.folds}-fold cross-validation, threshold {threshold}: {brief(folded)} "
            f"({time.perf_counter() - started:.1f} s)"
        )
        if args.full:
            print(format_report(folded, show_misses=False))


if __name__ == "__main__":
    main()
