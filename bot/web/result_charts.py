"""Bar charts of results as plain HTML: no script, no image files, readable by screen readers.

The labels are page text at the page's font size, so they stay readable on a phone: a drawing
(SVG) scaled to a 375 px screen shrank them to under 7 px. On narrow screens each label
goes above its bar (civic.css). Each chart has a name and a description for assistive
technology; the pages put the same figures in a table next to it. Every label is escaped
(option texts are staff input, and whatever is drawn here may one day show citizens' words).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class BarValue:
    label: str
    count: int


def share(count: int, whole: int) -> str:
    """The count's share of `whole` in whole percent, "0 %" when nothing was counted."""
    return f"{round(100 * count / whole) if whole else 0} %"


def bar_chart(
    chart_id: str, title: str, bars: Sequence[BarValue], whole: int, description: str = ""
) -> Markup:
    """Horizontal bars, longest = most frequent; `whole` is the base of the percentages."""
    most = max((bar.count for bar in bars), default=0)
    name, about = escape(f"{chart_id}-title"), escape(f"{chart_id}-desc")
    figures = "".join(
        f" {escape(bar.label)}: {bar.count} ({escape(share(bar.count, whole))})." for bar in bars
    )
    parts = [
        f'<div class="bar-chart" role="img" aria-labelledby="{name} {about}">',
        f'<p id="{name}" class="visually-hidden">{escape(title)}</p>',
        f'<p id="{about}" class="visually-hidden">{escape(description)}{figures}</p>',
    ]
    for bar in bars:
        length = round(100 * bar.count / most, 1) if most else 0
        parts.append(
            '<div class="bar-row">'
            f'<span class="chart-label">{escape(bar.label)}</span>'
            f'<span class="bar-track"><span class="chart-bar" style="width:{length}%">'
            "</span></span>"
            f'<span class="chart-value">{bar.count} ({escape(share(bar.count, whole))})</span>'
            "</div>"
        )
    parts.append("</div>")
    return Markup("".join(parts))  # every piece above is escaped
