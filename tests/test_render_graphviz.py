"""Drawing DOT as SVG: with the system's Graphviz, with the pip-installed fallback
(no `dot` on PATH), and with no renderer at all (the DOT source and a note)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from adrkit.render import graphviz as gv
from adrkit.render.diagrams import figure_html
from adrkit.core.requestflow import Lifecycle
from adrkit.render.requestflow import lifecycle_html

GOLDEN = Path(__file__).parent / "golden"
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="the system's Graphviz (dot) is not installed")


def complex_dot() -> str:
    data = yaml.safe_load((GOLDEN / "lifecycle-complex.yaml").read_text(encoding="utf-8"))
    return Lifecycle.from_dict(data).to_dot()


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """PATH without any `dot` (an empty folder)."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(gv.RENDERER_ENV, raising=False)
    return empty


@pytest.fixture
def no_renderer(no_dot, monkeypatch):
    monkeypatch.setattr(gv, "_pure_program", lambda: None)


def assert_safe_svg(svg: str) -> None:
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<!--" not in svg
    assert "<script" not in svg.lower()


@needs_dot
def test_system_graphviz_draws(monkeypatch):
    monkeypatch.delenv(gv.RENDERER_ENV, raising=False)
    assert gv.which_renderer().name == "graphviz"
    result = gv.render_svg(complex_dot())
    assert result.ok and result.renderer == "graphviz"
    assert_safe_svg(result.svg)
    for text in ("Charge Payment", "Return 503", "Payment API", "receipts-dlq",
                 "Checkout &lt;POST /orders&gt; &amp;"):
        assert text in result.svg


def test_fallback_draws_when_dot_is_not_on_path(no_dot):
    renderer = gv.which_renderer()
    assert renderer.name == "graphviz-pure", "graphviz-pure should be found beside this Python"
    result = gv.render_svg(complex_dot())
    assert result.ok and result.renderer == "graphviz-pure"
    assert_safe_svg(result.svg)
    assert "Charge Payment" in result.svg and "Idempotency-Key header" in result.svg


def test_fallback_in_a_fresh_process_without_dot(tmp_path):
    """As a user with no Graphviz package runs it: a child process whose PATH has no dot."""
    empty = tmp_path / "bin"
    empty.mkdir()
    code = textwrap.dedent("""
        import json
        from adrkit.render.graphviz import render_svg, which_renderer
        from adrkit.core.requestflow import Lifecycle
        r = render_svg(Lifecycle.default().to_dot())
        print(json.dumps({"which": which_renderer().name, "renderer": r.renderer,
                          "svg": (r.svg or "")[:4], "has": "Business Logic" in (r.svg or "")}))
    """)
    env = {k: v for k, v in os.environ.items() if k != gv.RENDERER_ENV}
    env["PATH"] = str(empty)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"which": "graphviz-pure", "renderer": "graphviz-pure",
                                       "svg": "<svg", "has": True}


def test_no_renderer_gives_the_dot_source_and_a_note(no_renderer):
    assert gv.which_renderer().name == "none"
    assert gv.available_renderers() == []
    dot = Lifecycle.default().to_dot()
    result = gv.render_svg(dot)
    assert result.svg is None and not result.ok and result.renderer == "none"
    assert "no Graphviz renderer found" in result.note
    assert "pip install graphviz-pure" in result.note and "apt install graphviz" in result.note
    html = figure_html(dot, kind="lifecycle")
    assert "<svg" not in html
    assert "adrkit-diagram-source" in html and "pip install graphviz-pure" in html
    assert "&lt;b&gt;Request&lt;/b&gt;" in html  # the DOT source, escaped


def test_lifecycle_html_without_renderer(no_renderer):
    html = lifecycle_html(Lifecycle.default())
    assert "<pre><code class=\"language-dot\">digraph" in html


