"""The consultation preview: the real engine plays the consultation up to the review."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.civic.consultations.preview import PreviewOnly, PreviewPorts, play_preview
from flows import builtin_texts
from storage.consultations.spec import ConsultationSpec
from tests.flows.chat import VARIABLES, shipped_library

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SPEC = ConsultationSpec.model_validate(
    {
        "slug": "baenke",
        "title": {"de": "Bänke am <Markt>", "en": "Benches"},
        "description": {"de": "Wo sollen sie hin?", "en": "Where should they go?"},
        "opens": datetime(2026, 6, 1, tzinfo=UTC),  # not open yet: the preview shows it anyway
        "closes": datetime(2026, 6, 30, tzinfo=UTC),
        "questions": [
            {
                "key": "ort",
                "kind": "single",
                "text": {"de": "Wo?", "en": "Where?"},
                "options": [
                    {"key": "brunnen", "de": "Am Brunnen", "en": "Fountain"},
                    {"key": "rathaus", "de": "Rathaus", "en": "Town hall"},
                ],
            },
            {
                "key": "holz",
                "kind": "multiple",
                "text": {"de": "Welches Material?", "en": "Which material?"},
                "options": [
                    {"key": "holz", "de": "Holz", "en": "Wood"},
                    {"key": "stein", "de": "Stein", "en": "Stone"},
                ],
            },
            {
                "key": "wichtig",
                "kind": "scale",
                "text": {"de": "Wie wichtig?", "en": "How important?"},
                "scale": {"de": ["egal", "sehr"], "en": ["no matter", "very"]},
            },
            {"key": "lehne", "kind": "yesno", "text": {"de": "Mit Lehne?", "en": "Backrest?"}},
            {
                "key": "sonst",
                "kind": "text",
                "required": False,
                "text": {"de": "Sonst noch?", "en": "Anything else?"},
            },
        ],
    }
)


async def test_the_preview_shows_intro_every_question_and_the_review_in_german() -> None:
    bubbles = await play_preview(SPEC, 0, shipped_library(), "de", NOW, variables=VARIABLES)
    bot = [b.text for b in bubbles if b.sender == "bot"]
    said = [b.text for b in bubbles if b.sender == "citizen"]
    assert bot[0].startswith("📋 Bänke am <Markt>\n\nWo sollen sie hin?")
    assert "⏳ Mitmachen bis 30.06.2026 · 5 Fragen" in bot[0]
    assert bot[1].startswith("Frage 1 von 5\n\nWo?")
    assert [o.label for o in bubbles[3].options][:2] == ["Am Brunnen", "Rathaus"]
    assert any(text.startswith("Ausgewählt: Holz.") for text in bot)
    assert any("1 = egal, 5 = sehr" in text for text in bot)
    assert bot[-1].startswith("Fast geschafft!")
    assert (
        "1. Wo?\n   → Am Brunnen" in bot[-1] and "5. Sonst noch?\n   → (Beispielantwort)" in bot[-1]
    )
    assert said[:3] == ["/start c-0", "▶️ Los geht's", "Am Brunnen"]
    assert not any(builtin_texts.ERROR["de"][:20] in text for text in bot)


async def test_the_preview_in_english_and_informal_german() -> None:
    english = await play_preview(SPEC, 7, shipped_library(), "en", NOW, variables=VARIABLES)
    informal = await play_preview(
        SPEC, 7, shipped_library(), "de", NOW, formal=False, variables=VARIABLES
    )
    assert english[1].text.startswith("📋 Benches") and english[-1].text.startswith("Almost done!")
    assert "Question 3 of 5" in "".join(b.text for b in english)
    assert any(b.text.startswith("Fast geschafft! Das sind deine Antworten") for b in informal)


async def test_the_preview_offers_the_consultation_and_a_consenting_citizen_nothing_else() -> None:
    ports = PreviewPorts(SPEC, 7, None)
    assert (await ports.citizens.get(1)).consent_given
    assert (await ports.consultations.find("c-7", "en", NOW)) is not None
    with pytest.raises(PreviewOnly, match="does not offer ideas"):
        await ports.ideas.create(1, "Bänke", "Mehr Bänke", None, None, "de")
    with pytest.raises(PreviewOnly, match="stops before submitting"):
        await ports.consultations.submit(1, 7, NOW)
