"""The small charts inside the trade-off editor: each option's weighted total as a bar,
and for each criterion how far its weight can move before the winner changes.

They are plain HTML (bars are sized spans, every figure is also written as text), so
they update with the ranking and need no plotting library. `tradeoff_charts_html` is
the editor's only call for them: when adrkit's renderers draw these charts as SVG,
this function returns that drawing instead and the editor does not change.
"""
from __future__ import annotations

import html

from adrkit.core.tradeoff import FRAGILE_PERCENT, SENSITIVE_PERCENT, Tradeoff
from adrkit.core.wording import num, signed

__all__ = ["tradeoff_charts_html"]

_CAP = 200.0  # a weight change of 200 % or more fills the sensitivity bar


def _bar(width: float, cls: str = "") -> str:
    width = max(0.0, min(100.0, width))
    return f'<span class="adrkit-bar {cls}" style="width:{width:.1f}%"></span>'


def _totals_rows(t: Tradeoff) -> list[str]:
    low, high = t.scale
    rows = []
    for e in t.ranking():
        share = (e.total - low) / (high - low) * 100 if high > low else 0
        rows.append(f"<tr><td>{html.escape(e.name)}</td><td style='width:45%'>{_bar(share)}</td>"
                    f"<td class='adrkit-num'>{e.total:.2f}</td></tr>")
    return rows


def _sensitivity_rows(t: Tradeoff) -> list[str]:
    sens = t.sensitivity()
    rows = []
    for w in sens.weights:
        if w.flip is None:
            rows.append(f"<tr><td>{html.escape(w.criterion)}</td><td style='width:45%'>{_bar(100, 'adrkit-robust')}</td>"
                        "<td class='adrkit-num'>never</td></tr>")
            continue
        size = w.size
        cls = ("adrkit-fragile" if size <= FRAGILE_PERCENT + 1e-9 else
               "adrkit-sensitive" if size <= SENSITIVE_PERCENT + 1e-9 else "adrkit-robust")
        text = f"{signed(w.percent)} %" if w.percent is not None else f"weight {num(w.new_weight)}"
        rows.append(f"<tr><td>{html.escape(w.criterion)}</td><td style='width:45%'>{_bar(size / _CAP * 100, cls)}</td>"
                    f"<td class='adrkit-num' title='{html.escape(w.describe(), quote=True)}'>{html.escape(text)}"
                    f"</td></tr>")
    return rows


def tradeoff_charts_html(t: Tradeoff) -> str:
    """The totals chart and, with two options or more, the sensitivity chart (HTML);
    '' when the table cannot be ranked yet."""
    if t.problems() or not t.options or not t.criteria:
        return ""
    parts = ["<table class='adrkit-chart' style='width:100%' aria-label='Weighted totals'><caption style='text-align:left'>"
             f"Weighted totals (scale {num(t.scale[0])} to {num(t.scale[1])})</caption>",
             *_totals_rows(t), "</table>"]
    if len(t.options) > 1 and t.sensitivity().weights:
        parts += ["<table class='adrkit-chart' style='width:100%' aria-label='Sensitivity'><caption style='text-align:left'>"
                  "Change of one weight alone that lets another option draw level (longer bar: safer; full: "
                  f"{num(_CAP)} % or never)</caption>",
                  *_sensitivity_rows(t), "</table>"]
    return "".join(parts)
