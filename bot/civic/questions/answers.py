"""Staff answer a citizen's question; the answer reaches the citizen in every chat they use."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.notices import notify_citizen
from storage.citizens import get_citizen
from storage.questions import question_by_ref, record_answer

QUOTE_LIMIT = 200

_TEXTS = {
    "de": (
        "Antwort auf Ihre Frage {ref}:\n„{question}“\n\n{answer}\n\nMöchten Sie noch etwas fragen?",
        (("Neue Frage stellen", "/frage"), ("Hauptmenü", "/hilfe")),
    ),
    "en": (
        'Answer to your question {ref}:\n"{question}"\n\n{answer}\n\n'
        "Would you like to ask something else?",
        (("Ask another question", "/frage"), ("Main menu", "/hilfe")),
    ),
}


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1].rstrip() + "…"


async def answer_question(
    session: AsyncSession, ref: str, answer: str, public: bool, staff: str, now: datetime
) -> int:
    """Stores the answer and queues it to each of the asker's chats; how many were queued.

    Raises LookupError for an unknown reference and ValueError for an empty answer. The same
    answer given twice is sent once; a corrected answer is sent again. Does not commit.
    """
    answer = answer.strip()
    if not answer:
        raise ValueError("the answer is empty")
    question = await question_by_ref(session, ref)
    if question is None:
        raise LookupError(f"no question {ref}")
    await record_answer(session, question, answer, public, staff, now)
    citizen = await get_citizen(session, question.citizen_id) if question.citizen_id else None
    if citizen is None:
        return 0  # asked by someone who erased their data meanwhile
    template, options = _TEXTS["en" if citizen.language == "en" else "de"]
    payload = {
        "text": template.format(ref=question.ref, question=_quote(question.text), answer=answer),
        "options": [[label, value] for label, value in options],
    }
    digest = hashlib.sha256(answer.encode()).hexdigest()[:16]
    return await notify_citizen(
        session,
        citizen.id,
        payload,
        dedupe_key=f"answer:{question.id}:{digest}",
        cause="question_answered",
    )
