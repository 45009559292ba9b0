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
- Each drawing is keyed by its decisions (their page keys, which cover their front
  matter and the code), where they link and the relations among them, and kept in the
  page cache: a rebuild redraws, and writes the DOT of, only a part that changed.
- When notebooks are converted in a process pool, the drawings are made there too,
  beside the conversions; else here.
- Without any renderer, a drawing falls back to a plain grid of the decisions.

Every drawing is sanitized before it is kept.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from adrkit.core.decision_graph import graph_dot
from adrkit.publish.links import _Log
from adrkit.publish.model import Source, page_href

__all__ = ["BATCH", "Drawing", "Batch", "GraphPlan", "plan_graph", "GraphDrawer", "draw_dot"]

BATCH = 400
_KIND = "graph"


@dataclass(frozen=True)
class Drawing:
    svg: str
    note: str


@dataclass
class Batch:
    """One drawing: its decisions, the relations among them, and a key that changes
    when either does (the decisions' page keys cover their front matter and the code)."""

    sources: list[Source]
    edges: list[tuple[str, str, str]]
    key: str
    dot: Callable[[], str]
    multi: bool = False


class GraphPlan:
    def __init__(self, batches: list[Batch]):
        self.batches = batches


def plan_graph(sources: list[Source], multi: bool, batch: int = BATCH,
               drafts: list[Source] | None = None) -> GraphPlan:
    """The drawings of the graph of the published decisions `sources` (site order).
    A draft of `drafts` (read, not published) that a decision refers to is drawn as
    that draft, without a link, rather than as missing."""
    drafts = [d for d in drafts or [] if d.decision is not None]
    logs: dict[str, _Log] = {}
    for src in sources + drafts:
        logs.setdefault(src.log, _Log()).add(src.decision.stem, src.decision.number, src)  # type: ignore[union-attr]
    ident = {id(src.decision): _ident(src, multi) for src in sources + drafts}
    draft_by_ident = {_ident(d, multi): d for d in drafts}

    def ref_id(ref: str, log: str) -> str:
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
        refs = [(r, "supersedes") for r in d.supersedes] + [(r, "superseded-by") for r in d.superseded_by]
        refs += [(link.target, link.rel) for link in d.links]
        for ref, rel in refs:
            target = ref_id(ref, src.log)
            edges.append((ident[id(d)], rel, target))
            j = index.get(target)
            if j is not None:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(sources)):
        groups.setdefault(root(i), []).append(i)
    chunks: list[list[int]] = []
    for members in sorted(groups.values(), key=lambda m: m[0]):
        if chunks and len(chunks[-1]) + len(members) <= batch:
            chunks[-1].extend(members)
        else:
            chunks.append(list(members))
    out = []
    for members in chunks or [[]]:
        chosen = [sources[i] for i in sorted(members)]
        names = {_ident(s, multi) for s in chosen}
        mine = [e for e in edges if e[0] in names]
        shown = sorted({e[2] for e in mine if e[2] in draft_by_ident})
        unpublished = [draft_by_ident[name] for name in shown]
        key = hashlib.sha256(repr(([(_ident(s, multi), s.key, _href(s)) for s in chosen], mine,
                                   [(name, draft_by_ident[name].key) for name in shown])).encode()).hexdigest()
        out.append(Batch(chosen, mine, key, _dot_of(chosen, multi, ident, ref_id, unpublished), multi))
    return GraphPlan(out)


def _dot_of(chosen: list[Source], multi: bool, ident: dict[int, str],
            ref_id: Callable[[str, str], str], unpublished: list[Source] | None = None) -> Callable[[], str]:
    def dot() -> str:
        by_decision = {id(s.decision): s for s in chosen}
        return graph_dot([s.decision for s in chosen],  # type: ignore[misc]
                         href=lambda d: _href(by_decision[id(d)]),
                         node_id=lambda d: ident[id(d)],
                         ref_id=lambda d, ref: ref_id(ref, by_decision[id(d)].log),
                         unpublished=[s.decision for s in unpublished or []])
    return dot


def _ident(src: Source, multi: bool) -> str:
    return f"{src.log}:{src.name}" if multi else src.name


def _href(src: Source) -> str:
    return page_href(src.name, src.site_dir)


class GraphDrawer:
    """The drawings of a plan: kept ones from the cache (`get(kind, key)`), the others
    drawn by whoever takes them (`missing`, then `accept`: the conversion's process
    pool, when there is one) or else here; new drawings are kept (`put`)."""

    def __init__(self, plan: GraphPlan, fingerprint: str, get: Callable[[str, str], str | None],
                 put: Callable[[str, str, str], None]):
        self.plan = plan
        self._put = put
        self._keys = [hashlib.sha256(f"{fingerprint}\0{b.key}".encode()).hexdigest() for b in plan.batches]
        self._done: dict[int, Drawing] = {}
        self._new: set[int] = set()
        for i, key in enumerate(self._keys):
            text = get(_KIND, key)
            if text is not None and "\n" in text:
                note, svg = text.split("\n", 1)
                self._done[i] = Drawing(svg, note)

    def missing(self) -> list[tuple[int, str]]:
        """(part, DOT text) of every drawing still to make."""
        return [(i, batch.dot()) for i, batch in enumerate(self.plan.batches) if i not in self._done]

    def accept(self, part: int, svg: str | None, note: str) -> None:
        """A drawing made elsewhere (`draw_dot`); None: no renderer, draw a grid."""
        batch = self.plan.batches[part]
        self._done[part] = _finish(batch, svg, note)
        self._new.add(part)

    def drawings(self) -> list[Drawing]:
        """Every drawing, in order, drawing here what is still missing."""
        for part, dot in self.missing():
            self.accept(part, *draw_dot(dot))
        for part in sorted(self._new):
            drawing = self._done[part]
            self._put(_KIND, self._keys[part], f"{drawing.note}\n{drawing.svg}")
        self._new.clear()
        return [self._done[i] for i in range(len(self.plan.batches))]


def draw_dot(dot: str) -> tuple[str | None, str]:
    """(sanitized SVG of `dot`, how it was drawn); (None, why) without a renderer."""
    from adrkit.publish.sanitize import Sanitizer
    from adrkit.render.graphviz import render_svg

    result = render_svg(dot)
    if not getattr(result, "svg", None):
        return None, str(getattr(result, "note", "") or "drawn by adrkit (grid layout)")
    svg = result.svg
    start = svg.find("<svg")
    clean, _ = Sanitizer().clean(svg[start:] if start > 0 else svg)
    return clean, f"drawn by {getattr(result, 'renderer', 'graphviz')}"


def _finish(batch: Batch, svg: str | None, note: str) -> Drawing:
    if svg is None:
        from adrkit.publish.sanitize import Sanitizer

        names = {_ident(s, batch.multi) for s in batch.sources}
        grid = _grid_svg(batch.sources, [e for e in batch.edges if e[2] in names], batch.multi)
        svg, _ = Sanitizer().clean(grid)
    return Drawing(svg, " ".join(note.split()))


_W, _H, _GAP_X, _GAP_Y = 150, 46, 40, 44


def _grid_svg(chosen: list[Source], edges: list[tuple[str, str, str]], multi: bool) -> str:
    """A drawing that needs no renderer (from the `graph-grid.svg.j2` template): the
    decisions in order on a grid, relations as curves."""
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
