"""The import rules between the project's packages, checked on the source with `ast`.

Every `import` and `from ... import` counts, at module level and inside functions (also under
`if TYPE_CHECKING:`): a dependency is a dependency, whether Python meets it at start-up or later.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROJECT = ("bot", "flows", "nlu", "storage")


@dataclass(frozen=True)
class Rule:
    """Modules within `applies_to` (minus `exempt`) may not import a project module that is
    within `forbidden`, or, when `allowed` is given, any project module outside `allowed`.
    "Within x" means x itself or any module below it."""

    name: str
    applies_to: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    allowed: tuple[str, ...] | None = None
    exempt: tuple[str, ...] = ()


RULES = (
    Rule(
        "rule 1: flows and nlu import neither bot nor storage",
        applies_to=("flows", "nlu"),
        forbidden=("bot", "storage"),
    ),
    Rule(
        "rule 2: storage imports nothing of bot, flows, nlu",
        applies_to=("storage",),
        forbidden=("bot", "flows", "nlu"),
    ),
    Rule(
        "rule 3: channels import only channels, bot.messages, bot.config and flows.types",
        applies_to=("bot.channels",),
        allowed=("bot.channels", "bot.messages", "bot.config", "flows.types"),
    ),
    Rule(
        "rule 4: bot.cli, bot.runtime and bot.civic never import bot.web",
        applies_to=("bot.cli", "bot.runtime", "bot.civic"),
        forbidden=("bot.web",),
    ),
    Rule(
        "rule 5: only bot.cli, bot.runtime and bot.content import the composition root bot.app",
        applies_to=PROJECT,
        exempt=("bot.cli", "bot.runtime", "bot.content"),
        forbidden=("bot.app",),
    ),
)
CYCLE_RULE = "rule 6: no import cycle among the project's modules"


@dataclass(frozen=True)
class Edge:
    """`importer` names `target` (a project module) in `file` at `line`."""

    importer: str
    target: str
    file: str
    line: int


def within(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def module_name(relative: Path) -> tuple[str, bool]:
    """`bot/web/server.py` -> ("bot.web.server", False); `bot/web/__init__.py` -> ("bot.web", True).

    A package's `__init__` is a module of its own, named like the package."""
    parts = list(relative.with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def find_modules(root: Path, packages: Sequence[str]) -> dict[str, Path]:
    """Every .py file below the packages, by module name, as a path relative to `root`."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            found[module_name(relative)[0]] = relative
    return found


def imported_names(
    importer: str, is_package: bool, source: str, modules: Iterable[str]
) -> list[tuple[str, int]]:
    """The modules `source` imports, with their lines.

    `from a.b import c` names the module `a.b.c` when there is one, else `a.b` (where `c` is
    defined). It does not also name the packages Python runs first (`a`, `a.b`): counting
    those would make every package whose `__init__` gathers its submodules (flows.steps,
    flows.actions, storage.models) a cycle with each of them, which Python handles fine. A
    name defined in an `__init__` is still an edge to that package, so the `__init__`s with
    content that matters take part in the checks."""
    known = set(modules)
    package = importer if is_package else importer.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append((submodule if submodule in known else base, node.lineno))
    return list(dict.fromkeys(found))  # `from a import b, c` names `a` once


def collect_edges(root: Path, packages: Sequence[str]) -> list[Edge]:
    modules = find_modules(root, packages)
    edges = []
    for importer, relative in modules.items():
        is_package = relative.name == "__init__.py"
        source = (root / relative).read_text(encoding="utf-8")
        for target, line in imported_names(importer, is_package, source, modules):
            if within(target, packages):
                edges.append(Edge(importer, target, relative.as_posix(), line))
    return edges


def broken_by(edge: Edge, rule: Rule) -> bool:
    if not within(edge.importer, rule.applies_to) or within(edge.importer, rule.exempt):
        return False
    if within(edge.target, rule.forbidden):
        return True
    return rule.allowed is not None and not within(edge.target, rule.allowed)


def rule_problems(edges: Iterable[Edge], rules: Iterable[Rule]) -> list[str]:
    return [
        f"{edge.file}:{edge.line}: {edge.importer} imports {edge.target} ({rule.name})"
        for edge in edges
        for rule in rules
        if broken_by(edge, rule)
    ]


def strongly_connected(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Tarjan's algorithm: groups of modules that all reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def shortest_cycle(graph: Mapping[str, Sequence[str]], start: str, group: set[str]) -> list[str]:
    """The shortest path start → ... → start inside `group` (breadth first)."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in graph[node]:
                if successor not in group or successor in came_from:
                    continue
                came_from[successor] = node
                if successor == start:
                    path = [start]
                    while path[-1] != start or len(path) == 1:
                        path.append(came_from[path[-1]])
                    return path[::-1]
                following.append(successor)
        frontier = following
    raise AssertionError(f"{start} is on no cycle")


def cycle_problems(edges: Sequence[Edge], modules: Iterable[str]) -> list[str]:
    """One shortest cycle for each group of modules that import each other in a circle."""
    first_edge: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        first_edge.setdefault((edge.importer, edge.target), edge)
    known = set(modules)
    graph: dict[str, list[str]] = {module: [] for module in sorted(known)}
    for importer, target in sorted(first_edge):
        if target in known:
            graph[importer].append(target)
    problems = []
    for group in strongly_connected(graph):
        if len(group) == 1 and group[0] not in graph[group[0]]:
            continue
        cycle = shortest_cycle(graph, group[0], set(group))
        steps = [first_edge[pair] for pair in itertools.pairwise(cycle)]
        where = ", ".join(f"{step.file}:{step.line}" for step in steps)
        knot = "" if len(group) == len(cycle) - 1 else f"; all {len(group)} in the knot: {group}"
        problems.append(f"{where}: {' → '.join(cycle)} ({CYCLE_RULE}{knot})")
    return problems


def check(
    root: Path, packages: Sequence[str] = PROJECT, rules: Sequence[Rule] = RULES
) -> list[str]:
    edges = collect_edges(root, packages)
    return rule_problems(edges, rules) + cycle_problems(edges, find_modules(root, packages))


# --- the project ---------------------------------------------------------------------------


def test_the_project_keeps_its_import_rules() -> None:
    importers = {edge.importer.partition(".")[0] for edge in collect_edges(REPO, PROJECT)}
    assert importers == set(PROJECT), "the walk missed a package"
    problems = check(REPO)
    assert not problems, "\n".join(problems)


# --- the checker finds what it should -----------------------------------------------------


def make_tree(root: Path, files: Mapping[str, str]) -> Path:
    """The files, plus an empty `__init__.py` in every folder that lacks one."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        for folder in path.relative_to(root).parents:
            if folder != Path(".") and not (root / folder / "__init__.py").exists():
                (root / folder / "__init__.py").write_text("", encoding="utf-8")
    for package in PROJECT:
        (root / package).mkdir(exist_ok=True)
    return root


ALLOWED = {
    "bot/app.py": "from bot.dispatcher import Dispatcher\nfrom bot.web import server\n",
    "bot/dispatcher.py": "import flows.engine\nimport storage.store\n",
    "bot/web/server.py": "from bot.civic import services\n",
    "bot/civic/services.py": "from storage.store import Store\n",
    "bot/cli/main.py": "from bot import app\n",
    "bot/runtime/runner.py": "import bot.app\n",
    "bot/content/simulator.py": "def build() -> None:\n    from bot.app import build_app\n",
    "bot/channels/telegram/room.py": (
        "import asyncio\nimport aiohttp\n\nfrom bot.channels import base\nfrom bot.config import "
        "Settings\nfrom bot.messages import Outbound\nfrom flows.types import Reply\n"
    ),
    "bot/channels/base.py": "from bot.messages import InboundMessage\n",
    "bot/messages.py": "",
    "bot/config.py": "import pydantic\n",
    "flows/engine.py": "from flows.steps import STEP_TYPES\nfrom nlu import recognizer\n",
    "flows/types.py": "",
    "flows/steps/__init__.py": "from flows.steps import basic\nfrom flows.steps.outcome import X\n",
    "flows/steps/basic.py": "from flows.steps.outcome import X\nfrom flows.types import Reply\n",
    "flows/steps/outcome.py": "X = 1\n",
    "nlu/recognizer.py": "import numpy\n",
    "storage/store.py": "from storage.models import Citizen\n",
    "storage/models/__init__.py": "from storage.models.core import Citizen\n",
    "storage/models/core.py": "Citizen = object\n",
}


def test_a_tree_that_keeps_the_rules_has_no_problems(tmp_path: Path) -> None:
    assert check(make_tree(tmp_path, ALLOWED)) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"flows/x.py": '"""Doc."""\n\nimport storage.store\n'},
            "flows/x.py:3: flows.x imports storage.store (rule 1:",
        ),
        (
            {"nlu/x.py": "def f() -> None:\n    from bot.config import Settings\n"},
            "nlu/x.py:2: nlu.x imports bot.config (rule 1:",
        ),
        (
            {"storage/x.py": "from flows import types\n"},
            "storage/x.py:1: storage.x imports flows.types (rule 2:",
        ),
        (
            {"bot/channels/y.py": "from bot.dispatcher import Dispatcher\n"},
            "bot/channels/y.py:1: bot.channels.y imports bot.dispatcher (rule 3:",
        ),
        (
            {"bot/channels/y.py": "from storage import store\n"},
            "bot/channels/y.py:1: bot.channels.y imports storage.store (rule 3:",
        ),
        (
            {"bot/channels/matrix/room.py": "import flows.engine\n"},
            "bot/channels/matrix/room.py:1: bot.channels.matrix.room imports flows.engine (rule 3:",
        ),
        (
            {"bot/civic/z.py": "from bot.web.server import app\n"},
            "bot/civic/z.py:1: bot.civic.z imports bot.web.server (rule 4:",
        ),
        (
            {"bot/runtime/z.py": "import bot.web\n"},
            "bot/runtime/z.py:1: bot.runtime.z imports bot.web (rule 4:",
        ),
        (
            {"bot/web/auth.py": "\ndef make() -> None:\n    from bot import app\n"},
            "bot/web/auth.py:3: bot.web.auth imports bot.app (rule 5:",
        ),
        (
            {"bot/web/chat/page.py": "from ... import app\n"},
            "bot/web/chat/page.py:1: bot.web.chat.page imports bot.app (rule 5:",
        ),
    ],
)
def test_each_broken_rule_is_named_with_file_and_line(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    problems = check(make_tree(tmp_path, {**ALLOWED, **files}))
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems


def test_a_two_module_cycle_is_shown_as_a_path(tmp_path: Path) -> None:
    files = {
        "bot/locks.py": "from bot import state_writer\n",
        "bot/state_writer.py": "import asyncio\n\n\ndef later() -> None:\n    import bot.locks\n",
    }
    problems = check(make_tree(tmp_path, {**ALLOWED, **files}))
    assert problems == [
        "bot/locks.py:1, bot/state_writer.py:5: bot.locks → bot.state_writer → bot.locks"
        f" ({CYCLE_RULE})"
    ]


def test_a_longer_cycle_through_a_package_init_names_every_step(tmp_path: Path) -> None:
    files = {
        "storage/models/core.py": "from storage.store import helper\nCitizen = object\n",
        "storage/store.py": "from storage.models import Citizen\n\n\ndef helper() -> None: ...\n",
    }
    problems = check(make_tree(tmp_path, {**ALLOWED, **files}))
    assert problems == [
        "storage/models/__init__.py:1, storage/models/core.py:1, storage/store.py:1: "
        "storage.models → storage.models.core → storage.store → storage.models"
        f" ({CYCLE_RULE})"
    ]
