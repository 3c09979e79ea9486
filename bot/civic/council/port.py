"""The council port over the synced council data."""

from __future__ import annotations

from bot.civic.turn_store import TurnStore
from flows.ports.council import CouncilPaperView
from storage import council


class StoreCouncil:
    def __init__(self, store: TurnStore) -> None:
        self._store = store

    async def paper(self, reference: str) -> CouncilPaperView | None:
        session = self._store.session
        paper = await council.find_paper(session, reference)
        if paper is None:
            return None
        latest = await council.latest_item_for_paper(session, paper.external_id)
        return CouncilPaperView(
            reference=paper.reference or reference,
            title=paper.name,
            paper_type=paper.paper_type,
            date=paper.paper_date,
            result=latest.result if latest is not None else None,
            meeting=latest.meeting_name if latest is not None else None,
            meeting_start=latest.meeting_start if latest is not None else None,
            link=paper.web_url,
        )
