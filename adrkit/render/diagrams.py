"""Diagrams as static HTML: a figure holding the rendered SVG inline.

Used for notebook outputs (so a saved notebook shows the drawing with no kernel) and
by the site. When no renderer is installed the figure holds the DOT source and a
note saying how to get one, so nothing is ever silently missing.
"""
from __future__ import annotations

import html
from typing import TYPE_CHECKING, Callable, Iterable

from adrkit.render.graphviz import RenderResult, render_svg

if TYPE_CHECKING:
    from adrkit.core.decision import Decision

__all__ = ["figure_html", "decision_graph_svg", "decision_graph_html"]

_FIGURE_STYLE = "margin:0.5em 0;overflow-x:auto"


def figure_html(dot: str, *, kind: str = "diagram", caption: str = "",
                result: RenderResult | None = None) -> str:
    """A `<figure class="adrkit-diagram adrkit-KIND">` with the SVG inline, or with the
    DOT source and a note when it could not be drawn."""
    result = result if result is not None else render_svg(dot)
    classes = f"adrkit-diagram adrkit-{html.escape(kind, quote=True)}"
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    if result.svg is not None:
        return (f'<figure class="{classes}" data-renderer="{html.escape(result.renderer, quote=True)}" '
                f'style="{_FIGURE_STYLE}">\n{result.svg}{cap}</figure>\n')
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
