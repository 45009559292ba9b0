"""The site's decision graph: every published decision of every log, who supersedes
whom and the typed links between them, drawn with Graphviz.

The DOT text comes from `adrkit.core.decision_graph.graph_dot` (one place decides how
the graph looks: colours, shapes, edge styles); this module decides what goes into each
drawing, draws it, and keeps the drawing.

- A graph of up to `BATCH` decisions is one drawing. Graphviz's layout time grows far
  faster than the graph (measured here: 0.1 s for 500 decisions, 4.5 s for 5,000, over
  30 s for 10,000 even with packing), so a larger graph is drawn as several drawings,
  each of whole connected components (no relation is cut), up to `BATCH` decisions
  each, the components in the order of their first decision.
- Each drawing is keyed by its DOT text and the code that draws it, and kept in the page
  cache: a rebuild redraws only a part whose decisions or relations changed.
- Drawing runs in a background thread (the work is done by the `dot` program, so it
  overlaps with the conversion of the notebooks).
- Without any renderer, a drawing falls back to a plain grid of the decisions.

Every drawing is sanitized before it is kept.
"""
from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from adrkit.core.decision import Decision
from adrkit.core.decision_graph import graph_dot
from adrkit.publish.links import _Log
from adrkit.publish.model import Source, page_href

__all__ = ["BATCH", "Drawing", "GraphPlan", "plan_graph", "GraphDrawer"]

BATCH = 400
_KIND = "graph"


@dataclass(frozen=True)
class Drawing:
    svg: str
    note: str


class GraphPlan:
    """The drawings of one graph: their DOT texts and, for the grid fallback, their
    nodes and edges."""

    def __init__(self, batches: list[tuple[str, list[Source], list[tuple[str, str, str]]]]):
        self.batches = batches

    @property
    def dots(self) -> list[str]:
        return [dot for dot, _, _ in self.batches]


def plan_graph(sources: list[Source], multi: bool, batch: int = BATCH) -> GraphPlan:
    """The drawings of the graph of the published decisions `sources` (site order)."""
    logs: dict[str, _Log] = {}
    for src in sources:
        logs.setdefault(src.log, _Log()).add(src.decision.stem, src.decision.number, src)  # type: ignore[union-attr]
    ident = {id(src.decision): _ident(src, multi) for src in sources}

    def ref_id(d: Decision, ref: str, log: str) -> str:
        name, sep, rest = str(ref).strip().partition(":")
        where, inner = (name, rest) if sep and rest and name in logs else (log, str(ref).strip())
        found = logs[where].find(inner) if where in logs else None
        if isinstance(found, Source):
            return _ident(found, multi)
        return f"{where}:{inner}" if multi else inner

    parent = list(range(len(sources)))
    index = {_ident(src, multi): i for i, src in enumerate(sources)}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    edges: list[tuple[str, str, str]] = []
    for i, src in enumerate(sources):
        d = src.decision
        assert d is not None
        refs = [(r, "supersedes") for r in d.supersedes] + [(r, "supersedes") for r in d.superseded_by]
        refs += [(link.target, link.rel) for link in d.links]
        for ref, rel in refs:
            target = ref_id(d, ref, src.log)
            j = index.get(target)
            if j is not None:
                parent[root(i)] = root(j)
                edges.append((ident[id(d)], rel, target))
    groups: dict[int, list[int]] = {}
    for i in range(len(sources)):
        groups.setdefault(root(i), []).append(i)
    batches: list[list[int]] = []
    for members in sorted(groups.values(), key=lambda m: m[0]):
        if batches and len(batches[-1]) + len(members) <= batch:
            batches[-1].extend(members)
        else:
            batches.append(list(members))
    out = []
    for members in batches or [[]]:
        chosen = [sources[i] for i in sorted(members)]
        by_decision = {id(s.decision): s for s in chosen}
        dot = graph_dot([s.decision for s in chosen],  # type: ignore[misc]
                        href=lambda d: _href(by_decision[id(d)]),
                        node_id=lambda d: ident[id(d)],
                        ref_id=lambda d, ref: ref_id(d, ref, by_decision[id(d)].log))
        names = {_ident(s, multi) for s in chosen}
        out.append((dot, chosen, [e for e in edges if e[0] in names]))
    return GraphPlan(out)


def _ident(src: Source, multi: bool) -> str:
    return f"{src.log}:{src.name}" if multi else src.name


def _href(src: Source) -> str:
    return page_href(src.name, src.site_dir)


