"""The published site, checked by properties of its HTML and files: every page and its
header, links both ways, safety (CSP, no inline script, nothing from another host, a
hostile decision left inert), incremental rebuilds, failures reported while the rest
builds, --strict, and the atomic swap of the output folder.

The helpers at the top build decision logs for these tests and the browser tests."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from adrkit.formats.yamlio import dump_front_matter
from adrkit.formats.notebook import dumps_notebook
from adrkit.publish import BuildOptions, build_site
from adrkit.storage.log import find_log, init_log

# --- building logs ------------------------------------------------------------------

_ids = iter(range(1, 1_000_000))


def cell(kind: str, source: str, *, tags=(), outputs=None, **metadata) -> dict:
    c = {"cell_type": kind, "id": f"c{next(_ids):06d}", "metadata": dict(metadata), "source": source}
    if tags:
        c["metadata"]["tags"] = list(tags)
    if kind == "code":
        c["outputs"] = outputs or []
        c["execution_count"] = None
    return c


def md(text: str, **kw) -> dict:
    return cell("markdown", text, **kw)


def code(text: str, **kw) -> dict:
    return cell("code", text, **kw)


def html_output(html: str, text: str = "") -> dict:
    data = {"text/html": html}
    if text:
        data["text/plain"] = text
    return {"output_type": "display_data", "data": data, "metadata": {}}


def notebook(front: dict, cells: list[dict]) -> dict:
    return {"cells": [cell("raw", dump_front_matter(front)), *cells],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def write_record(log_dir: Path, stem: str, front: dict, cells: list[dict] | None = None,
                 data: str | None = None) -> Path:
    front = {"status": "accepted", "date": "2025-01-01", **front}
    if cells is None:
        cells = [md(f"## Context\n\nThe context of {front['title']}."),
                 md("## Decision\n\nWe do it.")]
    path = log_dir / f"{stem}.ipynb"
    path.write_text(dumps_notebook(notebook(front, cells)), encoding="utf-8")
    if data is not None:
        path.with_suffix(".yaml").write_text(data, encoding="utf-8")
    return path


TRADEOFF_YAML = """tradeoffs:
  main:
    question: Which datastore should the orders service use?
    criteria:
    - {name: Transactions, weight: 5}
    - {name: Ops effort, weight: 3}
    options:
    - name: PostgreSQL
      scores: {Transactions: 5, Ops effort: 3}
    - name: MongoDB
      scores: {Transactions: 3, Ops effort: 4}
    chosen: PostgreSQL
    because: orders need multi-row transactions.
"""

LIFECYCLE_YAML = """lifecycles:
  main:
    title: Publish an event
    stages: [Request, Validate, Append to log]
