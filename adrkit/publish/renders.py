"""Static renders of a decision's structured data, for pages that need no kernel.

Trade-off tables and request lifecycles are drawn from the data file with the
renderers of `adrkit.tradeoff` and `adrkit.requestflow`; the decision graph with
`adrkit.decision_graph` and `adrkit.render.graphviz`. Each is imported when first
needed. Where a renderer is not installed, a plain fallback keeps the page complete:
the data as escaped text for tables and lifecycles, and a simple SVG grid for the graph
(the template `templates/site/graph-grid.svg.j2`).
Every render is escaped by its renderer and sanitized again by the page.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import yaml

from adrkit.core.decision_graph import graph_dot
from adrkit.core.requestflow import Lifecycle
from adrkit.core.tradeoff import Tradeoff
from adrkit.publish.links import page_href
from adrkit.publish.review import tradeoff_anchor
from adrkit.render.graphviz import render_svg
from adrkit.render.requestflow import lifecycle_html
from adrkit.render.tradeoff import outcome_sentence, tradeoff_html

__all__ = ["render_table", "tradeoff_sections", "RenderError", "GraphNode", "GraphEdge", "graph_svg"]



class RenderError(Exception):
    """The data of a table or lifecycle cannot be rendered (invalid fields)."""


def _tradeoff_html(data: dict[str, Any]) -> str:
    return tradeoff_html(Tradeoff.from_dict(data))


def _lifecycle_html(data: dict[str, Any]) -> str:
    return lifecycle_html(Lifecycle.from_dict(data))


_RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "tradeoffs": _tradeoff_html,
    "lifecycles": _lifecycle_html,
}
_CAPTIONS = {"tradeoffs": "Trade-off table", "lifecycles": "Request lifecycle"}


def render_table(kind: str, name: str, data: Any) -> str:
    """Static HTML of one trade-off table or lifecycle; RenderError when the data is
    not valid for its renderer."""
    if not isinstance(data, dict):
        raise RenderError(f"{kind}.{name} is not a mapping of fields")
    try:
        rendered = _RENDERERS[kind](data)
    except Exception as exc:  # invalid data, in whatever error class the renderer uses
        raise RenderError(f"{kind}.{name}: {exc}") from exc
    if rendered is None:
        return _fallback(kind, name, data)
    anchor = f' id="{tradeoff_anchor(name)}"' if kind == "tradeoffs" else ""
    return f'<div class="adr-render adr-{kind}"{anchor}>{rendered}</div>'


def tradeoff_sections(data: dict[str, Any]) -> dict[str, str]:
    """The HTML a trade-off gives the Decision Outcome ('outcome') and the Pros and Cons
    ('pros-and-cons') sections; RenderError when the table is not valid."""
    try:
        t = Tradeoff.from_dict(data)
        t.validate()
    except Exception as exc:
        raise RenderError(str(exc)) from exc
    out: dict[str, str] = {}
    if t.options and t.criteria:
        out["outcome"] = f"<p>{html.escape(outcome_sentence(t, t.ranking()))}</p>"
    elif t.chosen:
        out["outcome"] = f"<p>{html.escape(f'Chosen option: “{t.chosen}”, because {t.because or chr(8230)}')}</p>"
    parts = []
    for o in t.options:
        args = [a for kind in ("good", "neutral", "bad") for a in o.arguments_of(kind)]
        if not args and not o.description:
            continue
        parts.append(f"<p><strong>{html.escape(o.name)}</strong>"
                     + (f" — {html.escape(o.description)}" if o.description else "") + "</p>")
        if args:
            parts.append("<ul>" + "".join(f"<li>{html.escape(a.label)}</li>" for a in args) + "</ul>")
    out["pros-and-cons"] = "".join(parts)
    return out


def _fallback(kind: str, name: str, data: dict[str, Any]) -> str:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    caption = f"{_CAPTIONS[kind]} “{name}”"
    return (f'<figure class="adr-render adr-{kind} adr-fallback">'
            f"<figcaption>{html.escape(caption)}</figcaption>"
            f"<pre>{html.escape(text)}</pre></figure>")


# --- the decision graph ---------------------------------------------------------

@dataclass(frozen=True)
class GraphNode:
    stem: str
    label: str
    title: str
    status: str


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    rel: str


def graph_svg(nodes: list[GraphNode], edges: list[GraphEdge], decisions: Iterable[Any] = (), *,
              unpublished: Iterable[Any] = ()) -> tuple[str, str]:
    """The decision graph as SVG with one link per node, and a note on how it was drawn.
    A draft that is `unpublished` but referred to is drawn as that draft, unlinked.

    Drawn by Graphviz (`adrkit.render.graphviz.render_svg`) when a renderer is
    available; otherwise as a grid of adrkit's own."""
    dot = graph_dot(list(decisions), href=lambda d: page_href(d.stem), unpublished=list(unpublished))
    result = render_svg(dot)
    if getattr(result, "svg", None):
        return result.svg, f"drawn by {getattr(result, 'renderer', 'graphviz')}"
    return _grid_svg(nodes, edges), str(getattr(result, "note", "") or "drawn by adrkit (grid layout)")


_W, _H, _GAP_X, _GAP_Y = 150, 46, 40, 44


def _grid_svg(nodes: list[GraphNode], edges: list[GraphEdge]) -> str:
    """A dependency-free drawing from the template `graph-grid.svg.j2`: nodes in number
    order on a grid, edges as curves."""
    from adrkit.publish.templating import site_environment

    cols = max(1, min(8, math.ceil(math.sqrt(max(1, len(nodes)) * 1.6))))
    pos: dict[str, tuple[float, float]] = {}
    boxes = []
    for i, node in enumerate(nodes):
        col, row = i % cols, i // cols
        x, y = 20 + col * (_W + _GAP_X), 20 + row * (_H + _GAP_Y)
        pos[node.stem] = (x, y)
        short = node.title if len(node.title) <= 22 else node.title[:21] + "…"
        boxes.append({"x": x, "y": y, "href": page_href(node.stem), "label": node.label, "title": node.title,
                      "short": short, "status": node.status})
    rows = math.ceil(len(nodes) / cols)
    width, height = 40 + cols * (_W + _GAP_X) - _GAP_X, 40 + rows * (_H + _GAP_Y) - _GAP_Y
    curves = []
    for edge in edges:
        if edge.source not in pos or edge.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[edge.source], pos[edge.target]
        sx, sy = x1 + _W / 2, y1 + _H
        tx, ty = x2 + _W / 2, y2
        if y2 <= y1:
            sy, ty = y1, y2 + _H
        mid = (sy + ty) / 2
        bend = 0 if abs(x1 - x2) > 1 else 30
        curves.append({"d": f"M{sx:.0f} {sy:.0f} C{sx + bend:.0f} {mid:.0f} {tx + bend:.0f} {mid:.0f} {tx:.0f} {ty:.0f}",
                       "source": edge.source, "rel": edge.rel, "target": edge.target})
    template = site_environment().get_template("graph-grid.svg.j2")
    return template.render(nodes=boxes, edges=curves, width=width, height=height, box_width=_W,
                           box_height=_H).strip()
