"""What can be wrong in the intent training data: a key per kind of problem, with its values.

The command line prints the English text below; the staff app shows the same problem in the
reader's language from its catalog (`nlucheck.<key>` in bot/web/translations/).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nlu.yaml_limits import LIMIT_MESSAGES

MESSAGES: dict[str, str] = {
    **LIMIT_MESSAGES,
    "no_files": "no training data files (*.yml) found",
    "unreadable_file": "cannot read file: {detail}",
    "broken_yaml": "not valid YAML: {detail}",
    "not_a_mapping": "expected keys like 'version:' and 'nlu:'",
    "unknown_top_key": "unknown top-level key '{name}'",
    "nlu_not_list": "'nlu:' must be a list of '- intent:' ...",
    "entry_not_mapping": "each entry needs 'intent:', 'synonym:', ...",
    "entry_kind": "entry needs exactly one of {wanted}",
    "entry_no_name": "'{kind}:' needs a name",
    "no_examples_key": "{kind} '{name}' has no 'examples:'",
    "unknown_key": "unknown key '{name}'",
    "broken_regex": "regex '{name}' is broken: {detail}",
    "examples_not_block": "'examples:' must be a block like '|' + '- ...'",
    "example_no_dash": "example must start with '- ': {text!r}",
    "empty_example": "empty example",
    "no_examples": "no examples",
    "unknown_intent": "unknown intent '{intent}' (known: {known})",
    "bad_annotation": "{detail}",
    "listed_twice": "'{text}' is listed for '{intent}' and also for '{other}' at {where}",
    "too_few_examples": "intent '{intent}' needs at least two examples",
    "too_long": "the file is too long (at most {limit} characters)",
    "nothing_to_train": "there are no changes to train; edit a file first",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the training data, located by file and line."""

    path: str
    line: int
    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The problem in English, for the command line and logs."""
        return MESSAGES[self.key].format(**self.values)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class TrainingDataError(ValueError):
    """The training data cannot be used; `problems` names every file and line at fault."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"training data has {len(self.problems)} problem(s):\n{lines}")
