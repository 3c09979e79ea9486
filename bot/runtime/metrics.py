"""What this process counts for monitoring: messages, turn times, understanding, deliveries.

Plain integers in process memory: counting costs a dictionary update on the message path,
nothing else. The web server's `/metrics` page (bot/web/ops/metrics_page.py) adds what it
reads only when scraped (outbox depth, database pool) and writes all of it in Prometheus'
text format. Counters start at zero with every process start, as Prometheus expects.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from flows.clarify import ranking_of
from nlu.decision import DecisionSettings, decide
from nlu.types import NluResult

# seconds; a turn usually takes milliseconds, a slow database or Rasa server seconds
TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class Histogram:
    counts: list[int] = field(default_factory=lambda: [0] * len(TURN_BUCKETS))
    total: int = 0
    sum: float = 0.0

    def observe(self, seconds: float) -> None:
        for index, bound in enumerate(TURN_BUCKETS):
            if seconds <= bound:
                self.counts[index] += 1
                break
        self.total += 1
        self.sum += seconds


received: dict[str, int] = {}  # channel -> messages that entered a turn
sent: dict[str, int] = {}  # channel -> messages handed to the platform or the waiting page
understanding: dict[str, int] = {}  # act | ask | fallback
delivery_failures: dict[tuple[str, str], int] = {}  # (channel, retry|blocked|failed)
turns: dict[str, Histogram] = {}  # channel -> turn latency
_leading: list[Callable[[], bool]] = []  # set by `mitreden run`


def clock() -> float:
    return time.perf_counter()


def turn_done(channel: str, started: float, replies: int | None = None) -> None:
    """One message handled: it counts as received, its turn time is noted, and replies
    given straight back to the waiting request (the direct route) count as sent."""
    received[channel] = received.get(channel, 0) + 1
    histogram = turns.get(channel)
    if histogram is None:
        histogram = turns[channel] = Histogram()
    histogram.observe(time.perf_counter() - started)
    if replies:
        count_sent(channel, replies)


def count_sent(channel: str, messages: int = 1) -> None:
    sent[channel] = sent.get(channel, 0) + messages


def count_understanding(nlu: NluResult | None, settings: DecisionSettings) -> None:
    """What the recogniser's ranking of typed text suggests (inside a flow a step may still
    take the text as its answer)."""
    kind = decide(ranking_of(nlu), settings).kind
    understanding[kind] = understanding.get(kind, 0) + 1


def count_delivery_failure(channel: str, outcome: str) -> None:
    key = (channel, outcome)
    delivery_failures[key] = delivery_failures.get(key, 0) + 1


def watch_leader(leading: Callable[[], bool]) -> None:
    """`mitreden run` tells how to see whether this process runs the scheduled jobs."""
    _leading[:] = [leading]


def forget_leader() -> None:
    _leading.clear()


def is_leader() -> bool | None:
    """None where nothing runs a scheduler (a test server, `mitreden web`)."""
    return _leading[0]() if _leading else None


# --- Prometheus text format (version 0.0.4) -------------------------------------------


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(pairs: Sequence[tuple[str, str]]) -> str:
    if not pairs:
        return ""
    return "{" + ",".join(f'{name}="{_label(value)}"' for name, value in pairs) + "}"


def family(
    name: str, kind: str, help_text: str, samples: Iterable[tuple[Sequence[tuple[str, str]], float]]
) -> list[str]:
    """One metric: its HELP and TYPE lines and a line per sample."""
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{_labels(labels)} {_number(value)}" for labels, value in samples]
    return lines


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def counted() -> list[str]:
    """The counters of this process in text format."""
    lines = family(
        "mitreden_messages_received_total",
        "counter",
        "Messages from citizens that went through a turn, by channel.",
        [((("channel", channel),), count) for channel, count in sorted(received.items())],
    )
    lines += family(
        "mitreden_messages_sent_total",
        "counter",
        "Messages handed to a platform or returned to a waiting web chat, by channel.",
        [((("channel", channel),), count) for channel, count in sorted(sent.items())],
    )
    lines += family(
        "mitreden_understanding_total",
        "counter",
        "Typed messages by what recognition suggested: act, ask or fallback.",
        [((("decision", kind),), count) for kind, count in sorted(understanding.items())],
    )
    lines += family(
        "mitreden_delivery_failures_total",
        "counter",
        "Sends that did not succeed, by channel and reason (retry, blocked, failed).",
        [
            ((("channel", channel), ("reason", reason)), count)
            for (channel, reason), count in sorted(delivery_failures.items())
        ],
    )
    lines += [
        "# HELP mitreden_turn_seconds Time from a message's arrival to its answer.",
        "# TYPE mitreden_turn_seconds histogram",
    ]
    for channel, histogram in sorted(turns.items()):
        name, running = _label(channel), 0
        for bound, count in zip(TURN_BUCKETS, histogram.counts, strict=True):
            running += count
            lines.append(f'mitreden_turn_seconds_bucket{{channel="{name}",le="{bound}"}} {running}')
        total = histogram.total
        lines.append(f'mitreden_turn_seconds_bucket{{channel="{name}",le="+Inf"}} {total}')
        lines.append(f'mitreden_turn_seconds_sum{{channel="{name}"}} {histogram.sum!r}')
        lines.append(f'mitreden_turn_seconds_count{{channel="{name}"}} {total}')
    leader = is_leader()
    if leader is not None:
        lines += family(
            "mitreden_scheduler_leader",
            "gauge",
            "1 when this process runs the scheduled jobs.",
            [((), 1 if leader else 0)],
        )
    return lines
