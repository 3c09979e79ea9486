"""Consultation steps: asking the unanswered questions one by one, and the review."""

from __future__ import annotations

import re

from flows import consultation_texts as texts
from flows import formatting, text_input
from flows.choices import SEVERAL, read_choice
from flows.definition import StepDefinition
from flows.ports.consultations import (
    AnswerValue,
    ConsultationClosed,
    ConsultationQuestionView,
    ConsultationView,
)
from flows.run import Run
from flows.steps.outcome import Go, Invalid, Outcome, StepHandler, Wait
from flows.types import Option, UserInput
from flows.yes_no import yes_or_no

PAUSE, SKIP, DONE = "_pause", "_skip", "_done"
SUBMIT, CHANGE = "_submit", "_change"
MAX_TEXT_ANSWER = 2000
_SPLIT = re.compile(r"\s*(?:,|;|\bund\b|\band\b|\s)\s*", re.IGNORECASE)


async def _load(run: Run) -> tuple[ConsultationView | None, dict[str, AnswerValue]]:
    consultation_id = int(run.slots["consultation_id"])
    view = await run.ports.consultations.find(str(consultation_id), run.language, run.ctx.now)
    participation = await run.ports.consultations.participation(run.ctx.citizen_id, consultation_id)
    return view, dict(participation.answers) if participation else {}


def _current(
    view: ConsultationView, answers: dict[str, AnswerValue], run: Run
) -> tuple[int, ConsultationQuestionView] | None:
    editing = run.slots.get("_edit")
    for number, question in enumerate(view.questions, start=1):
        if (editing and question.key == editing) or (not editing and question.key not in answers):
            return number, question
    return None


def _question_options(question: ConsultationQuestionView, run: Run) -> list[Option]:
    picked = set(run.slots.get("_multi") or [])
    if question.kind == "single":
        options = [Option(c.label, c.key, c.words) for c in question.options]
    elif question.kind == "multiple":
        options = [
            Option(("✓ " if c.key in picked else "") + c.label, c.key, c.words)
            for c in question.options
        ]
        options.append(Option(run.text(texts.DONE), DONE))
    elif question.kind == "scale":
        options = [Option(str(value), str(value)) for value in range(1, 6)]
    elif question.kind == "yesno":
        options = [Option(run.text(texts.YES), "yes"), Option(run.text(texts.NO), "no")]
    else:
        options = []
    if not question.required:
        options.append(Option(run.text({"de": "Überspringen", "en": "Skip"}), SKIP))
    options.append(Option(run.text(texts.PAUSE), PAUSE))
    return options


def _ask(run: Run, number: int, total: int, question: ConsultationQuestionView) -> None:
    lines = [run.text(texts.PROGRESS, number=number, total=total), "", question.text]
    if question.kind == "scale" and question.scale_labels:
        low, high = question.scale_labels
        lines.append(run.text(texts.SCALE_MEANING, low=low, high=high))
    lines += ["", run.text(texts.HINT[question.kind])]
    run.say("\n".join(lines), _question_options(question, run))
    run.slots["_question"] = question.key
    run.slots["_free_text"] = question.kind == "text"
    run.slots[SEVERAL] = question.kind == "multiple"


async def enter_questions(step: StepDefinition, run: Run) -> Outcome:
    view, answers = await _load(run)
    if view is None or view.status != "open":
        return Go(str(step.get("closed")))
    current = _current(view, answers, run)
    if current is None:
        run.slots.pop("_edit", None)
        return Go(str(step.get("next")))
    number, question = current
    _ask(run, number, len(view.questions), question)
    return Wait()


def _parse_multiple(answer: UserInput, question: ConsultationQuestionView) -> list[str] | None:
    """ "1, 4", "Schaukeln und Sandkasten", "die zweite": the answers a message picks."""
    options = [Option(c.label, c.key, c.words) for c in question.options]
    reading = read_choice(answer.text, options, several=True)
    if reading.picked:
        return [option.value for option in reading.picked]
    picked: list[str] = []
    for part in _SPLIT.split(answer.text.strip()):
        if not part:
            continue
        found = read_choice(part, options, loose=False).one
        if found is None:
            return None
        if found.value not in picked:
            picked.append(found.value)
    return picked or None


