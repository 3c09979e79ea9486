"""`mitreden council`: read the council's OParl data now, review and publish decision drafts."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.content import with_store
from bot.config import Settings


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    council = commands.add_parser(
        "council", help="council data (OParl) and decision drafts"
    ).add_subparsers(dest="council_command", required=True)
    council.add_parser(
        "sync", help="read what changed on the council's OParl server and make drafts"
    ).set_defaults(func=_sync)
    council.add_parser(
        "status", help="when each council list was last read, and the last error"
    ).set_defaults(func=_status)
    council.add_parser("drafts", help="decision drafts waiting for review").set_defaults(
        func=_drafts
    )
    publish = council.add_parser(
        "publish", help="publish a decision draft; everyone concerned is told once"
    )
    publish.add_argument("id", type=int, help="the draft's number from `mitreden council drafts`")
    publish.add_argument("--staff", default="staff", help="who publishes (for the record)")
    publish.set_defaults(func=_publish)


def _sync(args: argparse.Namespace) -> int:
    from bot.app import prepare_database
    from bot.civic.council.sync import sync_council

    settings: Settings = args.settings

    async def go() -> bool:
        engine, sessions = await prepare_database(settings)
        try:
            report = await sync_council(sessions, settings, datetime.now(UTC))
        finally:
            await engine.dispose()
        for line in report.lines():
            print(line)
        return report.configured and report.ok

    return 0 if asyncio.run(go()) else 1


def _status(args: argparse.Namespace) -> int:
    from storage.council import all_sync_marks
    from storage.decisions import correction_drafts

    async def listing(session: AsyncSession) -> list[str]:
        lines = []
        for mark in await all_sync_marks(session):
            done = f"{mark.last_success_at:%Y-%m-%d %H:%M} UTC" if mark.last_success_at else "never"
            line = f"{mark.list_url}\tlast read completely: {done}"
            if mark.last_error:
                line += f"\tlast error: {mark.last_error}"
            if mark.last_warning:
                line += f"\tlast warning: {mark.last_warning}"
            lines.append(line)
        corrections = await correction_drafts(session)
        if corrections:
            numbers = ", ".join(str(draft.id) for draft in corrections)
            lines.append(
                f"A published result changed: correction drafts {numbers} wait for review "
                "(mitreden council drafts, then mitreden council publish)."
            )
        return lines

    lines = with_store(args.settings, listing, write=False)
    print("\n".join(lines) if lines else "The council data has not been read yet.")
    return 0


def _drafts(args: argparse.Namespace) -> int:
    from storage.decisions import DRAFT, list_decisions
    from storage.topics import topics_by_id

    async def listing(session: AsyncSession) -> list[str]:
        drafts = await list_decisions(session, DRAFT, limit=500)
        topics = await topics_by_id(session, [d.topic_id for d in drafts])
        lines = []
        for draft in reversed(drafts):
            topic = topics[draft.topic_id].slug if draft.topic_id in topics else "no topic"
            paper = f"paper {draft.paper_reference}" if draft.paper_reference else "no paper"
            source = draft.source
            if draft.corrects_id is not None:
                source = f"CORRECTION of {draft.corrects_id}"
            lines.append(
                f"{draft.id}\t{draft.created_at:%Y-%m-%d}\t{source}\t{topic}\t{paper}"
                f"\t{draft.title}"
            )
        return lines

    lines = with_store(args.settings, listing, write=False)
    print("\n".join(lines) if lines else "No decision drafts are waiting.")
    return 0


def _publish(args: argparse.Namespace) -> int:
    from bot.civic.decisions import publish_decision

    now = datetime.now(UTC)
    try:
        queued = with_store(
            args.settings,
            lambda session: publish_decision(session, args.id, by=args.staff, now=now),
        )
    except LookupError:
        print(f"mitreden: there is no decision {args.id}", file=sys.stderr)
        return 1
    except ValueError as error:  # withdrawn: the council no longer shows it publicly
        print(f"mitreden: {error}", file=sys.stderr)
        return 1
    print(f"Decision {args.id} published; {queued} message(s) on their way.")
    return 0
