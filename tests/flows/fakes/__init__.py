"""In-memory ports with the semantics flows/ports/ describes, for engine tests.

`FakeServices` is the rows (`Memory`) and one fake port per concept over them, so a test
sets up and inspects the rows (`chat.services.idea_rows`) and the flows call the ports.
"""

from __future__ import annotations

from datetime import datetime

from tests.flows.fakes.citizens import FakeCitizens
from tests.flows.fakes.consultations import FakeConsultations
from tests.flows.fakes.council import FakeCouncil
from tests.flows.fakes.ideas import FakeIdeas
from tests.flows.fakes.memory import (
    NOW,
    Consultation,
    Idea,
    Memory,
    Participation,
    Question,
    playground,
)
from tests.flows.fakes.personal_data import FakePersonalData
from tests.flows.fakes.questions import FakeQuestions
from tests.flows.fakes.reports import FakeReports
from tests.flows.fakes.subscriptions import FakeSubscriptions
from tests.flows.fakes.topics import FakeTopics
from tests.flows.fakes.understanding import FakeUnderstanding

__all__ = [
    "NOW",
    "Consultation",
    "FakeServices",
    "Idea",
    "Participation",
    "Question",
    "playground",
]


class FakeServices(Memory):
    """flows.ports.Ports over one shared set of rows."""

    def __init__(self, now: datetime = NOW) -> None:
        super().__init__(now)
        self.citizens = FakeCitizens(self)
        self.topics = FakeTopics()
        self.consultations = FakeConsultations(self)
        self.questions = FakeQuestions(self)
        self.reports = FakeReports()
        self.ideas = FakeIdeas(self)
        self.council = FakeCouncil(self)
        self.subscriptions = FakeSubscriptions(self)
        self.personal_data = FakePersonalData(self)
        self.understanding = FakeUnderstanding()
