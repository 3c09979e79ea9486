"""The `mitreden` command: chat, run, database, import, export, flows and NLU tools."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.cli.announce import add_commands as add_announce_commands
from bot.cli.content import add_commands as add_content_commands
from bot.cli.council import add_commands as add_council_commands
from bot.cli.staff import add_commands as add_staff_commands
from bot.config import Settings
from flows.validation import FlowError
from nlu.cli import add_commands as add_nlu_commands
from nlu.training_data import TrainingDataError


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        settings = Settings()
    except Exception as error:  # a readable line instead of a traceback for a bad setting
        print(f"mitreden: the configuration is not valid: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO)
        if args.command == "run"
        else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    args.settings = settings
    try:
        result: int = args.func(args)
    except FlowError as error:
        print("mitreden: the conversation flows have problems:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except TrainingDataError as error:
        print(f"mitreden: the intent training data has problems: {error}", file=sys.stderr)
        return 1
    except (ConnectionError, TimeoutError, socket.gaierror, SQLAlchemyError) as error:
        where = settings.public_view()["database_url"]
        print(f"mitreden: cannot use the database at {where}: {error}", file=sys.stderr)
        return 1
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mitreden", description="A chat bot through which a town talks with its citizens."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = commands.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--user", default="citizen", help="who you are (default: citizen)")
    chat.add_argument(
        "--lang", choices=["de", "en"], help="your language (the bot also detects it)"
    )
    chat.add_argument(
        "--json", action="store_true", help='one JSON line per bot message, then {"turn_end": true}'
    )
    chat.set_defaults(func=_chat)

    run = commands.add_parser(
        "run", help="start the configured channels, deliveries and the scheduler"
    )
    run.set_defaults(func=_run)

    config = commands.add_parser(
        "config", help="print the effective configuration, without secrets"
    )
    config.set_defaults(func=_config)

    add_content_commands(commands)
    add_staff_commands(commands)
    add_council_commands(commands)
    add_announce_commands(commands)

    flows = commands.add_parser("flows", help="conversation flows").add_subparsers(
        dest="flows_command", required=True
    )
    validate = flows.add_parser(
        "validate", help="check flow files and name every problem by file and line"
    )
    validate.add_argument("paths", nargs="*", type=Path)
    validate.set_defaults(func=_flows_validate)
    test = flows.add_parser("test", help="replay conversation tests through the real bot")
    test.add_argument("paths", nargs="*", type=Path)
    test.set_defaults(func=_flows_test)

    add_nlu_commands(commands)
    return parser


def _chat(args: argparse.Namespace) -> int:
    from bot.cli.chat import chat

    # the streams of this moment (a caller may have replaced them), not those of import time
    return asyncio.run(
        chat(args.settings, args.user, args.lang, args.json, stdin=sys.stdin, stdout=sys.stdout)
    )


def _run(args: argparse.Namespace) -> int:
    import uvloop

    from bot.runtime.runner import run

    return uvloop.run(run(args.settings))  # the faster event loop for a long-running server


def _config(args: argparse.Namespace) -> int:
    print(json.dumps(args.settings.public_view(), indent=2, ensure_ascii=False))
    return 0


def _flows_validate(args: argparse.Namespace) -> int:
    from flows.library import DEFINITIONS
    from flows.validation import validate_paths

    paths = args.paths or [args.settings.flows_dir or DEFINITIONS]
    problems = validate_paths(paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("All flows are valid.")
    return 0


def _flows_test(args: argparse.Namespace) -> int:
    from bot.app import build_app
    from bot.content.conversation_tests import SHIPPED_TRANSCRIPTS, run_files

    paths = args.paths or [SHIPPED_TRANSCRIPTS]
    return asyncio.run(run_files(paths, args.settings, build_app, sys.stdout))


if __name__ == "__main__":
    raise SystemExit(main())
