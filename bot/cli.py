"""The `mitreden` command: chat, run, database, import, export, flows and NLU tools."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from nlu.cli import add_commands as add_nlu_commands


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
    result: int = args.func(args)
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mitreden", description="A chat bot through which a town talks with its citizens.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = commands.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--user", default="citizen", help="who you are (default: citizen)")
    chat.add_argument("--lang", choices=["de", "en"], help="your language (the bot also detects it)")
    chat.add_argument("--json", action="store_true", help="one JSON line per bot message, then {\"turn_end\": true}")
    chat.set_defaults(func=_chat)

    run = commands.add_parser("run", help="start the configured channels, deliveries and the scheduler")
    run.set_defaults(func=_run)

    config = commands.add_parser("config", help="print the effective configuration, without secrets")
    config.set_defaults(func=_config)

    db = commands.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="create or update the tables").set_defaults(func=_db_upgrade)

    consultations = commands.add_parser("consultations", help="consultations").add_subparsers(
        dest="consultations_command", required=True
    )
    importer = consultations.add_parser("import", help="create or update consultations from a YAML file")
    importer.add_argument("file", type=Path)
    importer.set_defaults(func=_consultations_import)

    export = commands.add_parser("export", help="anonymised open data")
    export.add_argument("kind", choices=["ideas", "questions", "consultations"])
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--output", type=Path, help="write to this file instead of the screen")
    export.set_defaults(func=_export)

    questions = commands.add_parser("questions", help="citizens' questions").add_subparsers(
        dest="questions_command", required=True
    )
    answer = questions.add_parser("answer", help="answer a question; the citizen gets it in their chat")
    answer.add_argument("ref", help="the question's reference, e.g. Q-17")
    answer.add_argument("text", help="the answer")
    answer.add_argument("--public", action="store_true", help="the bot may offer this answer to others")
    answer.add_argument("--staff", default="staff", help="who answers (for the record)")
    answer.set_defaults(func=_questions_answer)

    flows = commands.add_parser("flows", help="conversation flows").add_subparsers(dest="flows_command", required=True)
    validate = flows.add_parser("validate", help="check flow files and name every problem by file and line")
    validate.add_argument("paths", nargs="*", type=Path)
    validate.set_defaults(func=_flows_validate)
    test = flows.add_parser("test", help="replay conversation tests through the real bot")
    test.add_argument("paths", nargs="*", type=Path)
    test.set_defaults(func=_flows_test)

    add_nlu_commands(commands)
    return parser


def _chat(args: argparse.Namespace) -> int:
    from bot.terminal_chat import chat

    return asyncio.run(chat(args.settings, args.user, args.lang, args.json))


def _run(args: argparse.Namespace) -> int:
    from bot.runner import run

    return asyncio.run(run(args.settings))


def _config(args: argparse.Namespace) -> int:
    print(json.dumps(args.settings.public_view(), indent=2, ensure_ascii=False))
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    upgrade(args.settings.database_url)
    print("The database is up to date.")
    return 0


def _consultations_import(args: argparse.Namespace) -> int:
    from bot.app import prepare_database
    from storage.consultation_import import ConsultationFileError, import_consultations

    async def go() -> list[str]:
        engine, sessions = await prepare_database(args.settings)
        try:
            async with sessions() as session, session.begin():
                return await import_consultations(session, args.file)
        finally:
            await engine.dispose()

    try:
        slugs = asyncio.run(go())
    except (ConsultationFileError, OSError) as error:
        print(f"mitreden: {error}", file=sys.stderr)
        return 1
    print(f"Imported {len(slugs)} consultation(s): {', '.join(slugs)}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from bot.app import prepare_database
    from storage.export import export

    async def go() -> str:
        engine, sessions = await prepare_database(args.settings)
        try:
            async with sessions() as session:
                return await export(session, args.kind, args.format)
        finally:
            await engine.dispose()

    text = asyncio.run(go())
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _questions_answer(args: argparse.Namespace) -> int:
    from bot.app import prepare_database
    from bot.staff_answers import answer_question

    async def go() -> int:
        engine, sessions = await prepare_database(args.settings)
        try:
            async with sessions() as session, session.begin():
                return await answer_question(session, args.ref, args.text, args.public, args.staff, datetime.now(UTC))
        finally:
            await engine.dispose()

    try:
        queued = asyncio.run(go())
    except LookupError as error:
        print(f"mitreden: {error}", file=sys.stderr)
        return 1
    print(f"Answer saved; {queued} message(s) on their way to the citizen.")
    return 0


def _flows_validate(args: argparse.Namespace) -> int:
    from flows.validation import validate_paths

    paths = args.paths or [args.settings.flows_dir or Path(__file__).parent.parent / "flows" / "definitions"]
    problems = validate_paths(paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("All flows are valid.")
    return 0


def _flows_test(args: argparse.Namespace) -> int:
    from bot.conversation_tests import run_files

    return asyncio.run(run_files(args.paths or [Path("tests/conversations")], args.settings, sys.stdout))


if __name__ == "__main__":
    raise SystemExit(main())
