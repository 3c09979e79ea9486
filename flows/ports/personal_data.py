"""The personal data port: what a citizen contributed, everything stored about them, erasure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flows.ports.consultations import ParticipationStatusView
from flows.ports.ideas import IdeaSummaryView
from flows.ports.questions import QuestionStatusView
from flows.ports.reports import ReportView


@dataclass(frozen=True)
class ContributionsView:
    ideas: tuple[IdeaSummaryView, ...]
    questions: tuple[QuestionStatusView, ...]
    participations: tuple[ParticipationStatusView, ...]
    reports: tuple[ReportView, ...] = ()  # the citizen's own, newest first
    followed_reports: tuple[ReportView, ...] = ()  # someone else's, news of which they get


class PersonalDataPort(Protocol):
    async def contributions(self, citizen_id: int, language: str) -> ContributionsView: ...
    async def export(self, citizen_id: int) -> str:
        """Everything stored about the citizen as a JSON document."""
        ...

    async def erase(self, citizen_id: int) -> None:
        """Deletes identity, subscriptions, sessions, pending deliveries; anonymises the rest."""
        ...
