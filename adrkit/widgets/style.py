"""How the editors look in JupyterLab, light and dark: one style sheet, and the message
boxes and static cards that use it.

Colours come in pairs, one for JupyterLab's light themes and one for its dark themes
(`body[data-jp-theme-light=false]`), each with a contrast of at least 4.5:1 against the
theme's background. The diagram's static render sits on a light card in both themes,
so the colours Graphviz drew with keep their contrast; on the card, the tap lines are
drawn darker than the renderer's grey. The trade-off table takes the theme's colours.
"""
from __future__ import annotations

__all__ = ["STYLE", "CARD_STYLE", "alert", "note", "card"]

_DARK = 'body[data-jp-theme-light="false"]'

STYLE = f"""<style>
.adrkit-editor {{ box-sizing: border-box; max-width: 100%; overflow-x: auto; }}
.adrkit-editor .adrkit-title {{ font-weight: 600; }}
.adrkit-editor .adrkit-where {{ font-size: 0.9em; opacity: 0.85; overflow-wrap: anywhere; }}
.adrkit-editor .adrkit-bad, .adrkit-editor .adrkit-alert {{ color: #a40000; }}
.adrkit-editor .adrkit-note {{ color: #1d4f91; }}
.adrkit-editor .adrkit-warn {{ color: #7a4300; }}
.adrkit-editor .adrkit-alert, .adrkit-editor .adrkit-note {{ overflow-wrap: anywhere; }}
.adrkit-editor .widget-button, .adrkit-editor .jupyter-button {{ white-space: nowrap; overflow: visible;
  min-width: fit-content; }}
.adrkit-editor .widget-label, .adrkit-editor .widget-html-content {{ white-space: normal;
  overflow-wrap: anywhere; }}
.adrkit-editor .adrkit-bar {{ display: inline-block; height: 0.8em; background: #1a56db;
  vertical-align: middle; }}
.adrkit-editor .adrkit-bar.adrkit-fragile {{ background: #a40000; }}
.adrkit-editor .adrkit-bar.adrkit-sensitive {{ background: #8a5300; }}
.adrkit-editor .adrkit-bar.adrkit-robust {{ background: #1b6e3a; }}
.adrkit-editor table.adrkit-chart td {{ padding: 1px 6px; border: 0; text-align: left; }}
.adrkit-editor table.adrkit-chart td.adrkit-num {{ text-align: right; font-variant-numeric: tabular-nums; }}
{_DARK} .adrkit-editor .adrkit-bad, {_DARK} .adrkit-editor .adrkit-alert {{ color: #ff9e9e; }}
{_DARK} .adrkit-editor .adrkit-note {{ color: #9cc4ff; }}
{_DARK} .adrkit-editor .adrkit-warn {{ color: #ffcc80; }}
{_DARK} .adrkit-editor .adrkit-bar {{ background: #8ab4ff; }}
{_DARK} .adrkit-editor .adrkit-bar.adrkit-fragile {{ background: #ff9e9e; }}
{_DARK} .adrkit-editor .adrkit-bar.adrkit-sensitive {{ background: #ffcc80; }}
{_DARK} .adrkit-editor .adrkit-bar.adrkit-robust {{ background: #8fd19e; }}
</style>"""

CARD_STYLE = """<style>
.adrkit-card { background: #ffffff; color: #1a1a1a; padding: 8px; border-radius: 4px;
  max-width: 100%; overflow-x: auto; box-sizing: border-box; }
.adrkit-card :is(p, li, th, td, caption, figcaption, span, pre, code, summary, em, strong) {
  color: #1a1a1a !important; }
.adrkit-card :is(tr, th, td, pre) { background: transparent !important; }
.adrkit-card svg { max-width: 100%; height: auto; }
.adrkit-card g.edge.tap path, .adrkit-card g.edge.tap polygon, .adrkit-card g.node.tap path,
.adrkit-card g.node.tap polygon { stroke: #5f5f5f; }
.adrkit-card g.edge.tap polygon { fill: #5f5f5f; }
.adrkit-card g.tap text { fill: #3d3d3d; }
.adrkit-card .adrkit-run-to-edit { color: #1d4f91; }
</style>"""


def alert(body: str) -> str:
    """`body` (HTML) as an alert in the widget's message area."""
    return f'<div role="alert" class="adrkit-alert">{body}</div>'


def note(body: str) -> str:
    """`body` (HTML) as a neutral notice in the widget's message area."""
    return f'<div role="status" class="adrkit-note">{body}</div>'


def card(body: str) -> str:
    """A static render (HTML) on a light card that reads in light and dark themes."""
    return f'<div class="adrkit-card">{CARD_STYLE}{body}</div>'
