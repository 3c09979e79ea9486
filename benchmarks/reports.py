"""Problem reports in a town's worth: the same-spot lookup the chat makes before saving a
report, and the staff list with its map, on SQLite and PostgreSQL.

Run: .venv/bin/python benchmarks/reports.py [--reports 10000] [--lookups 300] [--repeat 100]
     [--backend sqlite|postgresql|both] [--postgres postgresql://postgres@127.0.0.1:5432/test]

The reports lie spread over 10 × 8 km (a town of about 50 000 people); nine in ten have a
position, all have a typed place. The lookup is timed two ways on the same data: as the
chat makes it now (storage/reports/nearby.py: the radius's box read through the index on
category and position, typed places by their text alone) and as it was made before (the
newest 500 open reports of the category loaded whole and compared one by one); the count
of lookups whose answers differ shows what the old one missed. The staff pages are fetched
over real HTTP on 127.0.0.1 from a logged-in session, so the figures include the server's
HTTP handling but no real network. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build_app
from bot.config import Settings
from bot.staff.accounts import create_account
from bot.web.server import WebServer, create_web_app
from storage import reports
from storage.models.reports import Report
from storage.reports import OPEN_STATUSES
from storage.reports.nearby import distance_m, possible_duplicates, similar_place

PASSWORD = "a long and secret password"
CENTRE = (50.0, 8.0)
# half the town's extent in degrees: 5 km north-south, 4 km east-west at 50° N
HALF_LAT, HALF_LON = 5_000 / 111_195, 4_000 / 71_470
RADIUS_M = 50.0
STREETS = [
    "Lindenstraße",
    "Bahnhofstraße",
    "Marktplatz",
    "Schulweg",
    "Am Stadtpark",
    "Gartenstraße",
    "Hauptstraße",
    "Kirchgasse",
    "Mühlenweg",
    "Rosenstraße",
]
# a town's mix over a year: most reports are closed, a third still open
STATUS_WEIGHTS = {
    "received": 30,
    "in_progress": 15,
    "done": 45,
    "not_responsible": 5,
    "duplicate": 5,
}


def spot(rng: random.Random) -> tuple[float, float]:
    return (
        CENTRE[0] + rng.uniform(-HALF_LAT, HALF_LAT),
        CENTRE[1] + rng.uniform(-HALF_LON, HALF_LON),
    )


def typed_place(rng: random.Random) -> str:
    return f"{rng.choice(STREETS)} {rng.randrange(1, 120)}"


async def seed(
    app: App, count: int, rng: random.Random
) -> tuple[list[str], list[tuple[str, float, float]]]:
    """`count` reports over the last year and the staff account; the category codes and
    the reports' categories and positions."""
    now = datetime.now(UTC)
    async with app.sessions() as session, session.begin():
        await create_account(session, "anna", PASSWORD, "admin", now)
        codes = [category.code for category in await reports.categories(session)]
        rows: list[dict[str, object]] = []
        for _ in range(count):
            latitude, longitude = spot(rng) if rng.random() < 0.9 else (None, None)
            created = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
            status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
            rows.append(
                {
                    "category_code": rng.choice(codes),
                    "description": "Die Laterne ist seit Tagen dunkel. " * 3,
                    "place": typed_place(rng),
                    "latitude": latitude,
                    "longitude": longitude,
                    "photos": [],
                    "language": "de",
                    "status": status,
                    "published": False,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        await session.execute(insert(Report), rows)
        await session.execute(text("UPDATE reports SET ref = 'M-' || id"))
    positions = [
        (str(row["category_code"]), float(row["latitude"]), float(row["longitude"]))  # type: ignore[arg-type]
        for row in rows
        if row["latitude"] is not None
    ]
    return codes, positions


async def lookup_before(
    session: AsyncSession,
    category_code: str,
    *,
    latitude: float | None,
    longitude: float | None,
    place: str | None,
    radius_m: float,
    limit: int = 3,
) -> list[Report]:
    """The lookup as it was: the newest 500 open reports of the category, compared here."""
    query = (
        select(Report)
        .where(Report.category_code == category_code, Report.status.in_(OPEN_STATUSES))
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(500)
    )
    found: list[tuple[float, int, Report]] = []
    for order, report in enumerate((await session.scalars(query)).all()):
        if latitude is not None and longitude is not None and report.latitude is not None:
            assert report.longitude is not None
            away = distance_m(latitude, longitude, report.latitude, report.longitude)
            if away <= radius_m:
                found.append((away, order, report))
            continue
        if place and report.place and similar_place(place, report.place):
            found.append((radius_m + 1, order, report))
    found.sort(key=lambda item: (item[0], item[1]))
    return [report for _, _, report in found[:limit]]


Lookup = Callable[..., Awaitable[list[Report]]]


def percentiles(durations: list[float]) -> str:
    ordered = sorted(durations)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000

    return f"p50 {at(0.5):7.2f} ms  p99 {at(0.99):7.2f} ms"


async def time_lookups(
    app: App, lookup: Lookup, questions: list[dict[str, object]]
) -> tuple[list[float], list[list[int]]]:
    durations: list[float] = []
    answers: list[list[int]] = []
    for question in questions:
        async with app.sessions() as session:
            started = time.perf_counter()
            found = await lookup(session, radius_m=RADIUS_M, **question)
            durations.append(time.perf_counter() - started)
        answers.append([report.id for report in found])
    return durations, answers


def lookup_questions(
    codes: list[str], positions: list[tuple[str, float, float]], count: int, rng: random.Random
) -> dict[str, list[dict[str, object]]]:
    """What the chat asks: a shared location (its place reads "Position …"), half of them
    20 m from a report of the same category already made (open or closed), or a typed
    place."""
    shared: list[dict[str, object]] = []
    typed: list[dict[str, object]] = []
    for number in range(count):
        category, (latitude, longitude) = rng.choice(codes), spot(rng)
        if number % 2:
            category, latitude, longitude = rng.choice(positions)
            latitude += 20 / 111_195
        shared.append(
            {
                "category_code": category,
                "latitude": latitude,
                "longitude": longitude,
                "place": f"Position {latitude:.5f}, {longitude:.5f}",
            }
        )
        typed.append(
            {
                "category_code": rng.choice(codes),
                "latitude": None,
                "longitude": None,
                "place": typed_place(rng),
            }
        )
    return {"shared location": shared, "typed place": typed}


async def bench_lookups(
    app: App,
    codes: list[str],
    positions: list[tuple[str, float, float]],
    options: argparse.Namespace,
) -> None:
    rng = random.Random(11)
    for kind, questions in lookup_questions(codes, positions, options.lookups, rng).items():
        before, old_answers = await time_lookups(app, lookup_before, questions)
        after, new_answers = await time_lookups(app, possible_duplicates, questions)
        differ = sum(old != new for old, new in zip(old_answers, new_answers, strict=True))
        hits = sum(bool(answer) for answer in new_answers)
        print(f"  same-spot lookup, {kind} ({len(questions)} lookups, {hits} found some):")
        print(f"    before (newest 500 loaded whole): {percentiles(before)}")
        print(f"    now:                              {percentiles(after)}")
        print(f"    answers that differ: {differ}")


async def bench_pages(app: App, options: argparse.Namespace) -> None:
    server = WebServer(create_web_app(app), "127.0.0.1", 0)
    await server.start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        async with httpx.AsyncClient(base_url=base, headers={"accept": "text/html"}) as client:
            form = (await client.get("/login")).text
            token = form.split('name="csrf_token" value="')[1].split('"')[0]
            login = await client.post(
                "/login", data={"name": "anna", "password": PASSWORD, "csrf_token": token}
            )
            assert login.status_code == 303, login.status_code
            middle = f"/reports/M-{options.reports // 2}"
            for path in (
                "/reports",
                "/reports?status=all&page=100",
                "/reports?status=all&q=lindenstra",
                "/reports?category=street_lighting",
                middle,
            ):
                durations = []
                for _ in range(options.repeat):
                    started = time.perf_counter()
                    response = await client.get(path)
                    durations.append(time.perf_counter() - started)
                    if response.status_code != 200:
                        raise RuntimeError(f"{path} answered {response.status_code}")
                print(f"  {path:36} {percentiles(durations)}")
    finally:
        await server.stop()


async def bench(backend: str, database_url: str, options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=database_url, demo_data="false", nlu_cache_dir=Path(folder)
        )
        app = await build_app(settings, {})
        try:
            started = time.perf_counter()
            codes, positions = await seed(app, options.reports, random.Random(7))
            print(
                f"{backend}: {options.reports} reports in {len(codes)} categories "
                f"seeded in {time.perf_counter() - started:.1f} s"
            )
            await bench_lookups(app, codes, positions, options)
            print(f"  staff pages over HTTP, logged in ({options.repeat} requests each):")
            await bench_pages(app, options)
        finally:
            await app.close()


async def with_postgres_database(options: argparse.Namespace) -> None:
    name = f"mitreden_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(options.postgres)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = options.postgres.rsplit("/", 1)[0] + f"/{name}"
        await bench("PostgreSQL", url, options)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main(options: argparse.Namespace) -> None:
    if options.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            await bench("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", options)
    if options.backend in ("postgresql", "both"):
        await with_postgres_database(options)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    asyncio.run(main(parser.parse_args()))
