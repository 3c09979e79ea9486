"""A consultation's results as the pages show them: a chart and a table per question."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from bot.web.i18n import translate
from bot.web.result_charts import BarValue, bar_chart, share
from storage.consultations.results import Results


@dataclass(frozen=True)
class QuestionChart:
    number: int
    text: str
    kind: str
    answers: int
    chart: Markup | None  # None for free text: counted, never shown
    rows: tuple[tuple[str, int, str], ...]  # label, count, share
    mean: str | None  # formatted for the language: 4,5 in German


def _decimal(value: float | None, language: str) -> str | None:
    if value is None:
        return None
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "de" else text


def result_charts(results: Results, language: str) -> list[QuestionChart]:
    charts = []
    for number, question in enumerate(results.questions, start=1):
        bars = [BarValue(bar.label(language), bar.count) for bar in question.bars]
        text = question.text(language)
        description = translate(language, "results.chart_description", answers=question.answers)
        charts.append(
            QuestionChart(
                number=number,
                text=text,
                kind=question.kind,
                answers=question.answers,
                chart=bar_chart(f"q{number}", text, bars, question.answers, description)
                if bars
                else None,
                rows=tuple((b.label, b.count, share(b.count, question.answers)) for b in bars),
                mean=_decimal(question.mean, language),
            )
        )
    return charts