def _parse(
    answer: UserInput, question: ConsultationQuestionView, run: Run
) -> AnswerValue | Invalid | None:
    """The value to store; None means "selection changed, ask again" (multiple choice)."""
    keys = [choice.key for choice in question.options]
    wrong = Invalid(
        run.text(
            texts.WRONG.get(question.kind, texts.WRONG["single"]),
            text=formatting.shorten(answer.text, 40),
        )
    )
    if question.kind == "single":
        return answer.choice if answer.choice in keys else wrong
    if question.kind == "multiple":
        picked = [key for key in run.slots.get("_multi") or [] if key in keys]
        if answer.choice == DONE:
            return picked if picked else Invalid(run.text(texts.NONE_PICKED))
        if answer.choice in keys:
            picked = (
                [k for k in picked if k != answer.choice]
                if answer.choice in picked
                else [*picked, answer.choice]
            )
            run.slots["_multi"] = picked
            return None
        typed = _parse_multiple(answer, question)
        return typed if typed else wrong
    if question.kind == "scale":
        value = answer.choice or answer.text.strip().rstrip(".")
        return int(value) if value in {"1", "2", "3", "4", "5"} else wrong
    if question.kind == "yesno":
        decided = answer.choice if answer.choice in ("yes", "no") else yes_or_no(answer)
        return wrong if decided is None else decided == "yes"
    if answer.choice is not None:
        return wrong  # a pressed button (of an earlier message) is never the text asked for
    text = text_input.clean(answer.text)
    reason = text_input.problem(text, run, 1, MAX_TEXT_ANSWER)
    return Invalid(reason) if reason else text


async def receive_questions(step: StepDefinition, run: Run, answer: UserInput) -> Outcome:
    if answer.choice == PAUSE:
        return Go(str(step.get("pause")))
    view, _answers = await _load(run)
    if view is None or view.status != "open":
        return Go(str(step.get("closed")))
    key = run.slots.get("_question")
    question = next((q for q in view.questions if q.key == key), None)
    if question is None:
        return Go(step.step_id)
    if answer.choice == SKIP and not question.required:
        value: AnswerValue | Invalid | None = [] if question.kind == "multiple" else ""
    else:
        value = _parse(answer, question, run)
    if isinstance(value, Invalid):
        return value
    if value is None:
        picked = [c.label for c in question.options if c.key in (run.slots.get("_multi") or [])]
        run.say(
            run.text(texts.PICKED, picked=", ".join(picked) or "–"),
            _question_options(question, run),
        )
        return Wait()
    try:
        await run.ports.consultations.save_answer(run.ctx.citizen_id, view.id, question.key, value)
    except ConsultationClosed:
        return Go(str(step.get("closed")))
    run.slots.pop("_multi", None)
    if run.slots.pop("_edit", None):
        return Go(str(step.get("next")))
    return Go(step.step_id)


async def enter_review(step: StepDefinition, run: Run) -> Outcome:
    view, answers = await _load(run)
    if view is None:
        return Go(str(step.get("pause")))
    lines = [run.text(step.get("text")), ""]
    for number, question in enumerate(view.questions, start=1):
        shown = formatting.answer(question, answers.get(question.key), run.language)
        lines.append(f"{number}. {question.text}\n   → {shown}")
    options = [
        Option(run.text(texts.SUBMIT), SUBMIT),
        Option(run.text(texts.CHANGE), CHANGE),
        Option(run.text(texts.PAUSE), PAUSE),
    ]
    run.say("\n".join(lines), options)
    run.slots["_free_text"] = False
    run.slots[SEVERAL] = False
    return Wait()


async def receive_review(step: StepDefinition, run: Run, answer: UserInput) -> Outcome:
    if answer.choice == SUBMIT:
        return Go(str(step.get("submit")))
    if answer.choice == PAUSE:
        return Go(str(step.get("pause")))
    if answer.choice == CHANGE:
        view, _answers = await _load(run)
        questions = view.questions if view else ()
        options = [
            Option(f"{n}. {formatting.shorten(q.text, 50)}", f"q:{q.key}")
            for n, q in enumerate(questions, start=1)
        ]
        run.say(run.text(texts.WHICH), options)
        return Wait()
    if answer.choice and answer.choice.startswith("q:"):
        run.slots["_edit"] = answer.choice[2:]
        return Go(str(step.get("edit")))
    return Invalid(run.text(texts.REVIEW_WRONG))


HANDLERS = {
    "consultation_questions": StepHandler(enter_questions, receive_questions),
    "consultation_review": StepHandler(enter_review, receive_review),
}
