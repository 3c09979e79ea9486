"""The embedded NLU side by side with Rasa Open Source 3.6 (DIETClassifier) on the same data.

Both train on nlu/data/ and are scored on the same held-out file. Rasa runs in its own
Python 3.10 virtual environment (created and filled on first use, ~10 minutes); it loads
the trained model in-process, so parse times compare like with like.

Run: .venv/bin/python benchmarks/nlu_vs_rasa.py [--venv DIR] [TEST_FILE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlu.embedded import DEFAULT_THRESHOLD, EmbeddedRecognizer  # noqa: E402
from nlu.evaluation import Evaluation, evaluate  # noqa: E402
from nlu.training_data import SHIPPED_DATA, load_training_data  # noqa: E402
from nlu.types import FALLBACK_INTENT  # noqa: E402

RASA_VERSION = "3.6.21"
PYTHON_310 = (
    Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions/3.10.13/bin/python"
)
CONFIG = ROOT / "nlu" / "rasa" / "config.yml"
TEST_DIR = ROOT / "tests" / "nlu" / "data"

# Runs inside the Rasa environment: load the model, parse every message, print JSON lines.
RASA_SCORER = """
import asyncio, json, sys, time
from rasa.core.agent import Agent

async def main():
    agent = Agent.load(sys.argv[1])
    texts = json.load(open(sys.argv[2]))
    for text in texts[:20]:
        await agent.parse_message(text)  # warm-up
    for text in texts:
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        seconds = time.perf_counter() - started
        # the raw DIET answer: skip Rasa's own fallback, the threshold is applied outside
        ranking = [r for r in parsed.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
        top = ranking[0] if ranking else {"name": "nlu_fallback", "confidence": 0.0}
        print(json.dumps({"text": text, "intent": top["name"],
                          "confidence": top["confidence"], "seconds": seconds}))

asyncio.run(main())
"""


def ensure_rasa(venv: Path) -> Path:
    """The Rasa environment's python, installing Rasa there when it is missing."""
    python = venv / "bin" / "python"
    if python.exists() and _runs(python, "import rasa"):
        return python
    if not PYTHON_310.exists():
        raise SystemExit(f"Python 3.10 not found at {PYTHON_310} (pyenv install 3.10.13)")
    print(f"installing rasa {RASA_VERSION} into {venv} (takes several minutes) ...", flush=True)
    subprocess.run([str(PYTHON_310), "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--upgrade", "pip", "setuptools<70", "wheel"], check=True)
    subprocess.run([*pip, f"rasa=={RASA_VERSION}"], check=True)
    return python


def _runs(python: Path, code: str) -> bool:
    done = subprocess.run([str(python), "-c", code], capture_output=True, check=False)
    return done.returncode == 0


def run_rasa(python: Path, texts: list[str], work: Path) -> tuple[list[dict[str, object]], float]:
    """Train DIET on the shipped data and parse the texts; predictions and training seconds."""
    data = work / "data"
    shutil.copytree(SHIPPED_DATA, data)
    rasa = python.parent / "rasa"
    started = time.perf_counter()
    subprocess.run(
        [
            str(rasa),
            "train",
            "nlu",
            "--nlu",
            str(data),
            "--config",
            str(CONFIG),
            "--out",
            str(work / "models"),
            "--fixed-model-name",
            "bench",
            "--quiet",
        ],
        check=True,
        cwd=work,
    )
    training = time.perf_counter() - started
    (work / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    (work / "score.py").write_text(RASA_SCORER, encoding="utf-8")
    done = subprocess.run(
        [
            str(python),
            str(work / "score.py"),
            str(work / "models" / "bench.tar.gz"),
            str(work / "texts.json"),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=work,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return rows, training


def thresholded(intent: str, confidence: float) -> tuple[str, float]:
    """The same fallback rule the embedded recogniser applies."""
    return (intent if confidence >= DEFAULT_THRESHOLD else FALLBACK_INTENT), confidence


def latency(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99)] * 1000


def summary(evaluation: Evaluation) -> tuple[float, float, float]:
    scored = [s for s in evaluation.scores if s.support]
    return (
        evaluation.accuracy,
        sum(s.f1 for s in scored) / len(scored),
        min(s.f1 for s in scored),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--venv", type=Path, default=ROOT / ".nlu-cache" / "rasa-venv")
    parser.add_argument("tests", type=Path, nargs="*", default=sorted(TEST_DIR.glob("*.yml")))
    args = parser.parse_args()
    sets = {test.name: load_training_data([test]).examples for test in args.tests}
    texts = list(dict.fromkeys(e.text for examples in sets.values() for e in examples))

    started = time.perf_counter()
    embedded = EmbeddedRecognizer()
    embedded_training = time.perf_counter() - started
    embedded_seconds: list[float] = []
    ours: dict[str, tuple[str, float]] = {}
    for text in texts:
        begun = time.perf_counter()
        result = embedded.parse_now(text)
        embedded_seconds.append(time.perf_counter() - begun)
        ours[text] = (result.intent, result.confidence)

    python = ensure_rasa(args.venv)
    with tempfile.TemporaryDirectory(prefix="mitreden-rasa-") as folder:
        rows, rasa_training = run_rasa(python, texts, Path(folder))
    theirs = {
        str(r["text"]): thresholded(str(r["intent"]), float(str(r["confidence"]))) for r in rows
    }
    rasa_seconds = [float(str(r["seconds"])) for r in rows]

    table: list[tuple[str, str, str]] = []
    for name, examples in sets.items():
        mine = summary(evaluate(examples, lambda text: ours[text]))
        rasa = summary(evaluate(examples, lambda text: theirs[text]))
        table.append((f"{name} accuracy", f"{mine[0]:.4f}", f"{rasa[0]:.4f}"))
        table.append((f"{name} macro F1", f"{mine[1]:.4f}", f"{rasa[1]:.4f}"))
        table.append((f"{name} lowest F1", f"{mine[2]:.4f}", f"{rasa[2]:.4f}"))
    (ours_p50, ours_p99), (rasa_p50, rasa_p99) = latency(embedded_seconds), latency(rasa_seconds)
    table += [
        ("training time", f"{embedded_training:.1f} s", f"{rasa_training:.1f} s"),
        ("parse p50", f"{ours_p50:.3f} ms", f"{rasa_p50:.3f} ms"),
        ("parse p99", f"{ours_p99:.3f} ms", f"{rasa_p99:.3f} ms"),
    ]
    print(f"\n{len(texts)} test messages, fallback threshold {DEFAULT_THRESHOLD} on both sides")
    print(f"| {'':<26} | {'embedded':>10} | {'Rasa 3.6 DIET':>13} |")
    print(f"|{'-' * 28}|{'-' * 12}|{'-' * 15}|")
    for name, mine_text, rasa_text in table:
        print(f"| {name:<26} | {mine_text:>10} | {rasa_text:>13} |")
    print(f"\nembedded parses {rasa_p50 / ours_p50:.0f}x faster at the median")


if __name__ == "__main__":
    main()
