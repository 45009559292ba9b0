"""Guides in the published site: tutorial notebooks from the guide folders become
`guides/<slug>.html` with their code shown, their static outputs kept and their
scripts dropped, listed on `guides/index.html`, linked from the navigation, found by
the offline search, safe, relative, and rebuilt only when they change. Also the
`site.guides` setting, and lifecycle figures titled once (by their caption).

`guide_folder` builds the guides used here and by the browser tests."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from adrkit.core.errors import FormatError, UsageError
from adrkit.formats.notebook import dumps_notebook
from adrkit.storage.config import Config
from adrkit.storage.log import find_log
from test_publish import (assert_safe_page, build, cell, code, html_output, md, parse, sample_log,
                          write_record)

GUIDE_WORD = "quokkaflux"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
DATAFRAME = ('<table border="1" class="dataframe"><thead><tr><th></th><th>option</th></tr></thead>'
             '<tbody><tr><th>0</th><td>PostgreSQL</td></tr></tbody></table>')
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>'
WIDGET = "application/vnd.jupyter.widget-view+json"


def guide_notebook(cells: list[dict]) -> dict:
    """A plain notebook: no front matter."""
    return {"cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def write_guide(folder: Path, name: str, cells: list[dict]) -> Path:
    path = folder / name
    path.write_text(dumps_notebook(guide_notebook(cells)), encoding="utf-8")
    return path


def display(data: dict, kind: str = "display_data") -> dict:
    out = {"output_type": kind, "data": data, "metadata": {}}
    if kind == "execute_result":
        out["execution_count"] = 1
    return out


def guide_folder(root: Path) -> Path:
    """root/notebooks with three guides (and an example log in a subfolder that is not
    published). Returns the folder."""
    folder = root / "notebooks"
    folder.mkdir()
    (folder / "img").mkdir()
    (folder / "img" / "flow.png").write_bytes(PNG)
    write_guide(folder, "Tradeoff Walkthrough.ipynb", [
        md("Some words before the heading.\n\n```python\n# not a heading\n```\n\n"
           "# Worked example: *choosing* the `orders` store\n\n"
           f"The {GUIDE_WORD} example walks through a trade-off. "
           "See [decision one](../decisions/0001-record-architecture-decisions.ipynb), "
           "[the other guide](getting-started.ipynb) and ![a flow](img/flow.png)."),
        code("import pandas as pd\nframe = pd.DataFrame({'option': ['PostgreSQL']})\nframe",
             outputs=[display({"text/html": DATAFRAME, "text/plain": "      option\n0  PostgreSQL"},
                              "execute_result")]),
        code("plot_the_scores()", outputs=[display({"image/png": base64.b64encode(PNG).decode(),
                                                    "text/plain": "<Figure>"})]),
        code("draw_svg()", outputs=[display({"image/svg+xml": SVG, "text/plain": "<SVG>"})]),
        code("from IPython.display import Javascript\nJavascript('window.__pwned = 1')",
             outputs=[display({"application/javascript": "window.__pwned='js'",
                               "text/plain": "<IPython.core.display.Javascript object>"})]),
        code("editor = tradeoff_editor(path)\neditor",
             outputs=[display({WIDGET: {"model_id": "m1", "version_major": 2, "version_minor": 0},
                               "text/html": "<p>static widget preview</p>",
                               "text/plain": "VBox(children=(WIDGET REPR,))"})]),
        code("slider = IntSlider()\nslider",
             outputs=[display({WIDGET: {"model_id": "m2", "version_major": 2, "version_minor": 0},
                               "text/plain": "IntSlider(value=0, ONLY REPR)"})]),
        code("hidden_setup = 42", tags=["remove-cell"]),
        code("input_removed_here = 1\nprint('visible printout')", tags=["remove-input"],
             outputs=[{"output_type": "stream", "name": "stdout", "text": "visible printout\n"}]),
        code("print('output removed')", tags=["remove-output"],
             outputs=[{"output_type": "stream", "name": "stdout", "text": "GONE OUTPUT\n"}]),
    ])
    write_guide(folder, "getting-started.ipynb", [
        md("# Getting started\n\nInstall adrkit, then run `adrkit init`."),
        code("!adrkit init", outputs=[{"output_type": "stream", "name": "stdout", "text": "created\n"}]),
    ])
    write_guide(folder, "zz-untitled.ipynb", [md("## Only a second-level heading\n\nNo H1 here.")])
    (folder / "notes.txt").write_text("not a notebook\n", encoding="utf-8")
    example = folder / "example-log" / "decisions"
    example.mkdir(parents=True)
    write_guide(folder / "example-log", "nested-guide.ipynb", [md("# Nested, never published")])
    return folder


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def guide_site(root: Path, **options):
    sample_log(root)
    guide_folder(root)
    options.setdefault("guides", [root / "notebooks"])
    return build(root, **options)


@pytest.fixture
def site(tmp_path):
    report = guide_site(tmp_path)
    assert not report.failures, report.failures
    return tmp_path / "site", report


SLUGS = ["getting-started", "tradeoff-walkthrough", "zz-untitled"]


# --- pages, titles, navigation ---------------------------------------------------------

def test_each_top_level_notebook_becomes_a_guide_page(site):
    out, report = site
    assert sorted(p.name for p in (out / "guides").glob("*.html")) == sorted(
        [f"{s}.html" for s in SLUGS] + ["index.html"])
    assert not list(out.rglob("nested-guide*"))
    assert report.guides == 3 and report.pages == 5
    assert "3 guides" in report.summary()
    listing = parse(out / "guides" / "index.html")
    links = [e.attrs["href"] for e in listing.find("a") if e.attrs["href"].endswith(".html")
             and not e.attrs["href"].startswith("../")]
    assert links == ["getting-started.html", "tradeoff-walkthrough.html", "zz-untitled.html"]  # by file name
    assert "Worked example: choosing the orders store" in listing.text


def test_titles_come_from_the_first_h1_or_the_file_name(site):
    out, _ = site
    page = parse(out / "guides" / "tradeoff-walkthrough.html")
    assert [e for e in page.find("title")]
    html = (out / "guides" / "tradeoff-walkthrough.html").read_text(encoding="utf-8")
    assert "<title>Worked example: choosing the orders store · Guides" in html
    assert len(page.find("h1")) == 1  # the notebook's own heading, not a second one
    untitled = parse(out / "guides" / "zz-untitled.html")
    assert untitled.find("h1", id="guide-title") and "zz-untitled" in untitled.text
    assert "Getting started" in parse(out / "guides" / "getting-started.html").text


def test_navigation_links_to_the_guides_with_relative_paths(site):
    out, _ = site
    for name in ("index.html", "timeline.html", "0001-record-architecture-decisions.html"):
        assert parse(out / name).find("a", href="guides/index.html"), name
    for name in [f"{s}.html" for s in SLUGS] + ["index.html"]:
        doc = assert_safe_page(out / "guides" / name)
        sheets = [e.attrs["href"] for e in doc.find("link") if e.attrs.get("rel") == "stylesheet"]
        assert sheets == ["../assets/adrkit.css", "../assets/adrkit-review.css"], name
        assert doc.find("a", href="../index.html") and doc.find("a", href="../graph.html")
        assert doc.find("form", action="../index.html")
        current = [e for e in doc.find("a") if e.attrs.get("aria-current") == "page"]
        assert [e.attrs["href"] for e in current] == ["../guides/index.html"]
        for el in doc.elements:
            for attr in ("href", "src"):
                value = el.attrs.get(attr, "")
                if value and not re.match(r"^(https?:|mailto:|#|data:|\.\./|files/|[\w.-]+\.html)", value):
                    raise AssertionError(f"{name}: unexpected {attr}={value!r}")


def test_a_site_without_guides_has_no_guides_entry(tmp_path):
    sample_log(tmp_path)
    build(tmp_path)
    assert not (tmp_path / "site" / "guides").exists()
    assert not parse(tmp_path / "site" / "index.html").find("a", href="guides/index.html")


# --- what a guide page shows -----------------------------------------------------------

def test_code_inputs_are_shown_and_outputs_kept(site):
    out, _ = site
    doc = parse(out / "guides" / "tradeoff-walkthrough.html")
    code_text = compact(doc.text)  # highlighted code is split into tokens
    assert "pd.DataFrame" in code_text and "plot_the_scores()" in code_text and "tradeoff_editor" in code_text
    assert [e for e in doc.find("table") if "dataframe" in e.attrs.get("class", "")]
    assert "PostgreSQL" in doc.text
    assert [e for e in doc.find("img") if e.attrs.get("src", "").startswith("data:image/png;base64,")]
    assert doc.find("circle")
    assert "visible printout" in doc.text and "input_removed_here" not in code_text  # remove-input
    assert "hidden_setup" not in code_text                                          # remove-cell
    assert "output removed" in doc.text and "GONE OUTPUT" not in doc.text           # remove-output


def test_javascript_and_widget_outputs_are_dropped_but_html_alternatives_kept(site):
    out, _ = site
    html = (out / "guides" / "tradeoff-walkthrough.html").read_text(encoding="utf-8")
    doc = parse(html)
    assert "window.__pwned='js'" not in html and "Javascript object" not in doc.text
    assert "static widget preview" in doc.text and "WIDGET REPR" not in doc.text
    assert "ONLY REPR" not in doc.text
    assert "slider=IntSlider()" in compact(doc.text)  # the code still shows
    assert not [e for e in doc.find("script") if not e.attrs.get("src")]
    assert [e.attrs["src"] for e in doc.find("script")] == []  # a guide page runs nothing


def test_links_and_images_in_a_guide_work_from_its_folder(site):
    out, report = site
    doc = parse(out / "guides" / "tradeoff-walkthrough.html")
    assert doc.find("a", href="../0001-record-architecture-decisions.html")
    assert doc.find("a", href="getting-started.html")
    assert doc.find("img", src="files/img/flow.png")
    assert (out / "guides" / "files" / "img" / "flow.png").read_bytes() == PNG
    assert not [w for w in report.warnings if "notebooks" in w.path], report.warnings


def test_a_broken_decision_link_in_a_guide_is_a_warning(tmp_path):
    sample_log(tmp_path)
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_guide(folder, "g.ipynb", [md("# G\n\nSee [gone](../decisions/0042-gone.ipynb).")])
    report = build(tmp_path, guides=[folder])
    assert any(w.kind == "broken-link" and "0042-gone" in w.message for w in report.warnings)


def test_hostile_guide_is_inert(tmp_path):
    sample_log(tmp_path)
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_guide(folder, "<img src=x onerror=alert(1)>.ipynb", [
        md("# <script>window.__pwned='h1'</script>Hostile <img src=x onerror=\"window.__pwned='h1img'\">guide\n\n"
           "<script>window.__pwned='body'</script>\n\n"
           "<img src=x onerror=\"window.__pwned='img'\">\n\n"
           "[click](javascript:window.__pwned='link') <a href=\"data:text/html,<script>1</script>\">d</a>\n\n"
           "<iframe src=\"https://evil.example/\"></iframe><svg onload=\"window.__pwned='svg'\"></svg>\n\n"
           "<style>body{display:none}</style><div style=\"background:url(https://evil.example/x.png)\">s</div>\n\n"
           "![remote](https://tracker.example/pixel.gif)"),
        code("<script>window.__pwned='code'</script>", outputs=[
            html_output("<script>window.__pwned='out'</script><b onmouseover=\"window.__pwned='b'\">bold</b>"
                        "<a href=\"javascript:alert(1)\">x</a>"),
            display({"image/svg+xml": "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>window.__pwned="
                                      "'svgout'</script><a href=\"javascript:alert(1)\"><text>t</text></a></svg>"}),
            display({"application/javascript": "window.__pwned='js'", "text/html": "<i>alt</i>"})]),
    ])
    report = build(tmp_path, guides=[folder])
    assert not report.failures, report.failures
    out = tmp_path / "site"
    pages = list((out / "guides").glob("*.html"))
    assert len(pages) == 2
    for path in pages:
        assert_safe_page(path)
        html = path.read_text(encoding="utf-8")
        doc = parse(html)
        assert [e for e in doc.elements if "__pwned" in str(e.attrs)] == []
        assert "<script>window" not in html
    guide = next(p for p in pages if p.name != "index.html")
    text = parse(guide).text
    assert "<script>window.__pwned='code'</script>" in compact(text)  # the code, shown as text
    assert "bold" in text and "alt" in text
    assert any(w.kind == "remote-image" for w in report.warnings)
    assert "<script>window" not in (out / "search-index.js").read_text(encoding="utf-8")


# --- search ------------------------------------------------------------------------------

def search_docs(out: Path) -> list[dict]:
    js = (out / "search-index.js").read_text(encoding="utf-8")
    return json.loads(js.split("window.ADRKIT_SEARCH = ", 1)[1].rstrip().rstrip(";"))["docs"]


def test_the_search_index_holds_the_guides_text(site):
    out, _ = site
    docs = search_docs(out)
    guides = [d for d in docs if d["type"] == "guide"]
    assert [d["u"] for d in guides] == [f"guides/{s}.html" for s in SLUGS]
    walk = next(d for d in guides if d["u"] == "guides/tradeoff-walkthrough.html")
    assert GUIDE_WORD in walk["x"] and walk["t"] == "Worked example: choosing the orders store"
    assert all(d["type"] == "decision" for d in docs if d not in guides)
    index = parse(out / "index.html")
    assert index.find("section", id="guide-results")
    assert index.find("a", href="guides/tradeoff-walkthrough.html")


# --- incremental -------------------------------------------------------------------------

def test_noop_rebuild_converts_no_guide_and_a_change_rebuilds_one(tmp_path):
    first = guide_site(tmp_path)
    assert first.converted == 8 and first.skipped == 0
    again = build(tmp_path, guides=[tmp_path / "notebooks"])
    assert again.converted == 0 and again.skipped == 8 and again.guides == 3
    path = tmp_path / "notebooks" / "getting-started.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace("Getting started", "First steps"), encoding="utf-8")
    third = build(tmp_path, guides=[tmp_path / "notebooks"])
    assert third.converted == 1 and third.skipped == 7
    assert "First steps" in parse(tmp_path / "site" / "guides" / "index.html").text


# --- settings and the command line --------------------------------------------------------

def write_settings(root: Path, guides_yaml: str) -> Path:
    path = root / ".adrkit.yaml"
    path.write_text("decisions: decisions\nsite:\n  title: T\n" + guides_yaml, encoding="utf-8")
    return path


def test_site_guides_setting_is_read_and_validated(tmp_path):
    config = Config.load(write_settings(tmp_path, "  guides: [notebooks, docs/tutorials]\n"))
    assert config.site_guides == ["notebooks", "docs/tutorials"]
    assert "guides:" in config.dump() and Config.load(write_settings(tmp_path, "")).site_guides == []
    assert Config.load(write_settings(tmp_path, "  guides: notebooks\n")).site_guides == ["notebooks"]
    for bad in ("  guides: {a: b}\n", "  guides: [1]\n", "  guides: ['']\n", "  guides: [/abs]\n",
                "  guides: [../outside]\n"):
        with pytest.raises(FormatError) as info:
            Config.load(write_settings(tmp_path, bad))
        assert info.value.where == "site.guides", bad


def test_guides_from_the_settings_are_relative_to_the_project_root(tmp_path):
    sample_log(tmp_path)
    guide_folder(tmp_path)
    with open(tmp_path / ".adrkit.yaml", "a", encoding="utf-8") as fh:
        fh.write("  guides:\n  - notebooks\n  - missing-folder\n")
    log = find_log(start=tmp_path / "decisions")
    assert log.config.site_guides == ["notebooks", "missing-folder"]
    report = build(tmp_path)
    assert report.guides == 3
    assert any(w.kind == "config" and "missing-folder" in w.message for w in report.warnings)


def test_cli_guides_option(tmp_path, cli):
    sample_log(tmp_path)
    guide_folder(tmp_path)
    res = cli("build", "--guides", "notebooks")
    assert res.code == 0, res.err
    assert "3 guides" in res.err
    assert (tmp_path / "site" / "guides" / "getting-started.html").is_file()
    res = cli("build", "--guides", "no-such-folder")
    assert res.code != 0 and "no-such-folder" in res.err
    with pytest.raises(UsageError):
        build(tmp_path, guides=[tmp_path / "no-such-folder"])


# --- lifecycle figures are titled once -------------------------------------------------

def test_lifecycle_title_is_the_caption_not_part_of_the_drawing(tmp_path):
    sample_log(tmp_path)
    build(tmp_path)
    html = (tmp_path / "site" / "0003-adopt-kafka.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure class="adrkit-diagram adrkit-lifecycle.*?</figure>', html, re.S)
    assert figure, "no lifecycle figure"
    figure = figure.group(0)
    assert re.findall(r"<figcaption>(.*?)</figcaption>", figure) == ["Publish an event"]
    assert figure.count("Publish an event") == 1
