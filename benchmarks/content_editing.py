"""What editing content costs while the bot runs: a flow's conversation tests, starting a
chat simulator, training and evaluating the intent data, switching the model, and how long
the event loop (which answers citizens) stood still meanwhile.

Run: .venv/bin/python benchmarks/content_editing.py [--flows thanks propose_idea]

The event loop's longest stall is measured by a task that wakes every 10 ms and records
how late it woke; a stall is time in which no citizen's message could be handled.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.config import Settings
from bot.content import flows as flow_admin
from bot.content import intent_data as nlu_admin
from bot.content.simulator import Simulators
from nlu.embedded import EmbeddedRecognizer

T = TypeVar("T")
TICK = 0.01


async def watched(work: Callable[[], Awaitable[T]]) -> tuple[T, float, float]:
    """The result of `work`, its duration and the event loop's longest stall (seconds)."""
    longest = 0.0
    running = True

    async def ticker() -> None:
        nonlocal longest
        while running:
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            longest = max(longest, time.perf_counter() - before - TICK)

    watcher = asyncio.create_task(ticker())
    started = time.perf_counter()
    result = await work()
    duration = time.perf_counter() - started
    running = False
    await watcher
    return result, duration, longest


async def main(flow_ids: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{folder}/bot.db", nlu_cache_dir=Path(folder) / "cache"
        )
        recognizer = EmbeddedRecognizer(cache_dir=settings.nlu_cache_dir)
        app = await build_app(settings, {"test": RecordingChannel("test")}, recognizer=recognizer)
        try:
            current = await flow_admin.current_flow_sources(app.sessions)
            print(f"{'what':<44} {'seconds':>8} {'longest loop stall':>19}")
            # the machine's own noise: the same measurement while nothing else runs
            _, seconds, stall = await watched(lambda: asyncio.sleep(3))
            print(f"{'nothing (for comparison)':<44} {seconds:>8.2f} {stall * 1000:>16.0f} ms")
            for flow_id in flow_ids:
                tests = partial(
                    flow_admin.run_tests, flow_id, current[flow_id], current, settings, recognizer
                )
                run, seconds, stall = await watched(tests)
                label = f"tests of {flow_id} ({len(run.outcomes)} conversations)"
                print(f"{label:<44} {seconds:>8.2f} {stall * 1000:>16.0f} ms")
            simulators = Simulators()
            key = ("benchmark", "thanks")
            flows = sorted(current.items())
            simulator, seconds, stall = await watched(
                lambda: simulators.open(key, settings, recognizer, build_app, flows)
            )
            print(f"{'start a chat simulator':<44} {seconds:>8.2f} {stall * 1000:>16.0f} ms")
            _, seconds, stall = await watched(lambda: simulators.send(simulator, "Hallo"))
            print(f"{'one simulated message':<44} {seconds:>8.2f} {stall * 1000:>16.0f} ms")
            await simulators.close_all()

            files = nlu_admin.installed_files(settings)
            report, seconds, stall = await watched(
                lambda: asyncio.to_thread(
                    nlu_admin.train_and_evaluate,
                    files,
                    settings.nlu_cache_dir,
                    lambda done, total, step: None,
                )
            )
            label = f"train + 5-fold evaluation ({report['examples']} examples)"
            print(f"{label:<44} {seconds:>8.2f} {stall * 1000:>16.0f} ms")
            _, seconds, stall = await watched(lambda: nlu_admin.serve_data(recognizer, files))
            label = "switch the running model (cached)"
            print(f"{label:<44} {seconds:>8.2f} {stall * 1000:>16.0f} ms")
        finally:
            await app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flows", nargs="+", default=["thanks", "propose_idea"])
    asyncio.run(main(parser.parse_args().flows))
