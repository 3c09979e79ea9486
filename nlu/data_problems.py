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
    "not_utf8": "the file is not UTF-8: byte {byte} at offset {offset} (line {line}, column"
    " {column}); save it as UTF-8",
    "rasa_markdown": "this is Rasa's old Markdown format, which Rasa 3 no longer reads; convert"
    " it to YAML with Rasa 2: rasa data convert nlu -f yaml --data {name} --out .",
    "rasa_json": "this is Rasa's JSON format; only Rasa's YAML format is read here: convert it"
    " with rasa data convert nlu -f yaml --data {name} --out .",
    "duplicate_key": "the key '{name}' is written twice here (first on line {first}); YAML would"
    " keep only the last one",
    "version_unquoted": 'write the version in quotes: version: "{version}"',
    "version_not_a_version": "format version '{version}' is not a version like \"3.1\"",
    "version_too_new": "format version '{version}' is newer than Rasa 3 reads ({latest})",
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
    "examples_not_block": "'examples:' of a {kind} must be a block like '|' + '- ...'",
    "examples_plain_list": "Rasa does not read a list of plain sentences here; write"
    " 'examples: |' with one '- ' line per example, or a list of '- text:' entries",
    "folded_examples": "'examples: >' joins the lines into one example; write 'examples: |'",
    "text_missing": "each entry under 'examples:' needs 'text:'",
    "text_not_text": "'text:' must be one sentence",
    "example_no_dash": "example must start with '- ': {text!r}",
    "example_indented": "this line is indented further than the first example; Rasa would skip it",
    "empty_example": "empty example",
    "no_examples": "no examples",
    "unknown_intent": "unknown intent '{intent}' (known: {known})",
    "markup_not_understood": "entity mark-up not understood in {example!r}; write [text](entity)",
    "entity_name_invalid": "entity name '{entity}' is not valid in {markup}",
    "entity_json_broken": "the entity JSON in {markup} is broken: {detail}",
    "entity_json_no_entity": 'the entity JSON needs "entity" in {markup}',
    "entity_json_unknown_key": "unknown key '{name}' in the entity JSON {markup} (known: entity,"
    " value, role, group)",
    "entity_json_not_text": "'{name}' must be text in quotes in {markup}",
    "listed_twice": "'{text}' is listed for '{intent}' and also for '{other}' at {where}",
    "too_few_examples": "intent '{intent}' needs at least two examples",
    "too_long": "the file is too long (at most {limit} characters)",
    "nothing_to_train": "there are no changes to train; edit a file first",
    # notes: read, but not used
    "dialogue_ignored": "'{name}:' is Rasa's dialogue and is not read here; the bot's"
    " conversations are flows",
    "domain_ignored": "'{name}:' belongs to Rasa's domain and is not read here; the bot's"
    " conversations are flows",
    "metadata_ignored": "'metadata:' is read, but the embedded model does not use it",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the training data (or, as a note, read but not used), located by
    file and line."""

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
