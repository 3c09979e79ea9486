"""Consultation results and announcement audiences with many participants, on SQLite and
PostgreSQL.

    .venv/bin/python -m benchmarks.consultation_results [--participants 20000] [--repeat 5]

A closed consultation with five questions (one of every kind) gets `--participants`
submitted participations. Prints the server's own time (in-process, no network) for the
staff results page, the public results page, the CSV export, the chat preview, and for
counting an announcement's audience ("all" and the consultation's participants): median
and slowest of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select

from bot.app import build_app
from bot.civic.announcements import parse_audience
from bot.config import Settings
from bot.staff.accounts import create_account
from bot.web.server import create_web_app
from nlu.factory import create_recognizer
from storage.announcements import audience_size
from storage.consultations.editing import apply_spec
from storage.consultations.spec import ConsultationSpec
from storage.models.civic import Consultation, Participation, ParticipationAnswer
from storage.models.core import Citizen
from tests.bot.delivery.databases import add_recipients, postgres_database, sqlite_database
from tests.bot.web.support import PASSWORD, csrf_of

CLOSES = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
SPEC = ConsultationSpec.model_validate(
    {
        "slug": "benchmark",
        "title": {"de": "Messung", "en": "Measurement"},
        "description": {"de": "Viele Antworten.", "en": "Many answers."},
        "opens": CLOSES - timedelta(days=30),
        "closes": CLOSES,
        "questions": [
            {
                "key": "ort",
                "kind": "single",
                "text": {"de": "Wo?", "en": "Where?"},
                "options": [{"key": k, "de": k, "en": k} for k in ("nord", "sued", "ost", "west")],
            },
            {
                "key": "was",
                "kind": "multiple",
                "text": {"de": "Was?", "en": "What?"},
                "options": [{"key": k, "de": k, "en": k} for k in ("a", "b", "c", "d", "e")],
            },
            {"key": "wichtig", "kind": "scale", "text": {"de": "Wichtig?", "en": "Important?"}},
            {"key": "ja", "kind": "yesno", "text": {"de": "Ja?", "en": "Yes?"}},
            {"key": "sonst", "kind": "text", "text": {"de": "Sonst?", "en": "Else?"}},
        ],
    }
)
BATCH = 5000


def _answers(participation_id: int, n: int) -> list[dict[str, Any]]:
    return [
        {"participation_id": participation_id, "question_key": key, "value": value}
        for key, value in (
            ("ort", ("nord", "sued", "ost", "west")[n % 4]),
            ("was", [k for i, k in enumerate("abcde") if (n >> i) & 1] or ["a"]),
            ("wichtig", n % 5 + 1),
            ("ja", n % 3 != 0),
            ("sonst", f"Antwort {n}"),
        )
    ]


async def _fill(url: str, participants: int) -> int:
    settings = Settings(database_url=url, demo_data="false")
    app = await build_app(settings, {}, create_recognizer())
    try:
        await add_recipients(app.engine, participants)
        async with app.sessions() as session, session.begin():
            row = await apply_spec(session, Consultation(), SPEC, None)
            consultation_id = row.id
            await create_account(session, "bench", PASSWORD, "staff", datetime.now(UTC))
        async with app.sessions() as session:
            citizens = list(await session.scalars(select(Citizen.id).order_by(Citizen.id)))
        submitted = CLOSES - timedelta(days=2)
        for start in range(0, len(citizens), BATCH):
            chunk = citizens[start : start + BATCH]
            async with app.sessions() as session, session.begin():
                await session.execute(
                    insert(Participation),
                    [
                        {
                            "consultation_id": consultation_id,
                            "citizen_id": citizen,
                            "started_at": submitted,
                            "submitted_at": submitted,
                        }
                        for citizen in chunk
                    ],
                )
                ids = list(
                    await session.scalars(
                        select(Participation.id)
                        .where(Participation.citizen_id.in_(chunk))
                        .order_by(Participation.id)
                    )
                )
                rows = [a for n, pid in enumerate(ids, start=start) for a in _answers(pid, n)]
                await session.execute(insert(ParticipationAnswer), rows)
    finally:
        await app.close()
    return consultation_id


async def _time(repeat: int, work: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), max(seconds)


async def measure(url: str, participants: int, repeat: int) -> list[tuple[str, float, float]]:
    consultation_id = await _fill(url, participants)
    settings = Settings(database_url=url, demo_data="false")
    app = await build_app(settings, {}, create_recognizer())
    figures = []
    try:
        transport = httpx.ASGITransport(app=create_web_app(app))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers={"accept": "text/html"}
        ) as client:
            form = await client.get("/login")
            await client.post(
                "/login",
                data={"name": "bench", "password": PASSWORD, "csrf_token": csrf_of(form.text)},
            )

            async def fetch(path: str) -> None:
                response = await client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code}")

            for label, path in (
                ("staff results page", f"/consultations/{consultation_id}"),
                ("public results page", f"/results/{consultation_id}"),
                ("results as CSV", f"/consultations/{consultation_id}/results.csv"),
                ("chat preview", f"/consultations/{consultation_id}/preview"),
            ):

                async def page(target: str = path) -> None:
                    await fetch(target)

                figures.append((label, *await _time(repeat, page)))
        for label, audience in (
            ("audience size: all", "all"),
            ("audience size: participants", f"consultation:{consultation_id}"),
        ):

            async def count(text: str = audience) -> None:
                async with app.sessions() as session:
                    await audience_size(session, parse_audience(text))

            figures.append((label, *await _time(repeat, count)))
    finally:
        await app.close()
    return figures


async def main(participants: int, repeat: int) -> None:
    print(
        f"{participants} submitted participations, 5 questions each; median / slowest of {repeat}"
    )
    with tempfile.TemporaryDirectory() as directory:
        async with sqlite_database(Path(directory)) as url:
            report("SQLite", await measure(url, participants, repeat))
    async with postgres_database() as url:
        report("PostgreSQL", await measure(url, participants, repeat))


def report(database: str, figures: list[tuple[str, float, float]]) -> None:
    print(database)
    for label, median, slowest in figures:
        print(f"  {label:30} {median * 1000:8.0f} ms / {slowest * 1000:6.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.participants, arguments.repeat))
