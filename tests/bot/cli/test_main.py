"""The `mitreden` command as operators and scripts use it: piped input, output, exit codes.

The command runs in this process (see support.py); `test_the_installed_command_works` starts
the installed `mitreden` once as a real process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.cli.support import Mitreden

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def mitreden(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    nlu_cache: Path,
) -> Mitreden:
    """The command in a fresh working folder with its own SQLite database."""
    return Mitreden(
        monkeypatch,
        capsys,
        tmp_path,
        MITREDEN_DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'mitreden.db'}",
        MITREDEN_NLU_CACHE_DIR=str(nlu_cache),
    )


def test_the_installed_command_works(tmp_path: Path) -> None:
    """The one real process: the `mitreden` script this environment installed."""
    database = tmp_path / "mitreden.db"
    env = {name: value for name, value in os.environ.items() if not name.startswith("MITREDEN_")}
    env.update(
        MITREDEN_DATABASE_URL=f"sqlite:///{database}",
        MITREDEN_CONFIG=str(tmp_path / "mitreden.toml"),
    )
    result = subprocess.run(
        [str(Path(sys.executable).with_name("mitreden")), "db", "upgrade"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert (result.returncode, result.stdout) == (0, "The database is up to date.\n"), result.stderr
    assert database.stat().st_size > 0


def json_turns(output: str) -> list[list[dict[str, object]]]:
    """Bot messages grouped by the input line they answer."""
    turns: list[list[dict[str, object]]] = [[]]
    for line in output.splitlines():
        message = json.loads(line)
        if message == {"turn_end": True}:
            turns.append([])
        else:
            turns[-1].append(message)
    assert turns[-1] == [], "the last answer must end with a turn_end line"
    return turns[:-1]


def test_a_script_can_hold_a_conversation_in_json_lines(mitreden: Mitreden) -> None:
    result = mitreden("chat", "--json", "--user", "anna", stdin="Hallo\n2\nabbrechen\n")
    assert result.returncode == 0, result.stderr
    turns = json_turns(result.stdout)
    assert len(turns) == 3
    assert "Musterstadt" in str(turns[0][0]["text"])
    assert turns[0][-1]["options"], "the welcome offers options"
    assert any("Spielplatz" in str(message["text"]) for message in turns[1])


def test_piped_plain_text_numbers_the_options(mitreden: Mitreden) -> None:
    result = mitreden("chat", stdin="hi there\n")
    assert result.returncode == 0, result.stderr
    assert "Welcome" in result.stdout or "Hello" in result.stdout
    assert "  1) " in result.stdout


def test_a_staff_answer_reaches_the_citizen_in_the_next_chat(mitreden: Mitreden) -> None:
    asked = mitreden(
        "chat",
        "--json",
        "--user",
        "anna",
        stdin="Wann wird die Baustelle in der Goethestraße fertig?\n"
        "Ja, so abschicken\nJa, einverstanden\n",
    )
    assert asked.returncode == 0, asked.stderr
    found = re.search(r"Q-\d+", asked.stdout)
    assert found, asked.stdout
    reference = found.group(0)
    answered = mitreden("questions", "answer", reference, "Ende März ist sie fertig.", "--public")
    assert answered.returncode == 0, answered.stderr

    later = mitreden("chat", "--json", "--user", "anna", stdin="danke\n")
    assert "Ende März ist sie fertig." in later.stdout

    unknown = mitreden("questions", "answer", "Q-99999", "Antwort")
    assert unknown.returncode == 1
    assert "Q-99999" in unknown.stderr


def test_export_shows_published_ideas_as_open_data(mitreden: Mitreden) -> None:
    mitreden("chat", stdin="hallo\n")
    result = mitreden("export", "ideas", "--format", "json")
    assert result.returncode == 0, result.stderr
    ideas = json.loads(result.stdout)
    assert ideas and {"id", "title", "status"} <= set(ideas[0])
    assert "citizen" not in result.stdout

    csv = mitreden("export", "consultations", "--format", "csv")
    assert csv.returncode == 0, csv.stderr
    assert csv.stdout.count("\n") > 1


def test_a_broken_flow_file_is_named_with_its_line(mitreden: Mitreden, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("id: broken\nsteps:\n  - id: start\n    type: say\n    text: [unclosed\n")
    result = mitreden("flows", "validate", str(broken))
    assert result.returncode == 1
    assert "broken.yml:" in result.stdout

    shipped = mitreden("flows", "validate")
    assert shipped.returncode == 0, shipped.stdout


def test_importing_a_consultation_file(mitreden: Mitreden, tmp_path: Path) -> None:
    result = mitreden(
        "consultations", "import", str(REPO / "docs" / "examples" / "consultation.yml")
    )
    assert result.returncode == 0, result.stderr
    assert "marktplatz-sitzbank" in result.stdout

    broken = tmp_path / "bad.yml"
    broken.write_text("slug: x\ntitle: {de: Titel}\nquestions: nope\n")
    failed = mitreden("consultations", "import", str(broken))
    assert failed.returncode == 1
    assert "bad.yml" in failed.stderr


def test_a_consultation_file_beyond_the_yaml_limits_is_refused_at_its_line(
    mitreden: Mitreden, tmp_path: Path
) -> None:
    laughs = tmp_path / "laughs.yml"
    laughs.write_text(
        "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 6))
    )
    deep = tmp_path / "deep.yml"
    deep.write_text("slug: x\nquestions: " + "[" * 500 + "]" * 500 + "\n")
    for path, line, words in ((laughs, 5, "unfold into too many values"), (deep, 2, "nested")):
        failed = mitreden("consultations", "import", str(path))
        assert failed.returncode == 1
        assert f"{path}:{line}: the " in failed.stderr and words in failed.stderr


def test_config_is_printed_without_secrets(mitreden: Mitreden, tmp_path: Path) -> None:
    (tmp_path / "mitreden.toml").write_text('town = "Kleinhausen"\ntelegram_token = "123:SECRET"\n')
    result = mitreden("config")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["town"] == "Kleinhausen"
    assert "SECRET" not in result.stdout


def test_an_unreachable_database_gets_one_clear_line(mitreden: Mitreden, tmp_path: Path) -> None:
    result = mitreden(
        "export", "ideas", MITREDEN_DATABASE_URL="postgresql://bot:geheim@127.0.0.1:9/mitreden"
    )
    assert result.returncode == 1
    assert "cannot use the database at postgresql://bot:***@127.0.0.1:9/mitreden" in result.stderr
    assert "geheim" not in result.stderr and "Traceback" not in result.stderr
