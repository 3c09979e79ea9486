"""What can be wrong in a flow file: a key per kind of problem, with its values.

The command line prints the English text below; the staff app shows the same problem in the
reader's language from its catalog (`flowcheck.<key>` in bot/web/translations/).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nlu.yaml_limits import LIMIT_MESSAGES

MESSAGES: dict[str, str] = {
    **LIMIT_MESSAGES,
    # reading the file
    "unreadable_file": "cannot read the file: {detail}",
    "broken_yaml": "broken YAML: {detail}",
    "empty_source": "the flow is empty or too long; please enter its YAML text",
    # the file as a whole
    "not_a_mapping": "a flow file must be a mapping with id, title, start and steps",
    "not_a_flow": "not a flow",
    "duplicate_key": "duplicate key '{name}'",
    "duplicate_step": "duplicate step id '{name}'",
    "unknown_top_key": "unknown key '{name}' (known: {known})",
    "missing_top_key": "the flow needs '{name}'",
    "bad_flow_id": "the flow id must be lower-case letters, digits and _",
    "no_steps": "the flow needs 'steps', a mapping from step id to step",
    "unknown_start": "the start step '{step}' does not exist",
    "unreachable": "step '{step}' can never be reached",
    "loop_without_wait": "the steps {steps} go round in a circle without asking the citizen "
    "anything; let one of them wait for an answer (ask_text, ask_choice, confirm)",
    "unknown_placeholder": "unknown placeholder {{{name}}}",
    "id_mismatch": "the file says id '{found}', stored as '{stored}'",
    "id_changed": "the id must stay '{flow_id}' (the text says '{found}')",
    # between flows
    "clash_flow_id": "flow id '{value}' is also used by {other}",
    "clash_command": "command {value} is also used by {other}",
    "clash_intent": "intent {value} is also used by {other}",
    "clash_deep_link": "deep link '{value}' is also used by {other}",
    # triggers
    "triggers_not_mapping": "triggers must be a mapping (intents, commands, ...)",
    "unknown_trigger": "unknown trigger '{name}'",
    "unknown_intent": "unknown intent '{intent}'",
    "bad_command": "'{command}' is not a command like /idee",
    "reserved_command": "{command} is answered by the engine itself",
    "entities_not_mapping": "entities must map an entity name to a slot",
    "deep_link_pair": "deep_link and deep_link_slot go together",
    "not_word_list": "expected a list of words",
    # texts
    "text_is_plain": "a text needs a German and an English version (keys de and en)",
    "text_not_mapping": "a text must be a mapping with the keys de and en",
    "unknown_language": "unknown language '{language}' (use de, de_du or en)",
    "text_missing_language": "the text has no {language} version",
    "broken_placeholder": "broken placeholder: {detail}",
    "needs_de_du": "the German text says 'Sie' or 'Ihr': add a de_du version for towns that "
    "say 'du'",
    # steps
    "step_not_mapping": "a step must be a mapping with a type",
    "step_no_type": "the step has no type",
    "unknown_step_type": "unknown step type '{type}' (known: {known})",
    "unknown_step_key": "a {type} step has no key '{name}'",
    "step_needs_key": "the {type} step needs '{name}'",
    "step_ref_not_id": "a step reference must be a step id",
    "unknown_step": "jumps to unknown step '{step}'",
    "bad_slot": "a slot name must be lower-case letters, digits and _",
    "not_whole_number": "{name} must be a whole number ≥ 0",
    "not_bool": "{name} must be true or false",
    "unknown_source": "unknown option source '{source}' (known: {known})",
    "unknown_opening_part": "opening_fills takes one of {known}, not '{part}'",
    "opening_needs_next": "a step with opening_fills needs next or opening_next: where the "
    "flow goes on when the first message already answered it",
    "unknown_action": "unknown action '{action}' (known: {known})",
    "on_not_mapping": "'on' must map outcomes to steps",
    "unknown_outcome": "action '{action}' has no outcome '{outcome}' (it has: {known})",
    "say_next_and_options": "a say step with next cannot offer options (the next step does)",
    "ask_choice_no_options": "an ask_choice step needs options or options_from",
    "min_above_max": "min_length is larger than max_length",
    # options
    "bad_options": "options must be 'menu' or a list of options with label and value",
    "option_not_mapping": "an option must be a mapping with label and value",
    "unknown_option_key": "unknown option key '{name}'",
    "option_no_label": "the option has no label",
    "option_bad_value": "an option's value must be a word or number",
    "say_option_not_command": "options of a say step must be commands (values starting with /)",
    "option_needs_value": "the option needs a value or a next step",
    "option_bad_synonyms": "an option's synonyms are a list of words, or one list per "
    "language (de: [...], en: [...])",
    # publishing
    "no_draft": "there is no draft",
    "no_version": "there is no version {version}",
    "draft_changed": "the draft changed while its tests ran; test and publish it again",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a flow file: where, which kind (`key`) and its `values`."""

    filename: str
    line: int | None
    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The problem in English, for the command line and logs."""
        return MESSAGES[self.key].format(**self.values)

    def __str__(self) -> str:
        where = f"{self.filename}:{self.line}" if self.line is not None else self.filename
        return f"{where}: {self.message}"


class FlowError(Exception):
    """A flow could not be loaded; `problems` says why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
