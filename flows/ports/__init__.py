"""What the flow engine may ask of the rest of mitreden: one port per concept, and `Ports`.

The engine never touches the database. It calls the ports; the bot core implements them over
the store inside the one transaction that handles the citizen's message, so a message is
either applied whole or not at all. Tests use in-memory ports. All texts in the views the
ports return are already in the language asked for.
"""

from __future__ import annotations

from typing import Protocol

from flows.ports.citizens import CitizenPort
from flows.ports.consultations import ConsultationPort
from flows.ports.council import CouncilPort
from flows.ports.ideas import IdeaPort
from flows.ports.personal_data import PersonalDataPort
from flows.ports.questions import QuestionPort
from flows.ports.reports import ReportPort
from flows.ports.subscriptions import SubscriptionPort
from flows.ports.topics import TopicPort
from flows.ports.understanding import UnderstandingPort


class Ports(Protocol):
    """Everything a flow can read or change, by concept."""

    @property
    def citizens(self) -> CitizenPort: ...
    @property
    def topics(self) -> TopicPort: ...
    @property
    def consultations(self) -> ConsultationPort: ...
    @property
    def questions(self) -> QuestionPort: ...
    @property
    def reports(self) -> ReportPort: ...
    @property
    def ideas(self) -> IdeaPort: ...
    @property
    def council(self) -> CouncilPort: ...
    @property
    def subscriptions(self) -> SubscriptionPort: ...
    @property
    def personal_data(self) -> PersonalDataPort: ...
    @property
    def understanding(self) -> UnderstandingPort: ...
