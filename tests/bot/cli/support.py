"""The `mitreden` command run inside the test process, seen as an operator sees it.

Each call is `mitreden ARGS` with its own standard input, output and error, in the working
folder and environment the test set up; the settings are read from the environment as in a
real run. Only `test_the_installed_command_works` (test_main.py) starts a process.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli.main import main


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


class Mitreden:
    """Runs `mitreden` in `folder`, with only the given MITREDEN_* variables set."""

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        folder: Path,
        **variables: str,
    ) -> None:
        self._monkeypatch = monkeypatch
        self._capsys = capsys
        for name in list(os.environ):
            if name.startswith("MITREDEN_"):
                monkeypatch.delenv(name)
        monkeypatch.setenv("MITREDEN_CONFIG", str(folder / "mitreden.toml"))
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(folder)

    def __call__(self, *args: str, stdin: str = "", **variables: str) -> Result:
        """`variables` are set for this one call."""
        self._capsys.readouterr()  # whatever was printed before is not this command's
        root = logging.getLogger()
        level = root.level
        with self._monkeypatch.context() as patch:
            for name, value in variables.items():
                patch.setenv(name, value)
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            # no handlers, as in a fresh process: main's logging.basicConfig then writes the
            # command's log lines to its standard error, where the operator sees them
            patch.setattr(root, "handlers", [])
            try:
                returncode = main(list(args))
            except SystemExit as exit:  # argparse ends a wrong call as the process would
                returncode = exit.code if isinstance(exit.code, int) else 1
            finally:
                root.setLevel(level)
        captured = self._capsys.readouterr()
        return Result(returncode, captured.out, captured.err)
