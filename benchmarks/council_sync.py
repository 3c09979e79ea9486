"""How long reading a council's OParl data and publishing a decision take, on SQLite.

Run: PYTHONPATH=. .venv/bin/python benchmarks/council_sync.py [--papers 2000] [--meetings 400]
     [--followers 20000]

A generated council (papers at 100 a page, meetings with six agenda items each, half of
them with a result) is served by the test OParl server on 127.0.0.1. Measured: the first
full sync, an incremental sync with a few changes, and publishing one decision to the
topic's followers.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bot.app import prepare_database
from bot.civic.council.sync import sync_council
from bot.civic.decisions import publish_decision
from bot.config import Settings
from storage.models.civic import Decision, Subscription
from storage.models.core import ChannelIdentity, Citizen
from tests.bot.civic.council import oparl_server
from tests.bot.civic.council.oparl_server import OParlServer

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
TYPE = "https://schema.oparl.org/1.1/"


def council(papers: int, meetings: int) -> dict[str, Any]:
    modified = (NOW - timedelta(days=3)).isoformat()
    paper_list = []
    for number in range(papers):
        paper_list.append(
            {
                "id": f"{{base}}/paper/{number}",
                "type": TYPE + "Paper",
                "name": f"Vorlage {number}: Radweg und Parken im Quartier {number % 40}",
                "reference": f"2026/{number}",
                "paperType": "Beschlussvorlage",
                "keyword": ["Radweg"] if number % 3 == 0 else [],
                "consultation": [
                    {
                        "id": f"{{base}}/consultation/{number}",
                        "agendaItem": f"{{base}}/agendaitem/{number}",
                    }
                ],
                "modified": modified,
            }
        )
    meeting_list = []
    for number in range(meetings):
        items = [
            {
                "id": f"{{base}}/agendaitem/{number * 6 + slot}",
                "type": TYPE + "AgendaItem",
                "number": f"Ö {slot + 1}",
                "name": f"Tagesordnungspunkt {number * 6 + slot}",
                "consultation": f"{{base}}/consultation/{number * 6 + slot}",
                **(
                    {"result": "beschlossen", "resolutionText": "Der Rat beschließt."}
                    if slot % 2 == 0
                    else {}
                ),
            }
            for slot in range(6)
        ]
        meeting_list.append(
            {
                "id": f"{{base}}/meeting/{number}",
                "type": TYPE + "Meeting",
                "name": "Sitzung des Rates",
                "start": (NOW - timedelta(days=number % 60)).isoformat(),
                "agendaItem": items,
                "modified": modified,
            }
        )
    return {
        "system": {"id": "{base}/system", "type": TYPE + "System", "body": "{base}/bodies"},
        "bodies": [
            {
                "id": "{base}/body/1",
                "type": TYPE + "Body",
                "paper": "{base}/body/1/paper",
                "meeting": "{base}/body/1/meeting",
            }
        ],
        "papers": paper_list,
        "meetings": meeting_list,
    }


async def followers(settings: Settings, count: int) -> None:
    engine, sessions = await prepare_database(settings)
    async with sessions() as session, session.begin():
        first = (await session.scalar(select(Citizen.id).order_by(Citizen.id.desc()))) or 0
        await session.execute(
            insert(Citizen),
            [{"language": "de", "created_at": NOW, "last_seen_at": NOW} for _ in range(count)],
        )
        ids = range(first + 1, first + count + 1)
        await session.execute(
            insert(ChannelIdentity),
            [
                {
                    "citizen_id": i,
                    "channel": "telegram",
                    "user_key": f"u{i}",
                    "address": f"u{i}",
                    "created_at": NOW,
                }
                for i in ids
            ],
        )
        await session.execute(
            insert(Subscription),
            [
                {"citizen_id": i, "kind": "topic", "target": "verkehr", "created_at": NOW}
                for i in ids
            ],
        )
    await engine.dispose()


async def main(papers: int, meetings: int, follower_count: int) -> None:
    oparl_server.PAGE_SIZE = 100
    server = OParlServer("v11")
    await server.start()
    server.use(council(papers, meetings))
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
                demo_data="true",
                oparl_system_url=server.system_url,
                oparl_allowed_networks="127.0.0.1",  # the test server is on loopback
            )
            await followers(settings, follower_count)
            engine, sessions = await prepare_database(settings)
            started = time.perf_counter()
            report = await sync_council(sessions, settings, NOW)
            full = time.perf_counter() - started
            objects = sum(item.objects for item in report.lists)
            print(f"papers={papers} meetings={meetings} agenda items={meetings * 6}")
            print(
                f"first sync: {full:.1f} s ({objects / full:.0f} papers+meetings/s), "
                f"{len(report.drafts_created)} drafts"
            )

            for number in range(10):
                server.paper(f"/paper/{number}")["modified"] = NOW.isoformat()
            started = time.perf_counter()
            report = await sync_council(sessions, settings, NOW + timedelta(hours=1))
            print(
                f"incremental sync (10 changed papers): {time.perf_counter() - started:.2f} s, "
                f"{sum(item.objects for item in report.lists)} objects read"
            )

            async with sessions() as session, session.begin():
                decision_id = await session.scalar(
                    select(Decision.id)
                    .where(Decision.status == "draft", Decision.topic_id.is_not(None))
                    .limit(1)
                )
                assert decision_id is not None
                started = time.perf_counter()
                queued = await publish_decision(session, decision_id, by="bench", now=NOW)
            print(
                f"publish one decision: {queued} messages queued in "
                f"{time.perf_counter() - started:.2f} s"
            )
            await engine.dispose()
    finally:
        await server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--meetings", type=int, default=400)
    parser.add_argument("--followers", type=int, default=20000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.papers, arguments.meetings, arguments.followers))
