"""Diagrams as static HTML: a figure holding the rendered SVG inline.

Used for notebook outputs (so a saved notebook shows the drawing with no kernel) and
by the site. When no renderer is installed the figure holds the DOT source and a
note saying how to get one, so nothing is ever silently missing.

A drawing shrinks to fit its column only as far as its smallest text stays legible
(`LEGIBLE_PX` pixels high); past that it keeps that size and the figure scrolls
sideways (the site adds a hint and a full-size view). It never grows past its
natural size.
"""
from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Callable, Iterable

from adrkit.render.graphviz import RenderResult, render_svg

if TYPE_CHECKING:
    from adrkit.core.decision import Decision

__all__ = ["figure_html", "decision_graph_svg", "decision_graph_html", "legible_widths", "LEGIBLE_PX"]

_FIGURE_STYLE = "margin:0.5em 0;overflow-x:auto"
LEGIBLE_PX = 11.0   # the smallest text of a drawing is never shown smaller than this
_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.S)
_ATTR = r'\b{}\s*=\s*"([^"]*)"'
_FONT_SIZE = re.compile(r'font-size\s*[=:]\s*"?\s*([0-9.]+)')
_UNITS = {"pt": 4 / 3, "px": 1.0, "": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}


def legible_widths(svg: str) -> tuple[float, float] | None:
    """(smallest legible width, natural width) of a drawing in CSS pixels, from its
    root's width and viewBox and its smallest font size; None when they cannot be read."""
    tag = _SVG_TAG.search(svg)
    if not tag:
        return None
    width = re.search(_ATTR.format("width"), tag.group(0))
    box = re.search(_ATTR.format("viewBox"), tag.group(0))
    sizes = [float(v) for v in _FONT_SIZE.findall(svg[tag.end():]) if float(v) > 0]
    if not width or not box or not sizes:
        return None
    found = re.fullmatch(r"\s*([0-9.]+)\s*([a-z]*)\s*", width.group(1))
    parts = box.group(1).replace(",", " ").split()
    if not found or found.group(2) not in _UNITS or len(parts) != 4:
        return None
    try:
        natural = float(found.group(1)) * _UNITS[found.group(2)]
        per_unit = natural / float(parts[2])
    except (ValueError, ZeroDivisionError):
        return None
    smallest = min(sizes) * per_unit        # the smallest text at natural size, in px
    scale = min(1.0, LEGIBLE_PX / smallest) if smallest > 0 else 1.0
    return natural * scale, natural


def _canvas(svg: str) -> str:
    """The drawing in a box that keeps it between its legible and its natural width."""
    widths = legible_widths(svg)
    if widths is None:
        return svg
    low, high = widths
    return (f'<div class="adrkit-diagram-canvas" style="min-width:{low:.0f}px;max-width:{high:.0f}px">'
            f"{svg}</div>")


def figure_html(dot: str, *, kind: str = "diagram", caption: str = "",
                result: RenderResult | None = None) -> str:
    """A `<figure class="adrkit-diagram adrkit-KIND">` with the SVG inline, or with the
    DOT source and a note when it could not be drawn."""
    result = result if result is not None else render_svg(dot)
    classes = f"adrkit-diagram adrkit-{html.escape(kind, quote=True)}"
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    if result.svg is not None:
        return (f'<figure class="{classes}" data-renderer="{html.escape(result.renderer, quote=True)}" '
                f'style="{_FIGURE_STYLE}">\n{_canvas(result.svg)}{cap}</figure>\n')
    return (f'<figure class="{classes} adrkit-diagram-source" data-renderer="none" style="{_FIGURE_STYLE}">\n'
            f'<p class="adrkit-note"><em>{html.escape(result.note)}</em></p>\n'
            f'<pre><code class="language-dot">{html.escape(dot)}</code></pre>{cap}</figure>\n')


def decision_graph_svg(decisions: Iterable["Decision"],
                       href: Callable[["Decision"], str] | None = None) -> RenderResult:
    """The supersede and link graph of the log, drawn."""
    from adrkit.core.decision_graph import graph_dot

    dot = graph_dot(list(decisions), href=href) if href else graph_dot(list(decisions))
    return render_svg(dot)


def decision_graph_html(decisions: Iterable["Decision"],
                        href: Callable[["Decision"], str] | None = None, *, caption: str = "") -> str:
    """The decision graph as a figure (SVG inline, nodes linking to their pages)."""
    from adrkit.core.decision_graph import graph_dot

    decisions = list(decisions)
    dot = graph_dot(decisions, href=href) if href else graph_dot(decisions)
    return figure_html(dot, kind="decision-graph", caption=caption)
