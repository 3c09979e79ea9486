"""`mitreden announce`: send an announcement now or later, follow it, or stop it."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

from bot.config import Settings

USAGE = (
    'mitreden announce "TEXT" [--text-en TEXT] --audience all|topic:SLUG|consultation:ID'
    " [--at ISO-8601]  |  mitreden announce status ID  |  mitreden announce cancel ID"
)
# how long `cancel` waits for messages that were already on their way
CANCEL_PATIENCE = 30.0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    announce = commands.add_parser(
        "announce",
        help="send an announcement to citizens, now or later; status ID; cancel ID",
        usage=USAGE,
    )
    announce.add_argument("words", nargs="+", metavar="TEXT | status ID | cancel ID")
    announce.add_argument("--text-en", help="the English text (without: the German one)")
    announce.add_argument("--audience", help="all, topic:SLUG or consultation:ID")
    announce.add_argument(
        "--at", help="when to send, e.g. 2026-12-24T09:00+01:00 (without a zone: this machine's)"
    )
    announce.add_argument("--staff", default="staff", help="who sends it (for the record)")
    announce.set_defaults(func=_announce)


def _fail(message: str) -> int:
    print(f"mitreden announce: {message}", file=sys.stderr)
    return 1


def _announce(args: argparse.Namespace) -> int:
    words: list[str] = args.words
    if len(words) == 2 and words[0] in ("status", "cancel"):
        if not words[1].isdigit():
            return _fail(f"{words[1]!r} is not an announcement number")
        action = _status if words[0] == "status" else _cancel
        return asyncio.run(action(args.settings, int(words[1])))
    if len(words) != 1:
        return _fail('put the text in quotes: mitreden announce "TEXT" --audience all')
    if args.audience is None:
        return _fail("say who gets it: --audience all, topic:SLUG or consultation:ID")
    try:
        send_at = _parse_time(args.at) if args.at else None
    except ValueError as error:
        return _fail(str(error))
    return asyncio.run(
        _create(args.settings, words[0], args.text_en, args.audience, send_at, args.staff)
    )


def _parse_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a time; write e.g. 2026-12-24T09:00+01:00") from None
    return moment.astimezone() if moment.tzinfo is None else moment


async def _create(
    settings: Settings,
    text_de: str,
    text_en: str | None,
    audience: str,
    send_at: datetime | None,
    staff: str,
) -> int:
    from bot.app import prepare_database
    from bot.civic.announcements import announcement_progress, create_announcement

    engine, sessions = await prepare_database(settings)
    now = datetime.now(UTC)
    try:
        async with sessions() as session, session.begin():
            try:
                announcement = await create_announcement(
                    session,
                    text_de=text_de,
                    text_en=text_en,
                    audience=audience,
                    send_at=send_at,
                    created_by=staff,
                    now=now,
                )
            except ValueError as error:
                return _fail(str(error))
            progress = await announcement_progress(session, announcement, now)
    finally:
        await engine.dispose()
    if progress.state == "scheduled":
        print(
            f"Announcement {announcement} to {progress.audience} is scheduled for "
            f"{progress.send_at.astimezone().isoformat(timespec='minutes')}."
        )
    else:
        print(
            f"Announcement {announcement} to {progress.audience} is on its way to "
            f"{progress.total} chat(s). Follow it: mitreden announce status {announcement}"
        )
    return 0


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


async def _status(settings: Settings, announcement: int) -> int:
    from bot.app import prepare_database
    from bot.civic.announcements import announcement_progress

    engine, sessions = await prepare_database(settings)
    try:
        async with sessions() as session:
            try:
                progress = await announcement_progress(session, announcement, datetime.now(UTC))
            except LookupError as error:
                return _fail(str(error))
    finally:
        await engine.dispose()
    print(f"Announcement {progress.id} to {progress.audience}: {progress.state}")
    if progress.state == "scheduled":
        print(f"  goes out at {progress.send_at.astimezone().isoformat(timespec='minutes')}")
        return 0
    print(
        f"  sent {progress.sent} of {progress.total}, failed {progress.failed}, "
        f"waiting {progress.remaining}, cancelled {progress.cancelled}"
    )
    if progress.rate_per_second:
        left = (
            f", about {_duration(progress.seconds_left)} left"
            if progress.seconds_left and progress.remaining
            else ""
        )
        print(f"  {progress.rate_per_second:.1f} messages per second{left}")
    return 0


async def _cancel(settings: Settings, announcement: int) -> int:
    from bot.app import prepare_database
    from bot.civic.announcements import announcement_progress, cancel_announcement, in_flight

    engine, sessions = await prepare_database(settings)
    try:
        async with sessions() as session, session.begin():
            if not await cancel_announcement(session, announcement, datetime.now(UTC)):
                try:
                    progress = await announcement_progress(session, announcement, datetime.now(UTC))
                except LookupError as error:
                    return _fail(str(error))
                return _fail(f"announcement {announcement} is {progress.state}; nothing to cancel")
        # messages already handed to a platform finish; nothing else goes out after this
        waited = 0.0
        while waited < CANCEL_PATIENCE:
            async with sessions() as session:
                if not await in_flight(session, announcement):
                    break
            await asyncio.sleep(0.1)
            waited += 0.1
        async with sessions() as session:
            progress = await announcement_progress(session, announcement, datetime.now(UTC))
    finally:
        await engine.dispose()
    print(
        f"Announcement {announcement} is cancelled: {progress.sent} chat(s) had it already, "
        f"{progress.cancelled} will not get it."
    )
    return 0
