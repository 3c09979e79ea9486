"""Every problem the flow and intent data checks can find reads in both languages of the
staff app: in English as the command line prints it, in German in German."""

from __future__ import annotations

import string

import pytest

from bot.web.admin.content_problems import explain
from flows.problems import MESSAGES as FLOW_MESSAGES
from flows.problems import Problem as FlowProblem
from nlu.data_problems import MESSAGES as DATA_MESSAGES
from nlu.data_problems import Problem as DataProblem


def sample_values(template: str) -> dict[str, str]:
    names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    return {name: f"<{name}>" for name in names}


CASES = [(FlowProblem, "thanks", key, FLOW_MESSAGES[key]) for key in sorted(FLOW_MESSAGES)] + [
    (DataProblem, "intents/greet.yml", key, DATA_MESSAGES[key]) for key in sorted(DATA_MESSAGES)
]


@pytest.mark.parametrize(("kind", "where", "key", "english"), CASES)
def test_each_problem_reads_in_german_and_english(
    kind: type[FlowProblem] | type[DataProblem], where: str, key: str, english: str
) -> None:
    problem = kind(where, 3, key, sample_values(english))
    assert explain(problem, "en") == problem.message
    german = explain(problem, "de")
    assert german != problem.message
    for value in problem.values.values():
        assert value in german, (key, german)
