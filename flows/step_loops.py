"""Finding steps that go round in a circle without waiting for the citizen.

The engine follows such steps within one turn until it gives up, so every message that
reaches the flow would end in an apology. A circle is fine when one of its steps waits
(ask_text, ask_choice, confirm, ...): then each turn moves one lap at most.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from flows.step_checks import Report
from flows.yaml_source import LoadedYaml

# The keys whose step the engine enters in the same turn, without waiting for an answer
# (see the `enter` of each type in flows/steps/). Options are picked after a wait.
PASSES_ON: dict[str, tuple[str, ...]] = {
    "say": ("next",),
    "goto": ("step",),
    "action": ("next", "on"),
    "ask_choice": ("empty",),
    "consultation_questions": ("next", "closed"),
    "consultation_review": ("pause",),
}


def passing_edges(steps: Mapping[Any, Any], step_ids: Set[str]) -> dict[str, list[str]]:
    """For each step, the steps it goes on to without waiting (known step ids only)."""
    edges: dict[str, list[str]] = {}
    for step_id, step in steps.items():
        if not isinstance(step, Mapping):
            continue
        targets: list[Any] = []
        for key in PASSES_ON.get(str(step.get("type")), ()):
            value = step.get(key)
            targets += list(value.values()) if isinstance(value, Mapping) else [value]
        edges[str(step_id)] = [
            t for t in dict.fromkeys(targets) if isinstance(t, str) and t in step_ids
        ]
    return edges


def find_loops(edges: Mapping[str, list[str]]) -> list[list[str]]:
    """Each circle once, as the steps in order with the first repeated at the end."""
    loops: list[list[str]] = []
    seen_sets: set[frozenset[str]] = set()
    done: set[str] = set()
    for start in edges:
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, index = stack.pop()
            if index == 0:
                if node in done:
                    continue
                path.append(node)
                on_path.add(node)
            successors = edges.get(node, [])
            if index < len(successors):
                stack.append((node, index + 1))
                following = successors[index]
                if following in on_path:
                    circle = [*path[path.index(following) :], following]
                    if frozenset(circle) not in seen_sets:
                        seen_sets.add(frozenset(circle))
                        loops.append(circle)
                elif following not in done:
                    stack.append((following, 0))
                continue
            path.pop()
            on_path.discard(node)
            done.add(node)
    return loops


def check_loops(
    steps: Mapping[Any, Any], step_ids: Set[str], loaded: LoadedYaml, report: Report
) -> None:
    """Reports every circle of steps that never waits, at the line of its first step."""
    for loop in find_loops(passing_edges(steps, step_ids)):
        first = min(loop[:-1], key=lambda step: loaded.line(("steps", step)) or 0)
        turn = loop.index(first)
        ordered = [*loop[turn:-1], *loop[:turn], first]
        report(("steps", first), "loop_without_wait", steps=" → ".join(ordered))
