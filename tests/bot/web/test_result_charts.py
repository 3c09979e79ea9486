"""Inline SVG bar charts: proportional bars, figures for screen readers, labels escaped."""

from __future__ import annotations

import re

from bot.web.result_charts import BarValue, bar_chart, share


def test_bars_are_proportional_and_every_figure_is_in_the_description() -> None:
    svg = str(
        bar_chart(
            "q1",
            "Wo?",
            [BarValue("Am Brunnen", 6), BarValue("Rathaus", 3), BarValue("Nirgends", 0)],
            9,
        )
    )
    widths = [int(w) for w in re.findall(r'<rect [^>]*width="(\d+)"', svg)]
    assert widths == [300, 150, 2]  # the largest fills the width; an empty bar stays visible
    assert 'role="img"' in svg and 'aria-labelledby="q1-title q1-desc"' in svg
    assert "Am Brunnen: 6 (67 %). Rathaus: 3 (33 %). Nirgends: 0 (0 %)." in svg
    assert share(0, 0) == "0 %"


def test_labels_are_escaped_and_long_ones_shortened() -> None:
    svg = str(bar_chart("x", "<b>", [BarValue("<script>alert(1)</script>" * 3, 1)], 1))
    assert (
        "<script>" not in svg and "&lt;script&gt;" in svg and '<title id="x-title">&lt;b&gt;' in svg
    )
    assert "…</text>" in svg