@pytest.mark.parametrize("setting, expected", [
    ("graphviz-pure", "graphviz-pure"), ("pure", "graphviz-pure"), ("none", "none"), ("auto", None),
])
def test_renderer_can_be_chosen(monkeypatch, setting, expected):
    monkeypatch.setenv(gv.RENDERER_ENV, setting)
    if expected is None:
        expected = "graphviz" if HAS_DOT else "graphviz-pure"
    assert gv.which_renderer().name == expected
    result = gv.render_svg("digraph { a -> b }")
    assert result.renderer == expected
    assert result.ok == (expected != "none")
    if expected == "none":
        assert "turned off" in result.note


def test_unknown_renderer_setting_is_explained(monkeypatch):
    monkeypatch.setenv(gv.RENDERER_ENV, "mermaid")
    result = gv.render_svg("digraph { a -> b }")
    assert result.svg is None and "ADRKIT_RENDERER=mermaid" in result.note and "graphviz-pure" in result.note


def test_a_broken_graph_gives_a_note_not_a_crash():
    result = gv.render_svg("digraph { a -> ")
    assert result.svg is None
    assert result.renderer in ("graphviz", "graphviz-pure")
    assert "could not draw" in result.note


@needs_dot
@pytest.mark.parametrize("renderer", ["dot", "graphviz-pure"])
def test_both_renderers_keep_links_and_tooltips(monkeypatch, renderer):
    monkeypatch.setenv(gv.RENDERER_ENV, renderer)
    result = gv.render_svg('digraph { a [label="A & B", URL="0001-a.html", tooltip="T \\"q\\""] }')
    assert result.ok
    assert 'xlink:href="0001-a.html"' in result.svg
    assert "A &amp; B" in result.svg


def test_sanitize_strips_prolog_scripts_and_handlers():
    raw = ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n<!-- c -->\n'
           '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'width="10pt" onload="alert(1)"><script>alert(2)</script>'
           '<g id="node1" onclick="x()"><a xlink:href=" JaVa script:alert(3)"><text>hi</text></a>'
           '<a xlink:href="#node1"><text xml:space="preserve">ok</text></a>'
           '<path fill="url(#grad)" /><foreignObject><div>x</div></foreignObject></g></svg>')
    svg = gv.sanitize_svg(raw, id_prefix="p-")
    assert_safe_svg(svg)
    assert "onload" not in svg and "onclick" not in svg and "alert" not in svg
    assert "foreignObject" not in svg
    assert 'id="p-node1"' in svg and 'xlink:href="#p-node1"' in svg and 'fill="url(#p-grad)"' in svg
    assert 'xml:space="preserve"' in svg
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "ns0:" not in svg


def test_render_result_is_reused_for_the_same_graph(monkeypatch):
    dot = "digraph { reuse -> me }"
    first = gv.render_svg(dot)
    calls = []
    monkeypatch.setattr(gv.subprocess, "run", lambda *a, **k: calls.append(a) or None)
    second = gv.render_svg(dot)
    assert second == first and calls == []


def test_two_diagrams_on_one_page_do_not_share_ids():
    one = gv.render_svg("digraph { a -> b }").svg
    two = gv.render_svg("digraph { c -> d }").svg
    ids = lambda svg: set(__import__("re").findall(r' id="([^"]+)"', svg))
    assert ids(one) and not ids(one) & ids(two)


# --- the doctor command ------------------------------------------------------------------

def test_doctor_reports_the_renderer(cli):
    res = cli("doctor", "--json")
    assert res.code == 0, res.err
    report = json.loads(res.out)
    assert report["adrkit"]["version"]
    assert report["python"]["version"].count(".") == 2
    assert report["renderer"]["name"] == ("graphviz" if HAS_DOT else "graphviz-pure")
    assert set(report["tools"]) == {"chromium", "adr-tools", "node"}
    text = cli("doctor")
    assert text.code == 0 and "diagrams" in text.out and "adrkit" in text.out


def test_doctor_without_dot_reports_the_fallback(cli, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    report = json.loads(cli("doctor", "--json", env={"PATH": str(empty)}).out)
    assert report["renderer"]["name"] == "graphviz-pure"
    assert report["renderer"]["available"] == ["graphviz-pure"]
    none = cli("doctor", env={"PATH": str(empty), gv.RENDERER_ENV: "none"})
    assert "none: diagrams are shown as DOT source" in none.out
    assert "ADRKIT_RENDERER=none" in none.out
