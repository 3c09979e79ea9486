"""A closed consultation's results in the chat: anonymised tallies, free texts only counted."""

from __future__ import annotations

from flows import formatting
from flows.actions.spec import ActionSpec
from flows.definition import StepDefinition
from flows.ports.consultations import ConsultationResultsView, QuestionResultView
from flows.run import Run

_TEXTS = {
    "de": {
        "people": "👥 {count} Personen haben mitgemacht.",
        "one": "👥 Eine Person hat mitgemacht.",
        "nobody": "Bei dieser Umfrage hat niemand mitgemacht.",
        "mean": "Durchschnitt: {mean} von 5 ({answers})",
        "texts": "{answers} in eigenen Worten – die Verwaltung liest sie alle.",
        "answer": "1 Antwort",
        "answers": "{count} Antworten",
        "none": "keine Antworten",
    },
    "en": {
        "people": "👥 {count} people took part.",
        "one": "👥 One person took part.",
        "nobody": "Nobody took part in this consultation.",
        "mean": "Average: {mean} out of 5 ({answers})",
        "texts": "{answers} in their own words – the administration reads them all.",
        "answer": "1 answer",
        "answers": "{count} answers",
        "none": "no answers",
    },
}


def _number(value: float, language: str) -> str:
    shown = f"{value:.1f}"
    return shown.replace(".", ",") if language == "de" else shown


def _question_lines(question: QuestionResultView, language: str) -> list[str]:
    words = _TEXTS.get(language, _TEXTS["en"])
    if question.answers == 0:
        return [f"   {words['none']}"]
    answers = (
        words["answer"]
        if question.answers == 1
        else words["answers"].format(count=question.answers)
    )
    if question.kind == "text":
        return [f"   {words['texts'].format(answers=answers)}"]
    if question.kind == "scale" and question.mean is not None:
        mean = _number(question.mean, language)
        return [f"   {words['mean'].format(mean=mean, answers=answers)}"]
    return [
        f"   ▪ {line.label}: {line.count} ({round(100 * line.count / question.answers)} %)"
        for line in question.lines
    ]


def results_text(view: ConsultationResultsView, language: str) -> str:
    """The tallies as a short message; percentages of those who answered each question."""
    words = _TEXTS.get(language, _TEXTS["en"])
    if view.participants == 0:
        return words["nobody"]
    head = (
        words["one"] if view.participants == 1 else words["people"].format(count=view.participants)
    )
    blocks = [head]
    for number, question in enumerate(view.questions, start=1):
        blocks.append(
            "\n".join([f"{number}. {question.text}", *_question_lines(question, language)])
        )
    return "\n\n".join(blocks)


async def load_results(run: Run, step: StepDefinition) -> str:
    reference = (run.slot_str("consultation") or "").strip()
    if not reference:
        return "none"
    view = await run.ports.consultations.results(reference, run.language, run.ctx.now)
    if view is None:
        run.slots["consultation"] = None
        return "unknown"
    consultation = view.consultation
    run.slots.update(
        consultation_id=consultation.id,
        consultation_title=consultation.title,
        consultation_deadline=formatting.date(
            consultation.closes_at, run.language, run.ctx.variables.get("timezone")
        ),
        participant_count=view.participants,
        results_text=results_text(view, run.language) if consultation.status == "closed" else "",
    )
    return "closed" if consultation.status == "closed" else "not_yet"


ACTIONS = {
    "load_results": ActionSpec(
        load_results,
        ("closed", "not_yet", "unknown", "none"),
        (
            "consultation_id",
            "consultation_title",
            "consultation_deadline",
            "participant_count",
            "results_text",
        ),
    ),
}
