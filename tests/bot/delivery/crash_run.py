"""Killing delivery workers with SIGKILL in the middle of a broadcast, and counting.

Shared by the crash test and the crash benchmark: citizens whose chats live in the Bot API
double, an announcement to all of them, worker processes that send through the real
Telegram adapter, and a count of what every chat received.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.announcements import create_announcement
from storage import outbox
from storage.models import ChannelIdentity, Citizen, OutboxMessage
from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.channels.telegram.bot_api_updates import Citizen as TelegramCitizen

REPO = Path(__file__).resolve().parents[3]
FIRST_CHAT = 500_000
STARTUP = 60.0  # a guard against a hanging start; nothing is timed


@dataclass(frozen=True)
class Tally:
    chats: int
    received: int
    duplicates: int  # messages beyond the first per chat
    lost: int  # chats that got nothing


async def add_recipients(
    sessions: async_sessionmaker[AsyncSession], double: BotApiDouble, count: int
) -> None:
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        citizens = [
            {
                "id": n + 1,
                "language": "de",
                "consent_at": now,
                "created_at": now,
                "last_seen_at": now,
            }
            for n in range(count)
        ]
        await session.execute(insert(Citizen), citizens)
        identities = [
            {
                "citizen_id": n + 1,
                "channel": "telegram",
                "user_key": str(FIRST_CHAT + n),
                "address": str(FIRST_CHAT + n),
                "created_at": now,
            }
            for n in range(count)
        ]
        await session.execute(insert(ChannelIdentity), identities)
    for n in range(count):
        chat = TelegramCitizen(FIRST_CHAT + n, f"Bürger {n}").private_chat()
        double.state.chats[chat["id"]] = chat


async def announce(sessions: async_sessionmaker[AsyncSession], text: str) -> int:
    async with sessions() as session, session.begin():
        return await create_announcement(
            session,
            text_de=text,
            text_en=None,
            audience="all",
            send_at=None,
            created_by="test",
            now=datetime.now(UTC),
        )


async def unsettled(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count()).where(OutboxMessage.state.in_(outbox.UNSETTLED))
        )
    return int(count or 0)


def sends(double: BotApiDouble) -> int:
    return sum(1 for method, _ in double.state.calls if method == "sendmessage")


def tally(double: BotApiDouble, chats: int) -> Tally:
    per_chat = Counter(
        int(params["chat_id"]) for method, params in double.state.calls if method == "sendmessage"
    )
    received = sum(per_chat.values())
    return Tally(
        chats=chats,
        received=received,
        duplicates=sum(count - 1 for count in per_chat.values() if count > 1),
        lost=sum(1 for n in range(chats) if per_chat[FIRST_CHAT + n] == 0),
    )


async def start_worker(
    database_url: str, double: BotApiDouble, rate: float, parallel: int = 32
) -> asyncio.subprocess.Process:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("MITREDEN_")
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bot.delivery.worker_process",
        database_url,
        "--telegram",
        double.url,
        double.token,
        "--rate",
        str(rate),
        "--parallel",
        str(parallel),
        cwd=REPO,
        env={**environment, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), STARTUP)
    if line.strip() != b"ready":
        errors = await process.stderr.read() if process.stderr else b""
        raise RuntimeError(f"the worker did not start: {errors.decode()[-2000:]}")
    return process


def kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.communicate(), STARTUP)


async def until(
    condition_met: Callable[[], bool | Awaitable[bool]], patience: float, step: float = 0.02
) -> bool:
    """Check `condition_met()` (sync or async) until true; False after `patience` seconds."""
    for _ in range(int(patience / step)):
        result = condition_met()
        if not isinstance(result, bool):
            result = await result
        if result:
            return True
        await asyncio.sleep(step)
    return False