class GraphDrawer:
    """Draws a plan's parts in a background thread, taking kept drawings from the
    cache (`get(key)`, `put(key, text)`: the page cache's blobs)."""

    def __init__(self, plan: GraphPlan, fingerprint: str, get: Callable[[str, str], str | None],
                 put: Callable[[str, str, str], None]):
        self.plan = plan
        self._fingerprint = fingerprint
        self._get, self._put = get, put
        self._keys = [self._key(dot) for dot in plan.dots]
        self._kept: dict[int, Drawing] = {}
        for i, key in enumerate(self._keys):
            text = get(_KIND, key)
            if text is not None and "\n" in text:
                note, svg = text.split("\n", 1)
                self._kept[i] = Drawing(svg, note)
        self._drawn: dict[int, Drawing] = {}
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def _key(self, dot: str) -> str:
        return hashlib.sha256(f"{self._fingerprint}\0{dot}".encode()).hexdigest()

    @property
    def pending(self) -> int:
        return len(self._keys) - len(self._kept)

    def start(self) -> "GraphDrawer":
        if self.pending:
            self._thread = threading.Thread(target=self._draw_all, name="adrkit-graph", daemon=True)
            self._thread.start()
        return self

    def _draw_all(self) -> None:
        try:
            for i, (dot, chosen, edges) in enumerate(self.plan.batches):
                if i not in self._kept:
                    self._drawn[i] = _draw(dot, chosen, edges)
        except BaseException as exc:  # reported by `drawings`, in the caller's thread
            self._error = exc

    def drawings(self) -> list[Drawing]:
        """Every drawing, in order (waits for the thread; keeps what it drew)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        out = []
        for i, (dot, chosen, edges) in enumerate(self.plan.batches):
            drawing = self._kept.get(i) or self._drawn.get(i)
            if drawing is None:
                drawing = self._drawn[i] = _draw(dot, chosen, edges)
            if i in self._drawn:
                self._put(_KIND, self._keys[i], f"{drawing.note}\n{drawing.svg}")
            out.append(drawing)
        return out


def _draw(dot: str, chosen: list[Source], edges: list[tuple[str, str, str]]) -> Drawing:
    from adrkit.publish.sanitize import Sanitizer
    from adrkit.render.graphviz import render_svg

    result = render_svg(dot)
    if getattr(result, "svg", None):
        svg, note = result.svg, f"drawn by {getattr(result, 'renderer', 'graphviz')}"
    else:
        svg = _grid_svg(chosen, edges)
        note = str(getattr(result, "note", "") or "drawn by adrkit (grid layout)")
    start = svg.find("<svg")
    svg = svg[start:] if start > 0 else svg
    clean, _ = Sanitizer().clean(svg)
    return Drawing(clean, " ".join(note.split()))


_W, _H, _GAP_X, _GAP_Y = 150, 46, 40, 44


def _grid_svg(chosen: list[Source], edges: list[tuple[str, str, str]]) -> str:
    """A drawing that needs no renderer (from the `graph-grid.svg.j2` template): the
    decisions in order on a grid, relations as curves."""
    multi = len({s.log for s in chosen}) > 1 or any(":" in e[0] for e in edges)
    cols = max(1, min(8, math.ceil(math.sqrt(max(1, len(chosen)) * 1.6))))
    nodes, pos = [], {}
    for i, src in enumerate(chosen):
        d: Any = src.decision
        x, y = 20 + (i % cols) * (_W + _GAP_X), 20 + (i // cols) * (_H + _GAP_Y)
        pos[_ident(src, multi)] = (x, y)
        nodes.append({"x": x, "y": y, "href": _href(src), "label": d.label, "title": d.title,
                      "status": d.status, "short": d.title if len(d.title) <= 22 else d.title[:21] + "…"})
    lines = []
    for source, rel, target in edges:
        if source in pos and target in pos:
            (x1, y1), (x2, y2) = pos[source], pos[target]
            sx, sy, tx, ty = x1 + _W / 2, y1 + _H, x2 + _W / 2, y2
            if y2 <= y1:
                sy, ty = y1, y2 + _H
            mid, bend = (sy + ty) / 2, 0 if abs(x1 - x2) > 1 else 30
            lines.append({"source": source, "rel": rel, "target": target,
                          "d": f"M{sx:.0f} {sy:.0f} C{sx + bend:.0f} {mid:.0f} {tx + bend:.0f} {mid:.0f} "
                               f"{tx:.0f} {ty:.0f}"})
    rows = math.ceil(len(chosen) / cols) if chosen else 1
    width = 40 + cols * (_W + _GAP_X) - _GAP_X if chosen else 300
    height = 40 + rows * (_H + _GAP_Y) - _GAP_Y if chosen else 40
    return _grid_template().render(nodes=nodes, edges=lines, width=width, height=height, w=_W, h=_H)


@lru_cache(maxsize=1)
def _grid_template() -> Any:
    import jinja2

    from adrkit.publish.pages import TEMPLATES

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    return env.get_template("graph-grid.svg.j2")
