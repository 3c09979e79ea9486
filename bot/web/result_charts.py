"""Bar charts as inline SVG: no script, no image files, readable by screen readers.

Each chart has a title and a description for assistive technology; the pages put the same
figures in a table next to it. Every label is escaped (option texts are staff input, and
whatever is drawn here may one day show citizens' words).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

ROW = 34  # px per bar
LABEL_WIDTH = 240
BAR_WIDTH = 300
VALUE_WIDTH = 110
WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
MAX_LABEL = 34  # characters shown next to a bar; the table below has the whole text


@dataclass(frozen=True)
class BarValue:
    label: str
    count: int


def share(count: int, whole: int) -> str:
    """The count's share of `whole` in whole percent, "0 %" when nothing was counted."""
    return f"{round(100 * count / whole) if whole else 0} %"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(
    chart_id: str, title: str, bars: Sequence[BarValue], whole: int, description: str = ""
) -> Markup:
    """Horizontal bars, longest = most frequent; `whole` is the base of the percentages."""
    most = max((bar.count for bar in bars), default=0)
    height = ROW * max(len(bars), 1) + 8
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{escape(chart_id)}-title '
        f'{escape(chart_id)}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}'
        + "".join(
            f" {escape(bar.label)}: {bar.count} ({escape(share(bar.count, whole))})."
            for bar in bars
        )
        + "</desc>",
    ]
    for index, bar in enumerate(bars):
        y = index * ROW + 4
        length = round(BAR_WIDTH * bar.count / most) if most else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 20}" text-anchor="end" '
            f'class="chart-label">{escape(_short(bar.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{max(length, 2)}" height="{ROW - 10}" '
            f'rx="3" class="chart-bar"></rect>'
            f'<text x="{LABEL_WIDTH + max(length, 2) + 6}" y="{y + 20}" '
            f'class="chart-value">{bar.count} ({escape(share(bar.count, whole))})</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # every piece above is escaped


CHART_STYLE = (
    ".chart{max-width:44rem;font:14px system-ui,sans-serif}"
    ".chart-label,.chart-value{fill:#1a1a1a}"
    ".chart-bar{fill:#1f5f99}"
)
