"""A request lifecycle drawn for people: a Mermaid flowchart for markdown, a plain
outline for terminals, and an HTML figure with the SVG inline (via Graphviz).

The DOT text itself is `adrkit.core.requestflow.dot`.
"""
from __future__ import annotations

import json
from typing import Any

from adrkit.core.requestflow import Lifecycle, clean_text, stage_details
from adrkit.core.requestflow.dot import COLORS

__all__ = ["lifecycle_mermaid", "lifecycle_text", "lifecycle_html", "mermaid_text"]


def mermaid_text(text: Any) -> str:
    """Text made safe inside a quoted Mermaid label (entity codes for the specials)."""
    raw = clean_text(text)
    return "".join(f"#{ord(ch)};" if ch in '"#&<>`|\\' else ch for ch in raw)


def lifecycle_mermaid(lc: Lifecycle) -> str:
    """A Mermaid flowchart (LR) for markdown; GitHub renders it."""
    lines = ["flowchart LR"]
    if lc.title:  # front matter; a JSON string is a valid YAML double-quoted scalar
        lines[:0] = ["---", f"title: {json.dumps(clean_text(lc.title), ensure_ascii=False)}", "---"]
    classes: dict[str, list[str]] = {}
    link_styles: dict[str, list[int]] = {}
    edges: list[str] = []

    def node(node_id: str, shape: tuple[str, str], label: str, cls: str) -> None:
        lines.append(f'  {node_id}{shape[0]}"{label}"{shape[1]}')
        classes.setdefault(cls, []).append(node_id)

    def edge(a: str, arrow: str, b: str, label: str, cls: str) -> None:
        text = f'|"{mermaid_text(label)}"|' if label else ""
        link_styles.setdefault(cls, []).append(len(edges))
        edges.append(f"  {a} {arrow}{text} {b}")

    ids = {s.name: f"s{i}" for i, s in enumerate(lc.stages)}
    for stage in lc.stages:
        parts = [mermaid_text(stage.name)]
        for line in stage_details(stage):
            parts.append(f"<small>{mermaid_text(line)}</small>")
        node(ids[stage.name], ("[", "]"), "<br/>".join(parts), "stage")
    for a, b in zip(lc.stages, lc.stages[1:]):
        edge(ids[a.name], "==>", ids[b.name], "", "happy")
    exit_ids: dict[tuple[str, int | None], str] = {}
    for ex in lc.exits:
        if ex.key not in exit_ids:
            exit_ids[ex.key] = f"x{len(exit_ids)}"
            node(exit_ids[ex.key], ("([", "])"), mermaid_text(ex.display), "exit")
        edge(ids[ex.source], "-.->", exit_ids[ex.key], ex.when, "failure")
    for stage in lc.stages:
        sid, n = ids[stage.name], ids[stage.name][1:]
        if stage.taps:
            node(f"t{n}", (">", "]"), mermaid_text(" + ".join(stage.taps)), "tap")
            edge(f"t{n}", "-.-", sid, "", "tap")
        if stage.cache:
            node(f"c{n}", ("[(", ")]"), mermaid_text(stage.cache.store or "cache"), "cache")
            edge(sid, "<-.->", f"c{n}", stage.cache.short().replace("\n", ", "), "cache")
        if stage.circuit_breaker and stage.circuit_breaker.target:
            cb = stage.circuit_breaker
            node(f"d{n}", ("[[", "]]"), mermaid_text(cb.target), "dependency")
            edge(sid, "-.->", f"d{n}", cb.short().replace("\n", ", "), "dependency")
        if stage.queue:
            q = stage.queue
            node(f"q{n}", ("[(", ")]"), mermaid_text(q.queue), "queue")
            edge(sid, "-.->", f"q{n}", "enqueue", "async")
            last = f"q{n}"
            if q.worker:
                node(f"w{n}", ("(", ")"), mermaid_text(q.worker), "queue")
                edge(f"q{n}", "-.->", f"w{n}", "consume", "async")
                last = f"w{n}"
            if q.dead_letter:
                node(f"dlq{n}", ("[(", ")]"), mermaid_text(q.dead_letter), "exit")
                edge(last, "-.->", f"dlq{n}", f"after {q.max_attempts} attempts" if q.max_attempts
                     else "on failure", "failure")
    lines.extend(edges)
    for cls, (fill, line, text) in (("stage", COLORS["stage"]), ("exit", COLORS["exit"]),
                                    ("tap", COLORS["tap"]), ("cache", COLORS["cache"]),
                                    ("dependency", COLORS["dependency"]), ("queue", COLORS["async"])):
        if cls in classes:
            lines.append(f"  classDef {cls} fill:{fill},stroke:{line},color:{text}")
            lines.append(f"  class {','.join(classes[cls])} {cls}")
    for cls, color, extra in (("happy", COLORS["stage"][1], ",stroke-width:2px"),
                              ("failure", COLORS["exit"][1], ""), ("tap", COLORS["tap"][1], ""),
                              ("cache", COLORS["cache"][1], ""),
                              ("dependency", COLORS["dependency"][1], ""), ("async", COLORS["async"][1], "")):
        if cls in link_styles:
            lines.append(f"  linkStyle {','.join(map(str, link_styles[cls]))} stroke:{color}{extra}")
    return "\n".join(lines) + "\n"


def lifecycle_text(lc: Lifecycle) -> str:
    """A plain outline for terminals."""
    count = len(lc.stages)
    head = f"{lc.title or 'Request lifecycle'} '{lc.name}': {count} stage{'s' if count != 1 else ''}"
    lines = [head]
    width = len(str(count))
    for i, stage in enumerate(lc.stages, 1):
        line = f"  {i:>{width}}. {stage.name}"
        if stage.taps:
            line += f"  [{' + '.join(stage.taps)}]"
        lines.append(line)
        pad = " " * (width + 6)
        if stage.note:
            lines.append(f"{pad}{stage.note}")
        for ann in stage.annotations().values():
            lines.append(f"{pad}{ann.describe()}")
        for ex in lc.exits_from(stage.name):
            cause = f"{ex.when} -> " if ex.when else ""
            lines.append(f"{pad}fails: {cause}{ex.display}")
        if i < count:
            lines.append(f"{' ' * (width + 2)}  |")
    return "\n".join(lines) + "\n"


def lifecycle_html(lifecycle: Lifecycle) -> str:
    """The lifecycle's figure, captioned with its title (the drawing itself is
    untitled, so the title is shown and read out once)."""
    from adrkit.render.diagrams import figure_html

    return figure_html(lifecycle.to_dot(title=False), kind="lifecycle", caption=lifecycle.title)
