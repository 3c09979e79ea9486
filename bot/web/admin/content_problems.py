"""Problems in flows and intent data, in the reader's language, ready for the editor pages."""

from __future__ import annotations

from dataclasses import dataclass

from bot.web.i18n import translate
from flows.problems import Problem as FlowProblem
from nlu.data_problems import Problem as DataProblem
from nlu.yaml_limits import LIMIT_MESSAGES


@dataclass(frozen=True)
class ShownProblem:
    """One problem as a page lists it: where (file for intent data, line) and what."""

    path: str
    line: int | None
    message: str


def explain(problem: FlowProblem | DataProblem, language: str) -> str:
    """The problem's text in `language`, from the catalogs' yamlcheck, flowcheck or nlucheck."""
    if problem.key in LIMIT_MESSAGES:
        area = "yamlcheck"
    else:
        area = "flowcheck" if isinstance(problem, FlowProblem) else "nlucheck"
    return translate(language, f"{area}.{problem.key}", **problem.values)


def shown(problems: list[FlowProblem] | list[DataProblem], language: str) -> list[ShownProblem]:
    """The problems as the editor lists them; a line of 0 (the whole file) shows no line."""
    return [
        ShownProblem(
            problem.path if isinstance(problem, DataProblem) else problem.filename,
            problem.line or None,
            explain(problem, language),
        )
        for problem in problems
    ]
