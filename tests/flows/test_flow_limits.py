"""A flow an administrator writes cannot stop the bot: aliases that unfold without end, deep
nesting, control characters and steps going round in a circle are problems with a line."""

from __future__ import annotations

from pathlib import Path

from flows.validation import validate_paths, validate_source
from tests.flows.test_validation import GOOD


def laughs(levels: int) -> str:
    """ "Billion laughs": each line holds ten aliases of the line before (10**levels values)."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


def found(source: str) -> list[tuple[int | None, str]]:
    return [(problem.line, problem.key) for problem in validate_source(source, "x.yml")]


def test_aliases_that_unfold_without_end_are_refused_at_their_line(tmp_path: Path) -> None:
    # 100 000 values: over the limit, yet small enough to be read without it
    assert found(laughs(5)) == [(5, "too_large")]
    # a billion values: refused as soon as the limit is passed, long before memory runs out
    assert found(laughs(9)) == [(5, "too_large")]
    (tmp_path / "laughs.yml").write_text(laughs(9), encoding="utf-8")
    (problem,) = validate_paths([tmp_path])  # what `mitreden flows validate` prints
    assert str(problem).endswith(
        "laughs.yml:5: the aliases (*name) unfold into too many values (at most 50000)"
    )


def test_an_alias_into_its_own_anchor_is_refused() -> None:
    assert found("id: x\nsteps: &steps [a, *steps]\n") == [(2, "alias_loop")]


def test_deep_nesting_is_refused_at_its_line() -> None:
    assert found("id: x\nsteps:\n  a: " + "[" * 500 + "]" * 500 + "\n") == [(3, "too_deep")]


def test_a_nul_or_other_control_character_names_its_line() -> None:
    assert found(GOOD.replace("Probe", "Pro\x00be")) == [(2, "nul_character")]
    assert found(GOOD.replace("Hallo", "Hal\x07lo")) == [(14, "bad_character")]


LOOP = """\
id: loop
title: {de: Kreis, en: Circle}
triggers:
  commands: [/kreis]
start: hello
steps:
  hello:
    type: say
    text: {de: Hallo, en: Hello}
    next: check
  check:
    type: action
    action: list_consultations
    on: {none: hello}
    next: hello
"""


def test_steps_that_go_round_without_waiting_are_a_problem_naming_them() -> None:
    (problem,) = validate_source(LOOP, "loop.yml")
    assert (problem.line, problem.key) == (7, "loop_without_wait")
    assert str(problem) == (
        "loop.yml:7: the steps hello → check → hello go round in a circle without asking the "
        "citizen anything; let one of them wait for an answer (ask_text, ask_choice, confirm)"
    )


def test_a_step_that_jumps_to_itself_goes_round_too() -> None:
    source = GOOD.replace(
        "    options: menu\n", "    next: again\n  again:\n    type: goto\n    step: again\n"
    )
    assert found(source) == [(16, "loop_without_wait")]
    assert "the steps again → again go round" in str(validate_source(source, "x.yml")[0])


def test_a_circle_through_a_step_that_waits_is_fine() -> None:
    waiting = LOOP.replace(
        "    type: say\n    text: {de: Hallo, en: Hello}\n    next: check\n",
        "    type: ask_text\n    slot: name\n"
        "    text: {de: Name bitte, en: Name please}\n    next: check\n",
    )
    assert found(waiting) == []
    assert found(GOOD) == []
