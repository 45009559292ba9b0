"""A request lifecycle as Graphviz DOT text: the happy path bold, failure exits dashed
red, taps dotted grey, async hops (queues) dashed purple, dependencies orange. Node ids
are generated, never user text; every label is escaped by `adrkit.core.dot`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adrkit.core.dot import FONT, Html, dot_attrs, dot_html, dot_quote
from adrkit.core.requestflow.model import Stage, stage_details

if TYPE_CHECKING:
    from adrkit.core.requestflow.model import Lifecycle

__all__ = ["COLORS", "lifecycle_dot"]


COLORS = {
    "stage": ("#e8f0fe", "#1a56db", "#0b2a6f"),
    "exit": ("#fdecea", "#c62828", "#8e1c1c"),
    "tap": ("#f5f5f5", "#9e9e9e", "#616161"),
    "async": ("#f3e8fd", "#7b3fbf", "#4a2275"),
    "dlq": ("#fdecea", "#c62828", "#8e1c1c"),
    "dependency": ("#fff4e5", "#e07b00", "#7a4300"),
    "cache": ("#e6f6f4", "#00897b", "#00564d"),
}


def _style(kind: str, **extra: Any) -> dict[str, Any]:
    fill, line, text = COLORS[kind]
    return {"style": "filled", "fillcolor": fill, "color": line, "fontcolor": text, **extra}


def lifecycle_dot(lifecycle: "Lifecycle", *, title: bool = True) -> str:
    """The DOT text of one lifecycle (`title=False` leaves the title label out)."""
    return _Dot(lifecycle, title=title).render()


class _Dot:
    """Builds the DOT text of one lifecycle; node ids are generated, never user text."""

    def __init__(self, lifecycle: "Lifecycle", *, title: bool = True):
        self.lc = lifecycle
        self.title = lifecycle.title if title else ""
        self.lines: list[str] = []

    def node(self, node_id: str, **attrs: Any) -> None:
        self.lines.append(f"  {node_id} {dot_attrs(attrs)}")

    def edge(self, a: str, b: str, **attrs: Any) -> None:
        self.lines.append(f"  {a} -> {b} {dot_attrs(attrs)}".rstrip())

    def comment(self, text: str) -> None:
        self.lines.append(f"  // {text}")

    def stage_label(self, stage: Stage) -> Html:
        rows = [f"<b>{dot_html(stage.name)}</b>"]
        rows += [f'<font point-size="9">{dot_html(line)}</font>' for line in stage_details(stage)]
        return Html("<br/>".join(rows))

    def render(self) -> str:
        lc = self.lc
        head = [f"digraph {dot_quote('lifecycle ' + lc.name)} {{",
                f"  graph {dot_attrs({'rankdir': 'LR', 'fontname': FONT, 'nodesep': 0.3, 'ranksep': 0.45, 'bgcolor': 'transparent', 'label': self.title or None, 'labelloc': 't' if self.title else None, 'fontsize': 14})}",
                f"  node {dot_attrs({'fontname': FONT, 'fontsize': 11, 'shape': 'box', 'style': 'rounded', 'margin': '0.15,0.06'})}",
                f"  edge {dot_attrs({'fontname': FONT, 'fontsize': 9, 'arrowsize': 0.7})}"]
        ids = {s.name: f"s{i}" for i, s in enumerate(lc.stages)}

        self.comment("happy path")
        for stage in lc.stages:
            self.node(ids[stage.name], label=self.stage_label(stage), shape="box",
                      tooltip="\n".join([stage.name, *(a.describe() for a in stage.annotations().values())]),
                      **_style("stage", style="rounded,filled", penwidth=1.5), **{"class": "stage"})
        for a, b in zip(lc.stages, lc.stages[1:]):
            self.edge(ids[a.name], ids[b.name], tooltip=f"{a.name} -> {b.name}",
                      color=COLORS["stage"][1], penwidth=2, weight=10,
                      **{"class": "happy"})

        same_rank: dict[str, list[str]] = {ids[s.name]: [] for s in lc.stages}
        self.render_exits(ids, same_rank)
        self.render_taps(ids, same_rank)
        self.render_annotations(ids, same_rank)

        for stage_id, members in same_rank.items():
            if members:
                self.lines.append("  { rank=same; " + "; ".join([stage_id, *members]) + "; }")
        return "\n".join(head + self.lines + ["}"]) + "\n"

    def render_exits(self, ids: dict[str, str], same_rank: dict[str, list[str]]) -> None:
        if not self.lc.exits:
            return
        self.comment("failure exits")
        exit_ids: dict[tuple[str, int | None], str] = {}
        sources: dict[str, list[str]] = {}
        for ex in self.lc.exits:
            if ex.key not in exit_ids:
                exit_ids[ex.key] = f"x{len(exit_ids)}"
                self.node(exit_ids[ex.key], label=ex.display, tooltip=ex.display, shape="box",
                          **_style("exit", style="rounded,filled"), **{"class": "exit"})
            sources.setdefault(exit_ids[ex.key], []).append(ids[ex.source])
        for ex in self.lc.exits:
            color, text = COLORS["exit"][1], COLORS["exit"][2]
            cause = f"{ex.when} -> " if ex.when else ""
            self.edge(ids[ex.source], exit_ids[ex.key], label=ex.when or None,
                      tooltip=f"{ex.source}: {cause}{ex.display}", style="dashed",
                      color=color, fontcolor=text, **{"class": "failure"})
        for exit_id, stage_ids in sources.items():
            if len(stage_ids) == 1:
                same_rank[stage_ids[0]].append(exit_id)

    def render_taps(self, ids: dict[str, str], same_rank: dict[str, list[str]]) -> None:
        tapped = [s for s in self.lc.stages if s.taps]
        if not tapped:
            return
        self.comment("observability taps")
        for stage in tapped:
            tap_id = f"t{ids[stage.name][1:]}"
            taps = " + ".join(stage.taps)
            self.node(tap_id, label=taps, tooltip=f"{stage.name}: {taps}", shape="note", fontsize=9,
                      **_style("tap"), **{"class": "tap"})
            self.edge(tap_id, ids[stage.name], tooltip=f"{stage.name}: {taps}", style="dotted",
                      arrowhead="none",
                      color=COLORS["tap"][1], **{"class": "tap"})
            same_rank[ids[stage.name]].insert(0, tap_id)

    def render_annotations(self, ids: dict[str, str], same_rank: dict[str, list[str]]) -> None:
        for stage in self.lc.stages:
            sid = ids[stage.name]
            n = sid[1:]
            if stage.cache:
                self.comment(f"cache of stage {int(n) + 1}")
                cache = stage.cache
                self.node(f"c{n}", label=cache.store or "cache", tooltip=cache.describe(), shape="cylinder",
                          **_style("cache"), **{"class": "cache"})
                self.edge(sid, f"c{n}", label=cache.short(), tooltip=cache.describe(), dir="both",
                          style="dashed",
                          color=COLORS["cache"][1], fontcolor=COLORS["cache"][2], **{"class": "cache"})
                same_rank[sid].append(f"c{n}")
            if stage.circuit_breaker and stage.circuit_breaker.target:
                self.comment(f"dependency of stage {int(n) + 1}")
                cb = stage.circuit_breaker
                self.node(f"d{n}", label=cb.target, tooltip=cb.describe(), shape="component",
                          **_style("dependency"), **{"class": "dependency"})
                self.edge(sid, f"d{n}", label=cb.short(), tooltip=cb.describe(), style="dashed",
                          color=COLORS["dependency"][1],
                          fontcolor=COLORS["dependency"][2], **{"class": "dependency"})
                same_rank[sid].append(f"d{n}")
            if stage.queue:
                self.comment(f"async hand-off of stage {int(n) + 1}")
                q = stage.queue
                tip = q.describe()
                self.node(f"q{n}", label=q.queue, tooltip=tip, shape="cylinder", **_style("async"),
                          **{"class": "queue"})
                self.edge(sid, f"q{n}", label="enqueue", tooltip=tip, style="dashed", color=COLORS["async"][1],
                          fontcolor=COLORS["async"][2], **{"class": "async"})
                last = f"q{n}"
                if q.worker:
                    self.node(f"w{n}", label=q.worker, tooltip=tip, shape="box",
                              **_style("async", style="rounded,dashed,filled"), **{"class": "worker"})
                    self.edge(f"q{n}", f"w{n}", label="consume", tooltip=tip, style="dashed",
                              color=COLORS["async"][1],
                              fontcolor=COLORS["async"][2], **{"class": "async"})
                    last = f"w{n}"
                if q.dead_letter:
                    when = f"after {q.max_attempts} attempts" if q.max_attempts else "on failure"
                    self.node(f"dlq{n}", label=q.dead_letter, tooltip=tip, shape="cylinder", **_style("dlq"),
                              **{"class": "dead-letter"})
                    self.edge(last, f"dlq{n}", label=when, tooltip=tip, style="dotted", color=COLORS["dlq"][1],
                              fontcolor=COLORS["dlq"][2], **{"class": "failure"})
