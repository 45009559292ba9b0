"""The decision graph: every decision of the log, who supersedes whom, and the typed
links between them, as Graphviz DOT.

Pure (standard library only). Nodes link to each decision's page and say their status
three ways: in words (the first line of the label: "0004 · superseded"), by colour, and
by the border (dashed for a draft, dotted for deprecated, double for superseded, marked
corners for rejected). Supersession is drawn as bold solid edges, plain links as
dashed edges labelled with their type. A link stored on both sides (`amends` on one,
`amended-by` on the other) is drawn once, from its active side; `graph_edges` lists
the edges as drawn, so a list of relations reads in the arrows' direction. A decision
referred to but not published (a draft) is drawn as a draft, not as missing. The output
is deterministic: nodes in number order, edges sorted.

Nodes are named by stem; a graph of several logs names them with `node_id` (e.g.
`payments:0007-use-x`) and maps each reference a decision makes to a node with
`ref_id` (so `0003-x` written in the log `payments` is `payments:0003-x`).
"""
from __future__ import annotations

import textwrap
from typing import Callable, Iterable

from adrkit.core.status_rules import REVERSE_RELS
from adrkit.core.decision import Decision, parse_filename
from adrkit.core.dot import dot_attrs, dot_quote
from adrkit.core.text import class_token

__all__ = ["STATUS_STYLES", "graph_dot", "graph_edges", "default_href"]

FONT = "Helvetica"

# status -> (fill, line, extra node style); superseded also gets a double border
STATUS_STYLES: dict[str, tuple[str, str, str]] = {
    "draft": ("#ffffff", "#9e9e9e", "dashed"),
    "proposed": ("#fff8e1", "#f9a825", ""),
    "accepted": ("#e8f5e9", "#2e7d32", ""),
    "rejected": ("#fdecea", "#c62828", "diagonals"),
    "deprecated": ("#eeeeee", "#757575", "dotted"),
    "superseded": ("#f5f5f5", "#9e9e9e", ""),
}
_UNKNOWN_STYLE = ("#ffffff", "#000000", "")
_MISSING_STYLE = ("#ffffff", "#bdbdbd", "dashed")


def default_href(decision: Decision) -> str:
    return f"{decision.stem}.html"


def _node_id(stem: str) -> str:
    return dot_quote(stem)


def _order(stem: str) -> tuple[str, int, str]:
    log, _, name = stem.rpartition(":")
    parsed = parse_filename(name)
    return (log, parsed[0] if parsed else 10**9, stem)


def _label(decision: Decision, status: str | None = None) -> str:
    title = "\n".join(textwrap.wrap(decision.title, 28)) or decision.title
    return f"{decision.label} · {status or decision.status}\n{title}"


def _passive(rel: str) -> bool:
    return rel.endswith("-by")


NodeId = Callable[[Decision], str]
RefId = Callable[[Decision, str], str]


def _stem(decision: Decision) -> str:
    return decision.stem


def _as_written(decision: Decision, ref: str) -> str:
    return ref


def _link_edges(decisions: list[Decision], node_id: NodeId = _stem,
                ref_id: RefId = _as_written) -> list[tuple[str, str, str]]:
    """(source, rel, target) of every link, each two-sided pair drawn once: from
    the active side ('amends', not 'amended-by'; the lower stem for symmetric ones)."""
    present = {(node_id(d), link.rel, ref_id(d, link.target)) for d in decisions for link in d.links}
    edges = set()
    for source, rel, target in present:
        if rel in ("supersedes", "superseded-by"):
            continue
        back = REVERSE_RELS.get(rel)
        if back and (target, back, source) in present:
            if _passive(rel) and not _passive(back):
                continue
            if _passive(rel) == _passive(back) and _order(source) > _order(target):
                continue
        edges.add((source, rel, target))
    return sorted(edges, key=lambda e: (_order(e[0]), _order(e[2]), e[1]))


def _supersede_edges(decisions: list[Decision], node_id: NodeId = _stem,
                     ref_id: RefId = _as_written) -> list[tuple[str, str]]:
    """(newer, older) pairs from both `supersedes` and `superseded-by`."""
    pairs = set()
    for d in decisions:
        me = node_id(d)
        pairs.update((me, ref_id(d, old)) for old in d.supersedes)
        pairs.update((ref_id(d, new), me) for new in d.superseded_by)
        pairs.update((me, ref_id(d, link.target)) for link in d.links if link.rel == "supersedes")
        pairs.update((ref_id(d, link.target), me) for link in d.links if link.rel == "superseded-by")
    return sorted(pairs, key=lambda p: (_order(p[0]), _order(p[1])))


