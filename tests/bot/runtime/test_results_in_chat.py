"""After a consultation closes, the thank-you message's button shows the results in the chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.civic.consultations.lifecycle import run_consultation_lifecycle
from bot.config import Settings
from bot.messages import ConversationKey, InboundMessage
from flows.types import Reply
from nlu.types import TeachableRecognizer
from storage.consultations import consultation_questions, participations
from storage.identities import resolve_citizen
from storage.models.civic import Consultation, ConsultationQuestion


def _an_answer(question: ConsultationQuestion) -> Any:
    first = question.options[0]["key"] if question.options else None
    return {"single": first, "multiple": [first], "scale": 4, "yesno": True}.get(
        question.kind, "Mehr Schatten bitte, und Bänke für Eltern."
    )


async def test_the_thank_you_button_shows_anonymised_tallies(
    db_url: str, tmp_path: Path, recognizer: TeachableRecognizer
) -> None:
    settings = Settings(
        database_url=db_url,
        demo_data="true",
        nlu_cache_dir=tmp_path / "nlu",
        public_url="https://beteiligung.musterstadt.example",
    )
    channel = RecordingChannel("test")
    app = await build_app(settings, {"test": channel}, recognizer=recognizer)

    async def say(text: str, choice: str | None = None) -> list[Reply]:
        await app.dispatcher.handle(
            InboundMessage(ConversationKey("test", "anna", "anna"), text, choice=choice)
        )
        while await app.worker.drain_once():
            pass
        return channel.take("anna")

    try:
        await say("Hallo")
        now = datetime.now(UTC)
        async with app.sessions() as session, session.begin():
            # a greeting leaves no rows: anna took part earlier, on this chat
            citizen_id, _ = await resolve_citizen(session, "test", "anna", "anna", "de", now)
            consultation = await session.scalar(select(Consultation).order_by(Consultation.id))
            assert consultation is not None
            consultation.opens_at = now - timedelta(days=7)
            consultation.closes_at = now - timedelta(minutes=1)
            for question in await consultation_questions(session, consultation.id):
                await participations.save_answer(
                    session, citizen_id, consultation, question.key, _an_answer(question),
                    now - timedelta(hours=1),
                )  # fmt: skip
            await participations.submit(session, citizen_id, consultation, now - timedelta(hours=1))
            title = consultation.title_de

        # the clock's time: the delivery worker sends what is due by the real time
        await run_consultation_lifecycle(app.sessions, settings, now)
        while await app.worker.drain_once():
            pass
        thanks = channel.take("anna")
        assert len(thanks) == 1
        assert f"Danke, dass Sie bei „{title}“ mitgemacht haben" in thanks[0].text
        link = f"https://beteiligung.musterstadt.example/results/{consultation.id}"
        assert link in thanks[0].text
        button = next(o for o in thanks[0].options if "Ergebnisse" in o.label)

        shown = "\n".join(reply.text for reply in await say(button.label, choice=button.value))

        assert f"Ergebnisse der Umfrage „{title}“" in shown
        assert "Eine Person hat mitgemacht." in shown
        assert "(100 %)" in shown
        assert "Mehr Schatten bitte" not in shown  # free texts are counted, never shown
    finally:
        await app.close()
