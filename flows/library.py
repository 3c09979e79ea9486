"""All flows the bot knows, every stored version of each; conversations pin a version."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flows.definition import FlowDefinition
from flows.problems import FlowError, Problem
from flows.validation import check_together, parse_flow
from flows.yaml_source import YamlSyntaxError, load

DEFINITIONS = Path(__file__).parent / "definitions"


@dataclass(frozen=True)
class FlowSource:
    """One version of one flow's YAML, as stored."""

    flow_id: str
    version: int
    source: str
    filename: str


class FlowLibrary:
    """Parsed flows by id and version."""

    def __init__(self, flows: Iterable[FlowDefinition]) -> None:
        self._versions: dict[str, dict[int, FlowDefinition]] = {}
        for flow in flows:
            self._versions.setdefault(flow.flow_id, {})[flow.version] = flow

    @classmethod
    def from_sources(cls, sources: Iterable[FlowSource]) -> FlowLibrary:
        """Parses every source; raises FlowError listing all problems if any is broken."""
        flows: list[FlowDefinition] = []
        problems: list[Problem] = []
        for item in sources:
            try:
                flow = parse_flow(item.source, item.filename, item.version)
            except FlowError as error:
                problems.extend(error.problems)
                continue
            if flow.flow_id != item.flow_id:
                values = {"found": flow.flow_id, "stored": item.flow_id}
                problems.append(Problem(item.filename, 1, "id_mismatch", values))
            flows.append(flow)
        library = cls(flows)
        problems.extend(check_together([library._latest(f) for f in library.flow_ids()]))
        if problems:
            raise FlowError(problems)
        return library

    def _latest(self, flow_id: str) -> FlowDefinition:
        versions = self._versions[flow_id]
        return versions[max(versions)]

    def current(self, flow_id: str) -> FlowDefinition | None:
        """The highest version of a flow."""
        return self._latest(flow_id) if flow_id in self._versions else None

    def get(self, flow_id: str, version: int) -> FlowDefinition | None:
        return self._versions.get(flow_id, {}).get(version)

    def flow_ids(self) -> list[str]:
        return sorted(self._versions)

    def current_flows(self) -> list[FlowDefinition]:
        return [self._latest(flow_id) for flow_id in self.flow_ids()]


def load_definitions(directory: Path | None = None) -> list[tuple[str, str, str]]:
    """(flow_id, filename, source) of every *.yml in a directory (default: the shipped flows)."""
    found = []
    for path in sorted((directory or DEFINITIONS).glob("*.yml")):
        source = path.read_text(encoding="utf-8")
        found.append((_flow_id(source, path), path.name, source))
    return found


def _flow_id(source: str, path: Path) -> str:
    try:
        data = load(source).data
    except YamlSyntaxError:
        return path.stem
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return str(data["id"])
    return path.stem
