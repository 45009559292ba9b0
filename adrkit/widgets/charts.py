"""The small charts inside the trade-off editor: each option's weighted total as a bar,
and for each criterion how far its weight can move before the winner changes.

They are the site's own charts (`adrkit.render.charts`, SVG from templates, every figure
also written as text), so the editor, the notebook's saved output and the published
page show the same pictures. `tradeoff_charts_html` is the editor's only call for them.
"""
from __future__ import annotations

from adrkit.core.tradeoff import Tradeoff

__all__ = ["tradeoff_charts_html"]


def tradeoff_charts_html(t: Tradeoff) -> str:
    """The charts the published page shows (weighted totals, the tornado of the
    sensitivity and, with a baseline, the Pugh grid), drawn by
    `adrkit.render.charts` as inline SVG with their text alternatives; '' when the
    table cannot be ranked yet."""
    if t.problems() or not t.options or not t.criteria:
        return ""
    from adrkit.render.charts import charts_html
    from adrkit.render.tradeoff import CHART_CSS

    drawn = charts_html(t)
    return f"<style>{CHART_CSS}</style>" + "".join(f"<figure class='adrkit-chart adrkit-chart-{kind}' style='margin:0.5em 0'>{svg}</figure>"
                   for kind, svg in drawn.items())
