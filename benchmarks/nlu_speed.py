"""Speed and size of the embedded NLU: training time, parse latency p50/p99, memory.

Run: .venv/bin/python benchmarks/nlu_speed.py
Latency is reported as wall-clock time and as CPU time of the parsing thread; on a busy
machine the first includes waiting for a core, the second does not.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu.embedded import EmbeddedRecognizer
from nlu.training_data import load_training_data

HELDOUT = Path(__file__).resolve().parents[1] / "tests" / "nlu" / "data" / "heldout.yml"
ROUNDS = 20
EXTREMES = ["", "👍", "x" * 10_000, "ja", "Man sollte am Bahnhof endlich Fahrradständer aufstellen"]


def percentiles(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99)] * 1000
    return f"p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {ordered[-1] * 1000:.3f} ms"


def main() -> None:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        recognizer = EmbeddedRecognizer()
        runs.append(time.perf_counter() - started)
    best, worst = min(runs), max(runs)
    print(f"training on the shipped data, with calibration: best {best:.2f} s, worst {worst:.2f} s")
    print(f"examples: {len(recognizer.loaded.data.examples)}")

    gc.collect()
    tracemalloc.start()
    kept = EmbeddedRecognizer()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"memory held by a loaded model: {current / 1e6:.1f} MB")
    print(f"memory peak while training: {peak / 1e6:.1f} MB")
    print(f"model arrays and vocabulary: {kept.loaded.model.size_bytes() / 1e6:.1f} MB")

    messages = [e.text for e in load_training_data([HELDOUT]).examples] + EXTREMES
    for text in messages:
        recognizer.parse_now(text)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(ROUNDS):
        for text in messages:
            started, started_cpu = time.perf_counter(), time.thread_time()
            recognizer.parse_now(text)
            wall.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - started_cpu)
    print(f"parse latency, wall clock, {len(wall)} parses: {percentiles(wall)}")
    print(f"parse latency, CPU time,   {len(cpu)} parses: {percentiles(cpu)}")


if __name__ == "__main__":
    main()
