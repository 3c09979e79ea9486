"""`mitreden` commands for staff and operators: the database, content, answers and exports."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings

T = TypeVar("T")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="create or update the tables").set_defaults(func=_db_upgrade)

    consultations = commands.add_parser("consultations", help="consultations").add_subparsers(
        dest="consultations_command", required=True
    )
    importer = consultations.add_parser(
        "import", help="create or update consultations from a YAML file"
    )
    importer.add_argument("file", type=Path)
    importer.set_defaults(func=_consultations_import)

    export = commands.add_parser("export", help="anonymised open data")
    export.add_argument("kind", choices=["ideas", "questions", "consultations", "reports"])
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--output", type=Path, help="write to this file instead of the screen")
    export.set_defaults(func=_export)

    questions = commands.add_parser("questions", help="citizens' questions").add_subparsers(
        dest="questions_command", required=True
    )
    answer = questions.add_parser(
        "answer", help="answer a question; the citizen gets it in their chat"
    )
    answer.add_argument("ref", help="the question's reference, e.g. Q-17")
    answer.add_argument("text", help="the answer")
    answer.add_argument(
        "--public", action="store_true", help="the bot may offer this answer to others"
    )
    answer.add_argument("--staff", default="staff", help="who answers (for the record)")
    answer.set_defaults(func=_questions_answer)

    ideas = commands.add_parser("ideas", help="citizens' ideas").add_subparsers(
        dest="ideas_command", required=True
    )
    ideas.add_parser("pending", help="ideas waiting to be published or rejected").set_defaults(
        func=_ideas_pending
    )
    publish = ideas.add_parser(
        "publish", help="make an idea visible to everyone; the author is told"
    )
    publish.add_argument("ref", help="the idea's reference, e.g. I-17")
    publish.add_argument("--staff", default="staff")
    publish.set_defaults(func=_ideas_moderate, decision="publish", reason="")
    reject = ideas.add_parser("reject", help="do not publish an idea; the author gets the reason")
    reject.add_argument("ref")
    reject.add_argument("--reason", required=True, help="why, in words the author understands")
    reject.add_argument("--staff", default="staff")
    reject.set_defaults(func=_ideas_moderate, decision="reject")


def with_store(
    settings: Settings, work: Callable[[AsyncSession], Awaitable[T]], write: bool = True
) -> T:
    """Run `work` in one transaction on the migrated database."""

    from bot.app import prepare_database

    async def go() -> T:
        engine, sessions = await prepare_database(settings)
        try:
            async with sessions() as session:
                if not write:
                    return await work(session)
                async with session.begin():
                    return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _fail(error: Exception) -> int:
    print(f"mitreden: {error}", file=sys.stderr)
    return 1


def _db_upgrade(args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    upgrade(args.settings.database_url)
    print("The database is up to date.")
    return 0


def _consultations_import(args: argparse.Namespace) -> int:
    from storage.consultations.file_import import ConsultationFileError, import_consultations

    refused = _beyond_limits(args.file)
    if refused is not None:
        print(f"mitreden: {refused}", file=sys.stderr)
        return 1
    try:
        slugs = with_store(args.settings, lambda session: import_consultations(session, args.file))
    except (ConsultationFileError, OSError) as error:
        return _fail(error)
    print(f"Imported {len(slugs)} consultation(s): {', '.join(slugs)}")
    return 0


def _beyond_limits(path: Path) -> str | None:
    """Where a consultation file passes the limits on YAML from administrators (aliases
    unfolding without end, deep nesting, control characters), checked before the import
    reads it. Whatever else is wrong with the file, the import reports."""
    import yaml

    from nlu.yaml_limits import (
        LIMIT_MESSAGES,
        LimitedLoader,
        YamlLimitError,
        error_line,
        refused_character,
    )

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        yaml.compose(text, Loader=LimitedLoader)
    except YamlLimitError as error:
        return f"{path}:{error_line(error, text)}: {error.problem}"
    except yaml.reader.ReaderError as error:
        key, values = refused_character(error)
        return f"{path}:{error_line(error, text)}: {LIMIT_MESSAGES[key].format(**values)}"
    except yaml.YAMLError:
        return None
    return None


def _export(args: argparse.Namespace) -> int:
    from storage.export import export

    text = with_store(
        args.settings,
        lambda session: export(session, args.kind, args.format, args.settings.public_url),
        write=False,
    )
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _questions_answer(args: argparse.Namespace) -> int:
    from bot.civic.questions.answers import answer_question

    now = datetime.now(UTC)
    try:
        queued = with_store(
            args.settings,
            lambda session: answer_question(
                session, args.ref, args.text, args.public, args.staff, now
            ),
        )
    except (LookupError, ValueError) as error:
        return _fail(error)
    print(f"Answer saved; {queued} message(s) on their way to the citizen.")
    return 0


def _ideas_pending(args: argparse.Namespace) -> int:
    from storage.ideas import ideas_awaiting_moderation

    async def listing(session: AsyncSession) -> list[str]:
        return [
            f"{idea.ref}\t{idea.created_at:%Y-%m-%d}\t{idea.title}"
            for idea in await ideas_awaiting_moderation(session)
        ]

    lines = with_store(args.settings, listing, write=False)
    print("\n".join(lines) if lines else "No ideas are waiting.")
    return 0


def _ideas_moderate(args: argparse.Namespace) -> int:
    from bot.civic.ideas.moderation import moderate_idea

    now = datetime.now(UTC)
    try:
        queued = with_store(
            args.settings,
            lambda session: moderate_idea(
                session, args.ref, args.decision, args.reason, args.staff, now
            ),
        )
    except (LookupError, ValueError) as error:
        return _fail(error)
    done = "published" if args.decision == "publish" else "rejected"
    print(f"Idea {args.ref} {done}; {queued} message(s) on their way to the author.")
    return 0