def graph_edges(decisions: Iterable[Decision], *, node_id: NodeId = _stem,
                ref_id: RefId = _as_written) -> list[tuple[str, str, str]]:
    """(source, relation, target) of every edge as `graph_dot` draws it, in its order:
    supersession first, then links, each from the side its arrow starts (nodes named
    as `graph_dot` names them)."""
    decisions = sorted({node_id(d): d for d in decisions}.values(), key=lambda d: _order(node_id(d)))
    return ([(new, "supersedes", old) for new, old in _supersede_edges(decisions, node_id, ref_id)]
            + _link_edges(decisions, node_id, ref_id))


def graph_dot(decisions: Iterable[Decision], href: Callable[[Decision], str] = default_href, *,
              title: str = "", node_id: NodeId = _stem, ref_id: RefId = _as_written,
              unpublished: Iterable[Decision] = ()) -> str:
    """The decision graph as DOT text (left to right), ending in a newline.

    `href(decision)` gives the link of each node (its page on the site). A decision
    that is referred to but not in `decisions` is drawn as a dashed node: a draft of
    `unpublished` as that draft ("draft, not published", no link), anything else as
    'missing'. `node_id` and `ref_id` name the nodes of a graph of several logs (see
    above)."""
    decisions = sorted({node_id(d): d for d in decisions}.values(), key=lambda d: _order(node_id(d)))
    drafts = {node_id(d): d for d in unpublished}
    known = {node_id(d) for d in decisions}
    supersedes = _supersede_edges(decisions, node_id, ref_id)
    links = _link_edges(decisions, node_id, ref_id)
    missing = sorted({s for pair in supersedes for s in pair if s not in known}
                     | {s for edge in links for s in (edge[0], edge[2]) if s not in known}, key=_order)

    lines = ['digraph "decisions" {',
             "  graph " + dot_attrs({"rankdir": "LR", "fontname": FONT, "bgcolor": "transparent",
                                     "nodesep": 0.3, "ranksep": 0.5, "label": title or None,
                                     "labelloc": "t" if title else None}),
             "  node " + dot_attrs({"fontname": FONT, "fontsize": 11, "shape": "box", "style": "rounded,filled",
                                    "margin": "0.15,0.06"}),
             "  edge " + dot_attrs({"fontname": FONT, "fontsize": 9, "arrowsize": 0.7})]
    for d in decisions:
        fill, line, extra = STATUS_STYLES.get(d.status, _UNKNOWN_STYLE)
        tooltip = f"{d.label} {d.title} ({d.status}" + (f", {d.date})" if d.date else ")")
        attrs = {"label": _label(d), "URL": href(d), "target": "_top", "tooltip": tooltip,
                 "fillcolor": fill, "color": line, "style": "rounded,filled" + (f",{extra}" if extra else ""),
                 "peripheries": 2 if d.status == "superseded" else None,
                 "class": f"decision status-{class_token(d.status)}"}
        lines.append(f"  {_node_id(node_id(d))} {dot_attrs(attrs)}")
    for stem in missing:
        if stem in drafts:
            d = drafts[stem]
            fill, line, extra = STATUS_STYLES["draft"]
            lines.append(f"  {_node_id(stem)} " + dot_attrs({
                "label": _label(d, f"{d.status}, not published"),
                "tooltip": f"{d.label} {d.title} ({d.status}, not published)", "fillcolor": fill, "color": line,
                "fontcolor": "#616161", "style": f"rounded,filled,{extra}",
                "class": f"decision status-{class_token(d.status)} unpublished"}))
            continue
        fill, line, extra = _MISSING_STYLE
        parsed = parse_filename(stem.rpartition(":")[2])
        label = f"{parsed[0]:04d} (missing)" if parsed else f"{stem} (missing)"
        lines.append(f"  {_node_id(stem)} " + dot_attrs({
            "label": label, "tooltip": f"{stem} is referred to but not in the log", "fillcolor": fill,
            "color": line, "fontcolor": "#757575", "style": f"rounded,filled,{extra}",
            "class": "decision missing"}))
    for new, old in supersedes:
        lines.append(f"  {_node_id(new)} -> {_node_id(old)} " + dot_attrs({
            "label": "supersedes", "tooltip": f"{new} supersedes {old}", "penwidth": 2,
            "color": "#424242", "fontcolor": "#424242", "class": "supersedes"}))
    for source, rel, target in links:
        lines.append(f"  {_node_id(source)} -> {_node_id(target)} " + dot_attrs({
            "label": rel, "tooltip": f"{source} {rel} {target}", "style": "dashed",
            "color": "#1a56db", "fontcolor": "#1a56db", "class": "link"}))
    lines.append("}")
    return "\n".join(lines) + "\n"
