"""How fast the staff app's busiest pages answer with a town's worth of data: the overview,
the questions inbox (with a text filter), the ideas list, an open-data download, and a
login (argon2 is slow on purpose).

Run: .venv/bin/python benchmarks/staff_pages.py [--questions 20000] [--ideas 5000]
     [--participations 50000] [--database-url postgresql://postgres@127.0.0.1/bench]

Pages are fetched in-process (httpx over ASGI), so the figures are the server's own time
without the network. Each page is fetched `--repeat` times; median and slowest are shown.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from bot.app import build_app
from bot.config import Settings
from bot.staff.accounts import create_account
from bot.web.server import create_web_app
from storage.models.civic import Consultation, Idea, Participation, Question
from storage.models.core import Citizen

PASSWORD = "a long and secret password"
WORDS = [
    "Freibad",
    "Bus",
    "Radweg",
    "Spielplatz",
    "Bürgerbüro",
    "Müll",
    "Parkplatz",
    "Bank",
    "Baum",
    "Schule",
]


async def seed(app: object, args: argparse.Namespace) -> None:
    sessions = app.sessions  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    rng = random.Random(7)

    def ago() -> datetime:
        return now - timedelta(minutes=rng.randrange(60 * 24 * 60))

    async with sessions() as session, session.begin():
        await create_account(session, "anna", PASSWORD, "admin", now)
        citizens = max(args.participations, 1000)
        await session.execute(
            insert(Citizen), [{"language": "de", "created_at": now, "last_seen_at": now}] * citizens
        )
        await session.execute(
            insert(Question),
            [
                {
                    "ref": f"Q-{i + 1}",
                    "citizen_id": rng.randrange(1, citizens),
                    "text": f"Frage {i} zu {rng.choice(WORDS)}: wann und wo?",
                    "language": "de",
                    "status": "open" if i % 3 else "answered",
                    "public": False,
                    "created_at": ago(),
                }
                for i in range(args.questions)
            ],
        )
        await session.execute(
            insert(Idea),
            [
                {
                    "ref": f"I-{i + 1}",
                    "citizen_id": rng.randrange(1, citizens),
                    "title": f"Idee {i}: mehr {rng.choice(WORDS)}",
                    "description": "Beschreibung " * 20,
                    "language": "de",
                    "status": "submitted",
                    "moderation": "pending" if i % 4 == 0 else "published",
                    "created_at": ago(),
                    "support_count": rng.randrange(50),
                }
                for i in range(args.ideas)
            ],
        )
        consultation = Consultation(
            slug="bench",
            title_de="Umfrage",
            title_en="Consultation",
            description_de="",
            description_en="",
            opens_at=now - timedelta(days=40),
            closes_at=now + timedelta(days=10),
        )
        session.add(consultation)
        await session.flush()
        await session.execute(
            insert(Participation),
            [
                {
                    "consultation_id": consultation.id,
                    "citizen_id": i + 1,
                    "started_at": (moment := ago()),
                    "submitted_at": moment if i % 5 else None,
                }
                for i in range(args.participations)
            ],
        )


async def timed(client: httpx.AsyncClient, path: str, repeat: int) -> tuple[float, float]:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = await client.get(path)
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(durations), max(durations)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        settings = Settings(database_url=url, demo_data="false", nlu_cache_dir=Path(folder))
        app = await build_app(settings, {})
        try:
            started = time.perf_counter()
            await seed(app, args)
            print(
                f"seeded {args.questions} questions, {args.ideas} ideas, "
                f"{args.participations} participations in {time.perf_counter() - started:.1f} s"
            )
            transport = httpx.ASGITransport(app=create_web_app(app))
            async with httpx.AsyncClient(
                transport=transport, base_url="http://bench", headers={"accept": "text/html"}
            ) as client:
                form = (await client.get("/login")).text
                token = form.split('name="csrf_token" value="')[1].split('"')[0]
                started = time.perf_counter()
                login = await client.post(
                    "/login", data={"name": "anna", "password": PASSWORD, "csrf_token": token}
                )
                assert login.status_code == 303
                print(
                    f"{'login (argon2 verify + session)':42} {time.perf_counter() - started:8.3f} s"
                )
                for path in (
                    "/",
                    "/questions",
                    "/questions?q=freibad&view=all",
                    "/questions?view=answered&page=3",
                    "/ideas",
                    "/ideas?view=published",
                    "/exports/ideas.csv",
                    "/admin/audit",
                ):
                    median, slowest = await timed(client, path, args.repeat)
                    print(f"{path:42} {median:8.3f} s median {slowest:8.3f} s slowest")
        finally:
            await app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--ideas", type=int, default=5_000)
    parser.add_argument("--participations", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="an empty database; default: a temporary SQLite")
    asyncio.run(main(parser.parse_args()))
