""" "Meine Beiträge" lists the citizen's own reports and those they follow, with reference,
category, the start of the description and the status, in the citizen's language."""

from __future__ import annotations

from flows.ports.personal_data import ContributionsView
from flows.ports.reports import ReportView
from tests.flows.chat import Chat
from tests.flows.fakes.personal_data import FakePersonalData

LONG = "Die Straßenlampe vor dem Haus Lindenstraße 5 ist seit Tagen dunkel, abends sieht man nichts"


class WithReports(FakePersonalData):
    async def contributions(self, citizen_id: int, language: str) -> ContributionsView:
        english = language == "en"
        return ContributionsView(
            ideas=(),
            questions=(),
            participations=(),
            reports=(
                ReportView("M-18", "Street lighting" if english else "Straßenbeleuchtung",
                           LONG, "Lindenstraße 5", "in_progress"),
                # closed long ago: its details went at retention
                ReportView("M-3", "Graffiti", "", None, "done"),
            ),
            followed_reports=(
                ReportView("M-9", "Road damage" if english else "Straßenschaden",
                           "Schlagloch", "Bahnhofstraße", "received"),
            ),
        )  # fmt: skip


def _chat(formal: bool = True) -> Chat:
    chat = Chat(formal=formal)
    chat.services.personal_data = WithReports(chat.services)
    return chat


async def test_own_and_followed_reports_with_status_in_german() -> None:
    chat = _chat()
    await chat.say("/meine")
    assert (
        "Ihre Meldungen:\n"
        "• M-18 Straßenbeleuchtung: Die Straßenlampe vor dem Haus Lindenstraße 5 ist seit Tagen … "
        "– in Bearbeitung\n"
        "• M-3 Graffiti – erledigt ✅"
    ) in chat.text
    assert (
        "Meldungen, über die Sie Neuigkeiten bekommen:\n"
        "• M-9 Straßenschaden: Schlagloch – eingegangen"
    ) in chat.text
    assert "Was möchten Sie als Nächstes tun?" in chat.text


async def test_the_informal_and_the_english_list() -> None:
    informal = _chat(formal=False)
    await informal.say("/meine")
    assert "Deine Meldungen:" in informal.text
    assert "Meldungen, über die du Neuigkeiten bekommst:" in informal.text
    english = _chat()
    await english.say("/mine", language="en")
    assert "Your problem reports:\n• M-18 Street lighting: Die Straßenlampe" in english.text
    assert "– in progress" in english.text and "• M-3 Graffiti – done ✅" in english.text
    assert "Reports you get news about:\n• M-9 Road damage: Schlagloch – received" in english.text
