"""Result bar charts as HTML: proportional bars, figures for screen readers, labels escaped."""

from __future__ import annotations

import re

from bot.web.result_charts import BarValue, bar_chart, share


def test_bars_are_proportional_and_every_figure_is_in_the_description() -> None:
    chart = str(
        bar_chart(
            "q1",
            "Wo?",
            [BarValue("Am Brunnen", 6), BarValue("Rathaus", 3), BarValue("Nirgends", 0)],
            9,
        )
    )
    widths = [float(w) for w in re.findall(r'class="chart-bar" style="width:([\d.]+)%"', chart)]
    assert widths == [100, 50, 0]  # the largest fills the width; civic.css keeps 0 visible
    assert 'role="img"' in chart and 'aria-labelledby="q1-title q1-desc"' in chart
    assert "Am Brunnen: 6 (67 %). Rathaus: 3 (33 %). Nirgends: 0 (0 %)." in chart
    assert share(0, 0) == "0 %"


def test_labels_are_escaped_and_shown_whole() -> None:
    long = "<script>alert(1)</script>" * 3
    chart = str(bar_chart("x", "<b>", [BarValue(long, 1)], 1))
    assert "<script>" not in chart and '<p id="x-title" class="visually-hidden">&lt;b&gt;' in chart
    assert (
        f'<span class="chart-label">{"&lt;script&gt;alert(1)&lt;/script&gt;" * 3}</span>' in chart
    )
