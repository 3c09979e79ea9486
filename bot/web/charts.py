"""Charts as inline SVG: no script, scales with the page, readable by screen readers through
a title and the data table that goes with every chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# colour-blind safe (Okabe–Ito), each at least 3:1 against white
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#7a6a00", "#56514b")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]


def stacked_bars(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    width: int = 720,
    height: int = 240,
    label_every: int = 5,
) -> Markup:
    """Stacked columns, one per label; `title` becomes the accessible name."""
    left, bottom, top, right = 36, 28, 10, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    peak = max([*totals, 1])
    step = plot_w / max(len(labels), 1)
    bar_w = max(step * 0.7, 1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-title" class="bar-chart">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for value in sorted({0, peak // 2, peak}):  # whole numbers only: counts have no halves
        y = top + plot_h * (1 - value / peak)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#8a8f98" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#1b1b1b">{value}</text>'
        )
    for index, label in enumerate(labels):
        x = left + index * step + (step - bar_w) / 2
        base: float = top + plot_h
        for colour, one in zip(PALETTE * 4, series, strict=False):
            value = one.values[index]
            if value <= 0:
                continue
            h = plot_h * value / peak
            base -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(label)}: {escape(one.name)} {value}</title></rect>'
            )
        if index % label_every == 0 or index == len(labels) - 1:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - 8}" text-anchor="middle" '
                f'font-size="11" fill="#1b1b1b">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(series: Sequence[Series]) -> Markup:
    items = "".join(
        f'<li><span class="swatch" style="background:{colour}" aria-hidden="true"></span>'
        f"{escape(one.name)}</li>"
        for colour, one in zip(PALETTE * 4, series, strict=False)
    )
    return Markup(f'<ul class="legend">{items}</ul>')
