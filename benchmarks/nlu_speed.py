"""Speed and size of the embedded NLU: training time, parse latency p50/p99, memory.

Run: .venv/bin/python benchmarks/nlu_speed.py
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu.embedded import EmbeddedRecognizer  # noqa: E402
from nlu.training_data import load_training_data  # noqa: E402

HELDOUT = Path(__file__).resolve().parents[1] / "tests" / "nlu" / "data" / "heldout.yml"
ROUNDS = 20


def main() -> None:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        recognizer = EmbeddedRecognizer()
        runs.append(time.perf_counter() - started)
    print(f"training on the shipped data: best {min(runs):.2f} s, worst {max(runs):.2f} s")

    gc.collect()
    tracemalloc.start()
    kept = EmbeddedRecognizer()
    _, peak = tracemalloc.get_traced_memory()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"memory held by a loaded model: {current / 1e6:.1f} MB (peak while training {peak / 1e6:.1f} MB)")
    print(f"model arrays and vocabulary: {kept.loaded.model.size_bytes() / 1e6:.1f} MB")

    messages = [e.text for e in load_training_data([HELDOUT]).examples]
    messages += ["", "👍", "x" * 10_000, "ja", "Man sollte am Bahnhof endlich Fahrradständer aufstellen"]
    for text in messages:
        recognizer.parse_now(text)
    timings = []
    for _ in range(ROUNDS):
        for text in messages:
            started = time.perf_counter()
            recognizer.parse_now(text)
            timings.append(time.perf_counter() - started)
    timings.sort()
    p50 = statistics.median(timings) * 1000
    p99 = timings[int(len(timings) * 0.99)] * 1000
    print(f"parse latency over {len(timings)} parses: p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {timings[-1] * 1000:.3f} ms")


if __name__ == "__main__":
    main()
