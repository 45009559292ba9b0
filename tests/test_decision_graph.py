"""The decision graph: nodes colored by status and linking to pages, supersession and
links styled apart, deterministic output (golden DOT), drawn to SVG."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from adrkit.core.decision_graph import STATUS_STYLES, graph_dot
from adrkit.core.decision import Decision, Link
from adrkit.render import graphviz as gv
from adrkit.render.diagrams import decision_graph_html, decision_graph_svg

GOLDEN = Path(__file__).parent / "golden"


def log() -> list[Decision]:
    return [
        Decision(1, "record-architecture-decisions", "Record architecture decisions", status="accepted",
                 date="2026-01-01", links=[Link("amended-by", "0003-use-postgresql")]),
        Decision(2, "use-mysql", 'Use MySQL "fast" <db> & co', status="superseded",
                 superseded_by=["0003-use-postgresql"]),
        Decision(3, "use-postgresql", "Use PostgreSQL for orders and everything else too", status="accepted",
                 supersedes=["0002-use-mysql"],
                 links=[Link("amends", "0001-record-architecture-decisions"), Link("relates-to", "0004-cache")]),
        Decision(4, "cache", "Cache \\ reads", status="proposed",
                 links=[Link("relates-to", "0003-use-postgresql"), Link("depends-on", "0009-gone")]),
        Decision(5, "drop-soap", "Drop SOAP", status="rejected"),
        Decision(6, "old-queue", "Old queue", status="deprecated"),
        Decision(7, "wip", "Work in progress", status="draft"),
    ]


def test_golden_decision_graph():
    dot = graph_dot(log())
    path = GOLDEN / "decision-graph.dot"
    if os.environ.get("ADRKIT_UPDATE_GOLDEN") == "1":
        path.write_text(dot, encoding="utf-8")
    assert dot == path.read_text(encoding="utf-8")


def test_order_does_not_matter():
    shuffled = log()
    random.Random(4).shuffle(shuffled)
    assert graph_dot(shuffled) == graph_dot(log())


def test_nodes_link_to_pages_and_are_colored_by_status():
    dot = graph_dot(log(), href=lambda d: f"../{d.number:04d}/")
    line = next(l for l in dot.splitlines() if l.startswith('  "0003-use-postgresql" ['))
    assert 'URL="../0003/"' in line and 'label="0003 · accepted\\nUse PostgreSQL for orders\\nand everything else too"' in line
    assert 'tooltip="0003 Use PostgreSQL for orders and everything else too (accepted)"' in line
    for d in log():
        fill = STATUS_STYLES[d.status][0]
        node = next(l for l in dot.splitlines() if l.startswith(f'  "{d.stem}" ['))
        assert f'fillcolor="{fill}"' in node and f"status-{d.status}" in node
    assert len({STATUS_STYLES[s][0] for s in STATUS_STYLES}) >= 5


def test_edges_supersede_solid_links_dashed_and_two_sided_links_once():
    dot = graph_dot(log())
    edges = [l for l in dot.splitlines() if " -> " in l]
    supersede = [l for l in edges if 'class="supersedes"' in l]
    links = [l for l in edges if 'class="link"' in l]
    assert len(supersede) == 1 and supersede[0].startswith('  "0003-use-postgresql" -> "0002-use-mysql"')
    assert "dashed" not in supersede[0] and "penwidth=2" in supersede[0]
    assert all('style="dashed"' in l for l in links)
    assert [l.split(" [")[0].strip() for l in links] == [
        '"0003-use-postgresql" -> "0001-record-architecture-decisions"',
        '"0003-use-postgresql" -> "0004-cache"',
        '"0004-cache" -> "0009-gone"',
    ]
    assert 'label="amends"' in links[0]


def test_missing_targets_are_drawn_dashed():
    dot = graph_dot(log())
    assert '"0009-gone" [label="0009 (missing)"' in dot


def test_status_is_said_in_words_and_by_border_not_colour_alone():
    dot = graph_dot(log())
    node = {d.stem: next(l for l in dot.splitlines() if l.startswith(f'  "{d.stem}" [')) for d in log()}
    for d in log():
        assert f'label="{d.label} · {d.status}\\n' in node[d.stem]
    assert "dashed" in node["0007-wip"] and "dotted" in node["0006-old-queue"]
    assert "diagonals" in node["0005-drop-soap"] and "peripheries=2" in node["0002-use-mysql"]


def test_an_unpublished_draft_is_drawn_as_a_draft_not_as_missing():
    from adrkit.core.decision_graph import graph_edges

    published = [d for d in log() if d.status != "draft"]
    draft = next(d for d in log() if d.status == "draft")
    published[3].links.append(Link("relates-to", draft.stem))
    dot = graph_dot(published, unpublished=[draft])
    line = next(l for l in dot.splitlines() if l.startswith(f'  "{draft.stem}" ['))
    assert 'label="0007 · draft, not published\\nWork in progress"' in line and "URL=" not in line
    assert "missing" not in line
    # the relations, as drawn: supersession first, each in its arrow's direction
    assert graph_edges(published)[:2] == [("0003-use-postgresql", "supersedes", "0002-use-mysql"),
                                          ("0003-use-postgresql", "amends", "0001-record-architecture-decisions")]


def test_labels_are_escaped():
    dot = graph_dot(log())
    assert 'label="0002 · superseded\\nUse MySQL \\"fast\\" <db> & co"' in dot
    assert 'label="0004 · proposed\\nCache \\\\ reads"' in dot


def test_empty_log():
    assert graph_dot([]).startswith('digraph "decisions" {')


@pytest.mark.parametrize("renderer", ["dot", "graphviz-pure"])
def test_drawn_for_the_site(monkeypatch, renderer):
    import shutil

    if renderer == "dot" and not shutil.which("dot"):
        pytest.skip("the system's Graphviz is not installed")
    monkeypatch.setenv(gv.RENDERER_ENV, renderer)
    result = decision_graph_svg(log(), href=lambda d: f"{d.stem}.html")
    assert result.ok
    assert 'xlink:href="0003-use-postgresql.html"' in result.svg
    assert "Use MySQL &quot;fast&quot; &lt;db&gt; &amp; co" in result.svg or \
        'Use MySQL "fast" &lt;db&gt; &amp; co' in result.svg
    html = decision_graph_html(log())
    assert 'class="adrkit-diagram adrkit-decision-graph"' in html and "<svg" in html


def test_hostile_href_is_dropped_from_svg(monkeypatch):
    monkeypatch.setenv(gv.RENDERER_ENV, "graphviz-pure")
    result = decision_graph_svg(log()[:1], href=lambda d: "javascript:alert(1)")
    assert result.ok and "javascript" not in result.svg