"""

SEARCH_WORD = "zanzibarite"


def sample_log(root: Path, *, title: str = "Acme decisions") -> Path:
    """Six records: accepted, superseded pair, a link, a draft, a deprecated one, with a
    trade-off table and a lifecycle in data files. Returns the decisions folder."""
    log, _ = init_log(root)
    (root / ".adrkit.yaml").write_text(
        f"decisions: decisions\ntemplate: madr\nsite:\n  title: {title}\n  out: site\n", encoding="utf-8")
    d = log.dir
    write_record(d, "0001-record-architecture-decisions", {
        "title": "Record architecture decisions", "date": "2024-01-10", "decision-makers": ["Ana Lima"],
        "tags": ["process"]})
    write_record(d, "0002-use-postgresql-for-orders", {
        "title": "Use PostgreSQL for orders", "status": "superseded", "date": "2024-02-01",
        "decision-makers": ["Ana Lima", "Bo Chen"], "consulted": ["DBA team"], "informed": ["Everyone"],
        "tags": ["database", "storage"], "superseded-by": ["0004-use-cockroachdb"]},
        [md(f"## Context\n\nOrders need a store; the {SEARCH_WORD} migration taught us to plan."),
         md("## Considered Options\n\nSee the table."),
         code('from adrkit.widgets import tradeoff_editor\n\ntradeoff_editor("0002-use-postgresql-for-orders")',
              tags=["adrkit-tradeoff"],
              outputs=[{"output_type": "display_data", "metadata": {},
                        "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2,
                                                                              "version_minor": 0},
                                 "text/plain": "VBox(children=(STALE WIDGET OUTPUT,))"}}]),
         md("## Decision Outcome\n\nPostgreSQL, see [the process](0001-record-architecture-decisions.ipynb).")],
        data=TRADEOFF_YAML)
    write_record(d, "0003-adopt-kafka", {
        "title": "Adopt Kafka for events", "status": "proposed", "date": "2024-03-05", "tags": ["messaging"],
        "links": [{"rel": "amends", "target": "0001-record-architecture-decisions"}]},
        [md("## Context\n\nEvents flow between services."),
         code('from adrkit.widgets import lifecycle_editor\n\nlifecycle_editor("0003-adopt-kafka")',
              tags=["adrkit-lifecycle"]),
         code("print('shown code')", tags=["show-input"],
              outputs=[{"output_type": "stream", "name": "stdout", "text": "printed output\n"}]),
         code("secret_input = 1\nsecret_input",
              outputs=[{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                        "data": {"text/plain": "1"}}])],
        data=LIFECYCLE_YAML)
    write_record(d, "0004-use-cockroachdb", {
        "title": "Use CockroachDB for orders", "date": "2025-05-20", "tags": ["database"],
        "supersedes": ["0002-use-postgresql-for-orders"]})
    write_record(d, "0005-try-graphql", {"title": "Try GraphQL", "status": "draft", "date": "2025-06-01"})
    write_record(d, "0006-drop-soap", {"title": "Drop SOAP endpoints", "status": "deprecated",
                                       "date": "2023-11-30", "tags": ["api"]})
    return d


def build(root: Path, **options):
    options.setdefault("cache_dir", root / ".cache")
    options.setdefault("parallel", False)
    return build_site(find_log(start=root), BuildOptions(**options))


# --- reading HTML -------------------------------------------------------------------

@dataclass
class Element:
    tag: str
    attrs: dict[str, str]


@dataclass
class Doc:
    elements: list[Element] = field(default_factory=list)
    text: str = ""
    script_bodies: list[str] = field(default_factory=list)

    def find(self, tag: str, **attrs) -> list[Element]:
        return [e for e in self.elements if e.tag == tag
                and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.doc = Doc()
        self._in_script = False
        self._chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.doc.elements.append(Element(tag, {k: v or "" for k, v in attrs}))
        if tag == "script":
            self._in_script = True
            self.doc.script_bodies.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.doc.script_bodies[-1] += data
        else:
            self._chunks.append(data)

    def close(self):
        super().close()
        self.doc.text = " ".join(" ".join(self._chunks).split())


def parse(path_or_html) -> Doc:
    text = path_or_html.read_text(encoding="utf-8") if isinstance(path_or_html, Path) else path_or_html
    p = _Parser()
    p.feed(text)
    p.close()
    return p.doc


URL_ATTRS = ("href", "src", "xlink:href", "action", "srcset", "poster", "data")


def assert_safe_page(path: Path) -> Doc:
    """The safety properties every page of the site must have."""
    doc = parse(path)
    csp = doc.find("meta", http_equiv="Content-Security-Policy")
    assert csp, f"{path.name}: no Content-Security-Policy meta tag"
    policy = csp[0].attrs["content"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    for el in doc.elements:
        assert el.tag not in ("iframe", "object", "embed", "base", "form") or el.tag == "form" and \
            el.attrs.get("action") in ("index.html", "../index.html"), f"{path.name}: <{el.tag}> {el.attrs}"
        if el.tag == "script":  # a file, or a data block that is never run
            assert el.attrs.get("src") or el.attrs.get("type") == "application/json", f"{path.name}: inline <script>"
        if el.tag == "style":
            raise AssertionError(f"{path.name}: <style> element")
        for name, value in el.attrs.items():
            assert not name.startswith("on"), f"{path.name}: event handler {name}={value!r} on <{el.tag}>"
            if name in URL_ATTRS:
                v = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not v.startswith(("javascript:", "vbscript:")), f"{path.name}: {name}={value!r}"
                if el.tag != "a":  # only links may point elsewhere; nothing is loaded from another host
                    assert not re.match(r"^(https?:)?//", v), f"{path.name}: <{el.tag} {name}={value!r}>"
                    assert not v.startswith("data:") or (el.tag == "img" and v.startswith("data:image/")), value
                if el.tag == "a" and v.startswith("data:"):
                    raise AssertionError(f"{path.name}: data: link")
                if not re.match(r"^(https?:|mailto:|#|data:image/)", v):
                    assert not v.startswith("/"), f"{path.name}: absolute path {value!r} breaks sub-path hosting"
    for body in doc.script_bodies:
        if body.strip():  # only JSON data, with nothing that could close the element
            json.loads(body)
            assert "<" not in body and ">" not in body, f"{path.name}: unescaped markup in a data block"
    return doc


# --- the pages ------------------------------------------------------------------------

@pytest.fixture
def site(tmp_path):
    sample_log(tmp_path)
    report = build(tmp_path)
    return tmp_path / "site", report


def test_every_published_decision_has_a_page_and_drafts_are_left_out(site):
    out, report = site
    pages = sorted(p.name for p in out.glob("0*.html"))
    assert pages == ["0001-record-architecture-decisions.html", "0002-use-postgresql-for-orders.html",
                     "0003-adopt-kafka.html", "0004-use-cockroachdb.html", "0006-drop-soap.html"]
    for name in ("index.html", "timeline.html", "graph.html", "decisions.json", "feed.xml",
                 "search-index.js", "assets/adrkit.css", "assets/adrkit.js"):
        assert (out / name).is_file(), name
    assert report.pages == 5 and report.converted == 5 and not report.failures
    index = parse(out / "index.html")
    assert "Try GraphQL" not in index.text
    assert len(index.find("tr")) == 6  # header + 5


def test_drafts_are_published_when_asked(tmp_path):
    sample_log(tmp_path)
    build(tmp_path, drafts=True)
    assert (tmp_path / "site" / "0005-try-graphql.html").is_file()
    assert "Try GraphQL" in parse(tmp_path / "site" / "index.html").text


def test_decision_page_header_shows_the_front_matter(site):
    out, _ = site
    doc = parse(out / "0002-use-postgresql-for-orders.html")
    assert doc.find("h1")
    text = doc.text
    for expected in ("ADR 0002", "Use PostgreSQL for orders", "superseded", "2024-02-01",
                     "Decision-makers", "Ana Lima, Bo Chen", "Consulted", "DBA team", "Informed", "Everyone",
                     "database", "storage"):
        assert expected in text, expected
    assert [e for e in doc.find("span") if "status-superseded" in e.attrs.get("class", "")]
    assert doc.find("a", href="index.html?tag=database")
    assert "---" not in text.split("Skip to content")[1][:200]  # front matter not shown raw
    assert "title:" not in text


def test_superseded_page_has_banner_pointing_to_successor_and_backlinks(site):
    out, _ = site
    doc = parse(out / "0002-use-postgresql-for-orders.html")
    assert "This decision has been superseded." in doc.text
    successor = [e for e in doc.find("a") if "successor" in e.attrs.get("class", "")]
    assert successor and successor[0].attrs["href"] == "0004-use-cockroachdb.html"
    new = parse(out / "0004-use-cockroachdb.html")
    assert "Supersedes" in new.text and new.find("a", href="0002-use-postgresql-for-orders.html")
    # amends / amended by, and "referenced by" from a link in the text
    first = parse(out / "0001-record-architecture-decisions.html")
    assert "Amended by" in first.text and first.find("a", href="0003-adopt-kafka.html")
    assert "Referenced by" in first.text and first.find("a", href="0002-use-postgresql-for-orders.html")
    # the text's link to the notebook became a link to the page
    assert doc.find("a", href="0001-record-architecture-decisions.html")
    deprecated = parse(out / "0006-drop-soap.html")
    assert "This decision is deprecated." in deprecated.text


def test_previous_and_next(site):
    out, _ = site
    doc = parse(out / "0003-adopt-kafka.html")
    assert doc.find("a", rel="prev", href="0002-use-postgresql-for-orders.html")
    assert doc.find("a", rel="next", href="0004-use-cockroachdb.html")
    last = parse(out / "0006-drop-soap.html")
    assert not last.find("a", rel="next")


def test_tables_and_lifecycles_come_from_the_data_file_not_stored_outputs(site):
    out, _ = site
    page = (out / "0002-use-postgresql-for-orders.html").read_text(encoding="utf-8")
    assert "STALE WIDGET OUTPUT" not in page and "widget-view" not in page
    assert "Which datastore should the orders service use?" in page
    assert "PostgreSQL" in parse(page).text
    kafka = (out / "0003-adopt-kafka.html").read_text(encoding="utf-8")
    assert "Validate" in kafka and "Append to log" in kafka
    assert "<svg" in kafka or "adr-fallback" in kafka


def test_code_is_hidden_unless_tagged_and_outputs_are_kept(site):
    out, _ = site
    doc = parse(out / "0003-adopt-kafka.html")
    assert "shown code" in doc.text and "printed output" in doc.text
    assert "secret_input" not in doc.text and "lifecycle_editor" not in doc.text
    assert "tradeoff_editor" not in parse(out / "0002-use-postgresql-for-orders.html").text


def test_every_page_is_safe_and_relative(site):
    out, _ = site
    for path in out.glob("*.html"):
        assert_safe_page(path)
    css = (out / "assets" / "adrkit.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css and "@media print" in css
    assert not re.search(r"url\((['\"]?)(https?:)?//", css) and "@import" not in css
    for path in [*out.glob("*.html"), out / "assets" / "adrkit.js", out / "search-index.js"]:
        assert not re.search(r"(src|href)=\"(https?:)?//", path.read_text(encoding="utf-8")), path


def test_shared_stylesheets_not_inlined(site):
    out, _ = site
    for path in out.glob("*.html"):
        doc = parse(path)
        sheets = [e.attrs["href"] for e in doc.find("link") if e.attrs.get("rel") == "stylesheet"]
        assert sheets[0] == "assets/adrkit.css", path
        assert all(re.fullmatch(r"assets/adrkit[\w-]*\.css", s) and (out / s).is_file() for s in sheets), path
        assert path.stat().st_size < 60_000, path  # the stock lab template inlines ~265 KB


def test_machine_readable_outputs(site):
    out, _ = site
    data = json.loads((out / "decisions.json").read_text(encoding="utf-8"))
    assert data["count"] == 5
    by_stem = {d["stem"]: d for d in data["decisions"]}
    assert by_stem["0002-use-postgresql-for-orders"]["url"] == "0002-use-postgresql-for-orders.html"
    assert by_stem["0002-use-postgresql-for-orders"]["superseded-by"] == ["0004-use-cockroachdb"]
    feed = ET.parse(out / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 5
    assert entries[0].find("a:title", ns).text == "0004 Use CockroachDB for orders"  # newest first
    assert all(e.find("a:link", ns).get("href").endswith(".html") for e in entries)
    js = (out / "search-index.js").read_text(encoding="utf-8")
    body = js.split("window.ADRKIT_SEARCH = ", 1)[1].rstrip().rstrip(";")
    docs = json.loads(body)["docs"]
    assert any(SEARCH_WORD in d["x"] for d in docs)


def test_timeline_and_graph(site):
    out, _ = site
    timeline = parse(out / "timeline.html")
    years = [e for e in timeline.find("h2")]
    assert len(years) == 3  # 2025, 2024, 2023
    assert timeline.text.index("2025") < timeline.text.index("2024") < timeline.text.index("2023")
    graph = parse(out / "graph.html")
    assert graph.find("svg")
    node_links = {e.attrs.get("xlink:href") or e.attrs.get("href") for e in graph.find("a")}
    for stem in ("0001-record-architecture-decisions", "0002-use-postgresql-for-orders", "0004-use-cockroachdb"):
        assert f"{stem}.html" in node_links


def test_title_and_logo_come_from_the_settings(tmp_path):
    sample_log(tmp_path, title="Orders platform ADRs")
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">'
                                       '<rect width="8" height="8"/></svg>', encoding="utf-8")
    with open(tmp_path / ".adrkit.yaml", "a", encoding="utf-8") as fh:
        fh.write("  logo: logo.svg\n")
    build(tmp_path)
    doc = parse(tmp_path / "site" / "index.html")
    assert "Orders platform ADRs" in doc.text
    assert doc.find("img", src="assets/logo.svg")
    assert (tmp_path / "site" / "assets" / "logo.svg").is_file()


def test_local_images_are_copied_and_remote_ones_dropped(tmp_path):
    d = sample_log(tmp_path)
    (d / "img").mkdir()
    (d / "img" / "arch.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write_record(d, "0007-images", {"title": "Images"}, [
        md("## Context\n\n![architecture](img/arch.png)\n\n![tracker](https://tracker.example/pixel.gif)")])
    report = build(tmp_path)
    doc = parse(tmp_path / "site" / "0007-images.html")
    assert doc.find("img", src="files/img/arch.png")
    assert (tmp_path / "site" / "files" / "img" / "arch.png").read_bytes() == b"\x89PNG\r\n\x1a\n"
    assert not [e for e in doc.find("img") if "tracker" in e.attrs.get("src", "")]
    assert any(w.kind == "remote-image" for w in report.warnings)


# --- a hostile decision ---------------------------------------------------------------

HOSTILE_TITLE = "<script>window.__pwned='title';alert('title')</script> Hostile <b>title</b>"
HOSTILE_TAG = "<script>window.__pwned='tag'</script>"
HOSTILE_OPTION = "<script>window.__pwned='option'</script>Evil option<img src=x onerror=\"window.__pwned='opt'\">"


def hostile_log(root: Path) -> Path:
    d = sample_log(root)
    body = (
        "## Context\n\n"
        "<script>window.__pwned='body';alert('body')</script>\n\n"
        "<img src=x onerror=\"window.__pwned='img';alert('img')\">\n\n"
        "[click me](javascript:window.__pwned='link';alert('link'))\n\n"
        "<a href=\"JaVaScRiPt:window.__pwned='raw'\">raw link</a> "
        "<a href=\"data:text/html,<script>alert(1)</script>\">data link</a>\n\n"
        "| option | note |\n|---|---|\n| a | <script>window.__pwned='cell'</script><img src=1 onerror=\"window.__pwned='cell2'\"> |\n\n"
        "<table><tr><td onmouseover=\"window.__pwned='td'\">cell</td></tr></table>\n\n"
        "<iframe src=\"https://evil.example/\"></iframe><svg onload=\"window.__pwned='svg'\"><circle r=\"3\"/></svg>\n\n"
        "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned='mxss'\"></style></mglyph></table></mtext></math>\n\n"
        "<form action=\"https://evil.example/\"><input name=\"q\"></form><style>body{display:none}</style>\n\n"
        "<div style=\"background:url(https://evil.example/x.png)\">styled</div>"
        "<a href=\"https://example.org/docs\">an external link</a>"
    )
    hostile_data = TRADEOFF_YAML.replace("name: MongoDB", f"name: {json.dumps(HOSTILE_OPTION)}") \
        .replace("{Transactions: 3, Ops effort: 4}", "{Transactions: 3, Ops effort: 4}\n      description: "
                 + json.dumps("<img src=x onerror=\"window.__pwned='desc'\">"))
    write_record(d, "0009-hostile", {
        "title": HOSTILE_TITLE, "tags": [HOSTILE_TAG, "safe"],
        "decision-makers": ["<img src=x onerror=\"window.__pwned='dm'\">"],
        "links": [{"rel": "relates-to", "target": "javascript:alert(1)"}]},
        [md(body),
         code('tradeoff_editor("0009-hostile")', tags=["adrkit-tradeoff"]),
         code("display(HTML(...))", outputs=[
             html_output("<script>window.__pwned='output'</script><b onmouseover=\"window.__pwned='b'\">bold</b>"
                         "<style>b{}</style><a href=\"javascript:alert(1)\">x</a>"),
             {"output_type": "display_data", "metadata": {},
              "data": {"application/javascript": "window.__pwned='js'", "text/plain": "<JS>"}},
             {"output_type": "display_data", "metadata": {},
              "data": {"image/svg+xml": "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>window.__pwned='svgout'"
                                        "</script><a href=\"javascript:alert(1)\"><text>t</text></a></svg>"}}])],
        data=hostile_data)
    return d


def test_hostile_decision_is_inert_in_the_html(tmp_path):
    hostile_log(tmp_path)
    report = build(tmp_path)
    assert not report.failures, report.failures
    out = tmp_path / "site"
    for path in out.glob("*.html"):
        assert_safe_page(path)
    page = (out / "0009-hostile.html").read_text(encoding="utf-8")
    doc = parse(page)
    carriers = [e for e in doc.elements if "__pwned" in str(e.attrs)
                and not e.attrs.get("href", "").startswith("index.html?tag=%3Cscript")]  # a tag, URL-encoded
    assert carriers == []
    assert "<script>window" not in page
    # what was text stays visible as text
    assert "<script>window.__pwned='title';alert('title')</script> Hostile <b>title</b>" in doc.text
    assert HOSTILE_TAG in doc.text and "Evil option" in doc.text
    assert "an external link" in doc.text and doc.find("a", href="https://example.org/docs")
    # headings, paragraphs and tables survive sanitizing
    assert doc.find("h2") and doc.find("p") and doc.find("table") and doc.find("td")
    for name in ("index.html", "search-index.js", "decisions.json", "feed.xml", "timeline.html", "graph.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert "<script>window" not in text, name
    ET.parse(out / "feed.xml")  # still well-formed XML


# --- incremental builds -----------------------------------------------------------------

def test_noop_rebuild_converts_nothing_and_one_change_rebuilds_one_page(tmp_path):
    d = sample_log(tmp_path)
    first = build(tmp_path)
    assert first.converted == 5 and first.skipped == 0
    again = build(tmp_path)
    assert again.converted == 0 and again.skipped == 5 and again.pages == 5
    path = d / "0003-adopt-kafka.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace("Adopt Kafka for events", "Adopt Pulsar for events"),
                    encoding="utf-8")
    third = build(tmp_path)
    assert third.converted == 1 and third.skipped == 4
    index = parse(tmp_path / "site" / "index.html").text
    assert "Adopt Pulsar for events" in index and "Adopt Kafka" not in index
    # the neighbours' headers (prev/next, backlinks) are refreshed without converting them
    assert "Adopt Pulsar for events" in parse(tmp_path / "site" / "0001-record-architecture-decisions.html").text


def test_changing_the_data_file_rebuilds_that_page(tmp_path):
    d = sample_log(tmp_path)
    build(tmp_path)
    data = d / "0002-use-postgresql-for-orders.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("name: MongoDB", "name: Cassandra")
                    .replace("Ops effort: 4}", "Ops effort: 4}"), encoding="utf-8")
    report = build(tmp_path)
    assert report.converted == 1
    assert "Cassandra" in (tmp_path / "site" / "0002-use-postgresql-for-orders.html").read_text(encoding="utf-8")


def test_parallel_cold_build_matches_serial(tmp_path):
    d = sample_log(tmp_path)
    for i in range(10, 40):
        write_record(d, f"{i:04d}-filler-{i}", {"title": f"Filler decision {i}", "tags": [f"t{i % 3}"]})
    serial = build(tmp_path, out=tmp_path / "serial", cache_dir=tmp_path / "c1", parallel=False)
    pooled = build(tmp_path, out=tmp_path / "pooled", cache_dir=tmp_path / "c2", parallel=True)
    assert serial.converted == pooled.converted == 35
    for path in (tmp_path / "serial").glob("*.html"):
        assert path.read_bytes() == (tmp_path / "pooled" / path.name).read_bytes(), path.name


# --- failures, warnings, strict -------------------------------------------------------------

def test_a_notebook_that_fails_is_reported_and_the_rest_builds(tmp_path, cli):
    d = sample_log(tmp_path)
    (d / "0007-corrupt.ipynb").write_text('{"cells": [', encoding="utf-8")
    bad = notebook({"title": "Broken output", "status": "accepted"},
                   [md("## Context\n\nfine"),
                    code("x", outputs=[{"output_type": "stream", "name": "stdout", "text": {"not": "text"}}])])
    (d / "0008-broken-output.ipynb").write_text(dumps_notebook(bad), encoding="utf-8")
    res = cli("build")
    assert res.code == 1, res.err  # the rest of the site is built, but the build failed
    assert "0007-corrupt.ipynb" in res.err and "corrupt" in res.err
    assert "0008-broken-output.ipynb" in res.err and "could not be converted" in res.err
    out = tmp_path / "site"
    assert (out / "0001-record-architecture-decisions.html").is_file()
    assert (out / "0004-use-cockroachdb.html").is_file()
    assert "2 failed" in res.err
    strict = cli("build", "--strict")
    assert strict.code == 1 and "--strict" in strict.err


def test_strict_fails_on_warnings_and_plain_build_does_not(tmp_path, cli):
    d = sample_log(tmp_path)
    res = cli("build", "--strict")
    assert res.code == 0, res.err
    write_record(d, "0007-dangling", {"title": "Dangling", "supersedes": ["0099-nowhere"]},
                 [md("## Context\n\nSee [nothing](0098-missing.md).")])
    plain = cli("build")
    assert plain.code == 0
    assert "warning" in plain.err and "0099-nowhere" in plain.err and "0098-missing" in plain.err
    strict = cli("build", "--strict")
    assert strict.code == 1


def test_missing_required_section_and_stale_data_are_warnings(tmp_path):
    d = sample_log(tmp_path)
    write_record(d, "0007-thin", {"title": "Thin", "template": "madr"}, [md("## Context and Problem Statement\n\nx")],
                 data="tradeoffs:\n  forgotten: {question: q}\n")
    (d / "0042-orphan.yaml").write_text("tradeoffs: {}\n", encoding="utf-8")
    (d / "0001-record-architecture-decisions.yaml").write_text("tradeoffs: [not, a, mapping]\n", encoding="utf-8")
    report = build(tmp_path)
    kinds = {(w.kind, Path(w.path).name) for w in report.warnings}
    assert ("missing-section", "0007-thin.ipynb") in kinds
    assert ("stale-data", "0007-thin.yaml") in kinds  # data file problems name the data file
    assert ("stale-data", "0042-orphan.yaml") in kinds
    assert ("invalid-data", "0001-record-architecture-decisions.yaml") in kinds
    messages = " ".join(str(w) for w in report.warnings)
    assert "Considered Options" in messages and "forgotten" in messages


def test_progress_and_summary_go_to_stderr(tmp_path, cli):
    sample_log(tmp_path)
    res = cli("build")
    assert res.out == ""
    assert "converting 5 notebooks" in res.err
    assert re.search(r"built 5 pages, 5 converted, 0 skipped \(unchanged\), 0 warnings", res.err), res.err
    again = cli("build")
    assert "0 converted, 5 skipped" in again.err


# --- atomic output ---------------------------------------------------------------------------

def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path, monkeypatch):
    d = sample_log(tmp_path)
    build(tmp_path)
    before = snapshot(tmp_path / "site")
    write_record(d, "0007-new", {"title": "New one"})
    from adrkit.publish import pages

    def boom(self, *args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pages.SiteRenderer, "timeline", boom)
    with pytest.raises(RuntimeError):
        build(tmp_path)
    assert snapshot(tmp_path / "site") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_the_site_is_swapped_in_whole(tmp_path):
    sample_log(tmp_path)
    build(tmp_path)
    out = tmp_path / "site"
    (out / "0099-leftover.html").write_text("old", encoding="utf-8")
    page = out / "0001-record-architecture-decisions.html"
    good = page.read_bytes()
    page.write_text("edited by hand", encoding="utf-8")
    inode = out.stat().st_ino
    build(tmp_path)
    assert not (out / "0099-leftover.html").exists()  # a new folder, not files written over the old
    assert page.read_bytes() == good  # an unchanged page is reused only if its file is untouched
    assert out.stat().st_ino != inode
    assert (out / ".adrkit-site").is_file()


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path, cli):
    sample_log(tmp_path)
    other = tmp_path / "docs"
    other.mkdir()
    (other / "precious.txt").write_text("keep me", encoding="utf-8")
    res = cli("build", "--out", "docs")
    assert res.code == 2 and "not made by 'adrkit build'" in res.err
    assert (other / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert cli("build", "--out", "decisions").code == 2
    assert cli("build", "--out", ".").code == 2


# --- execute, serve, light import ---------------------------------------------------------

def test_execute_reruns_notebooks_and_caches_the_result(tmp_path, cli):
    d = sample_log(tmp_path)
    write_record(d, "0007-computed", {"title": "Computed"},
                 [md("## Context\n\nnumbers"), code("print(6 * 7)", outputs=[])])
    res = cli("build", "--execute")
    assert res.code == 0, res.err
    assert "42" in parse(tmp_path / "site" / "0007-computed.html").text
    again = cli("build", "--execute")
    assert "0 converted" in again.err


def test_serve_previews_on_loopback_and_rebuilds_on_change(tmp_path):
    d = sample_log(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "adrkit", "serve", "--port", "0"], cwd=tmp_path,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    try:
        url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and url is None:
            line = proc.stderr.readline()
            m = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
            url = m.group(1) if m else None
        assert url, "serve did not start"
        page = urllib.request.urlopen(url + "index.html", timeout=10).read().decode("utf-8")
        assert "Adopt Kafka for events" in page
        path = d / "0003-adopt-kafka.ipynb"
        path.write_text(path.read_text(encoding="utf-8").replace("Adopt Kafka", "Adopt NATS"), encoding="utf-8")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            page = urllib.request.urlopen(url + "index.html", timeout=10).read().decode("utf-8")
            if "Adopt NATS" in page:
                break
            time.sleep(0.2)
        assert "Adopt NATS" in page
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_cli_and_publish_package_import_light():
    code_ = ("import sys, adrkit, adrkit.cli, adrkit.cli.publish, adrkit.publish\n"
             "from adrkit.cli import build_parser\nbuild_parser()\n"
             "heavy = [m for m in ('nbconvert', 'nbformat', 'nh3', 'jinja2', 'ipywidgets', 'pandas') if m in sys.modules]\n"
             "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code_], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_build_help_documents_the_options(cli):
    res = cli("build", "--help")
    assert res.code == 0
    for option in ("--out", "--strict", "--execute", "--drafts"):
        assert option in res.out
