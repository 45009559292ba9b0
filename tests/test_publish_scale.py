"""An organisation's decisions in one site, rebuilt from file stats.

- several logs in one site (a page per decision under its log, cross-log links, one
  index, graph, search and feed), another site's decisions.json listed beside them,
  and decisions.json checked against its published JSON Schema;
- the page cache keyed by a hash of the installed package and its templates (a change
  to the graph colours is drawn on the next build, with the cache kept);
- no-op and one-change rebuilds that decide from file stats, read nothing unchanged,
  and render only what changed; a corrupt cache rebuilt, never trusted;
- progress on long builds: a bar on a terminal, lines otherwise, nothing with --quiet.

`two_log_project` builds the project used here and by the browser tests."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from adrkit.publish.catalog import validate_document
from adrkit.storage.log import find_log
from test_publish import assert_safe_page, build, md, parse, sample_log, write_record

ROOT = Path(__file__).resolve().parents[1]


# --- a project of two logs, and a partner site ----------------------------------------

def partner_site(root: Path) -> Path:
    """Another team's site, built on its own; returns its decisions.json."""
    project = root / "partner"
    project.mkdir()
    (project / "decisions").mkdir()
    (project / ".adrkit.yaml").write_text("decisions: decisions\nsite:\n  title: Identity team\n", encoding="utf-8")
    d = project / "decisions"
    write_record(d, "0001-use-oidc", {"title": "Use OIDC for sign-in", "tags": ["identity"]},
                 [md("## Context\n\nEveryone signs in with the wombatgate provider.")])
    write_record(d, "0002-rotate-keys", {"title": "Rotate signing keys monthly", "status": "proposed"})
    report = build(project)
    assert not report.failures, report.failures
    return project / "site" / "decisions.json"


def two_log_project(root: Path) -> Path:
    """Two logs (platform, payments) whose records share numbers, a cross-log link each
    way, and the partner's decisions.json included. Returns the project root."""
    included = partner_site(root)
    project = root / "org"
    (project / "decisions").mkdir(parents=True)
    (project / "services" / "payments" / "decisions").mkdir(parents=True)
    (project / ".adrkit.yaml").write_text(
        "decisions: decisions\n"
        "logs:\n  platform: decisions\n  payments: {path: services/payments/decisions, title: Payments team}\n"
        f"site:\n  title: Acme decisions\n  include: [{os.path.relpath(included, project)}]\n", encoding="utf-8")
    plat, pay = project / "decisions", project / "services" / "payments" / "decisions"
    write_record(plat, "0001-record-architecture-decisions", {"title": "Record architecture decisions",
                                                              "tags": ["process"]})
    write_record(plat, "0002-use-kafka", {"title": "Use Kafka for events", "tags": ["messaging"],
                                          "links": [{"rel": "required-by", "target": "payments:0002-publish-payment-events"}]})
    write_record(pay, "0001-record-architecture-decisions", {"title": "Record payments decisions too",
                                                             "tags": ["process"]})
    write_record(pay, "0002-publish-payment-events", {
        "title": "Publish payment events", "tags": ["messaging", "payments"],
        "links": [{"rel": "depends-on", "target": "platform:0002-use-kafka"},
                  {"rel": "relates-to", "target": "identity-team:0001-use-oidc"}]},
        [md("## Context\n\nThe ledger emits a platypusflow event per payment.")])
    return project


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    root = tmp_path_factory.mktemp("org")
    project = two_log_project(root)
    report = build(project)
    return project, report


def test_each_log_has_its_pages_in_its_own_folder(org):
    project, report = org
    assert not report.failures, report.failures
    site = project / "site"
    assert report.pages == 4
    for rel in ("platform/0001-record-architecture-decisions.html", "platform/0002-use-kafka.html",
                "payments/0001-record-architecture-decisions.html", "payments/0002-publish-payment-events.html"):
        assert_safe_page(site / rel)
    page = parse(site / "payments" / "0001-record-architecture-decisions.html")
    assert "Record payments decisions too" in page.text
    assert page.find("link", rel="stylesheet", href="../assets/adrkit.css")


def test_cross_log_links_resolve_both_ways(org):
    project, report = org
    assert not [w for w in report.warnings if w.kind == "broken-link"], report.warnings
    site = project / "site"
    pay = parse(site / "payments" / "0002-publish-payment-events.html")
    hrefs = {e.attrs.get("href") for e in pay.find("a")}
    assert "../platform/0002-use-kafka.html" in hrefs
    assert "platform:0002 Use Kafka for events" in pay.text
    kafka = parse(site / "platform" / "0002-use-kafka.html")
    assert "../payments/0002-publish-payment-events.html" in {e.attrs.get("href") for e in kafka.find("a")}


def test_one_index_filters_by_log_and_lists_the_included_site(org):
    project, _ = org
    index = parse(project / "site" / "index.html")
    options = {e.attrs.get("value") for e in index.find("option")}
    assert {"platform", "payments", "identity-team"} <= options
    rows = index.find("tr")
    logs = [r.attrs.get("data-log") for r in rows if r.attrs.get("data-log")]
    assert logs.count("platform") == 2 and logs.count("payments") == 2 and logs.count("identity-team") == 2
    links = {e.attrs.get("href") for e in index.find("a")}
    assert "payments/0002-publish-payment-events.html" in links
    assert "../../partner/site/0001-use-oidc.html" in links  # the partner's own page, relative to this site
    assert (project / "site" / "../../partner/site/0001-use-oidc.html").resolve().is_file()


def test_one_search_one_graph_one_feed(org):
    project, _ = org
    site = project / "site"
    search = (site / "search-index.js").read_text(encoding="utf-8")
    docs = json.loads(search.split("window.ADRKIT_SEARCH = ", 1)[1].rstrip().rstrip(";"))["docs"]
    ids = {d["s"] for d in docs}
    assert {"platform:0001-record-architecture-decisions", "payments:0001-record-architecture-decisions",
            "identity-team:0001-use-oidc"} <= ids
    assert any("platypusflow" in d["x"] for d in docs) and any("wombatgate" in d["x"] for d in docs)
    graph = parse(site / "graph.html")
    nodes = {e.attrs.get("xlink:href") or e.attrs.get("href") for e in graph.find("a")}
    assert {"platform/0002-use-kafka.html", "payments/0002-publish-payment-events.html"} <= nodes
    # listed once, from the side that states it (the arrow's direction), not twice
    assert "payments:0002 Publish payment events depends on platform:0002 Use Kafka for events" in graph.text
    assert "required by" not in graph.text
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 4 and "payments/0002-publish-payment-events.html" in feed


def test_decisions_json_is_versioned_and_matches_its_schema(org):
    project, _ = org
    site = project / "site"
    doc = json.loads((site / "decisions.json").read_text(encoding="utf-8"))
    assert validate_document(doc) == []
    assert doc["version"] == 1 and doc["count"] == 4
    assert [log["name"] for log in doc["logs"]][:2] == ["platform", "payments"]
    by_url = {d["url"]: d for d in doc["decisions"]}
    events = by_url["payments/0002-publish-payment-events.html"]
    assert events["log"] == "payments" and "platypusflow" in events["summary"]
    assert {"rel": "Depends on", "targets": ["platform/0002-use-kafka.html"]} in events["relations"]
    schema = json.loads((site / "decisions.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == "urn:adrkit:decisions-json:1"
    assert validate_document({"version": 1, "decisions": [{"stem": "x"}]})  # a broken one is told so


def test_list_lint_and_graph_take_a_log(org, cli):
    project, _ = org
    listed = cli("list", "--log", "payments", cwd=project)
    assert listed.code == 0 and "Publish payment events" in listed.out and "Use Kafka" not in listed.out
    every = cli("list", cwd=project)
    assert "platform:0002" in every.out and "payments:0002" in every.out
    lint = cli("lint", cwd=project)
    assert "dangling" not in lint.out, lint.out
    graph = cli("graph", "--log", "payments", cwd=project)
    assert graph.code == 0 and '"payments:0002-publish-payment-events"' in graph.out
    bad = cli("list", "--log", "nope", cwd=project)
    assert bad.code == 2 and "platform" in bad.err and "payments" in bad.err
    shown = cli("show", "payments:2", cwd=project)
    assert shown.code == 0 and "Publish payment events" in shown.out


def test_a_cross_log_reference_to_nothing_is_reported(tmp_path, cli):
    project = two_log_project(tmp_path)
    pay = project / "services" / "payments" / "decisions"
    write_record(pay, "0003-broken", {"title": "Broken", "links": [{"rel": "relates-to", "target": "platform:0099"}]})
    report = build(project)
    assert any(w.kind == "broken-link" and "platform:0099" in w.message for w in report.warnings)
    lint = cli("lint", "--log", "payments", cwd=project)
    assert lint.code == 1 and "'0099' is not a decision in the log 'platform'" in lint.out


def test_an_unusable_include_is_a_warning_and_a_hostile_one_is_inert(tmp_path):
    sample_log(tmp_path)
    (tmp_path / "junk.json").write_text("{not json", encoding="utf-8")
    hostile = {"version": 1, "title": "<script>alert(1)</script>Evil", "decisions": [
        {"number": 1, "stem": "0001-x", "title": "<img src=x onerror=alert(1)>", "status": "accepted",
         "url": "javascript:alert(1)"},
        {"number": 2, "stem": "0002-y", "title": "<b>fine</b>", "status": "accepted", "url": "0002-y.html",
         "tags": ["<script>t</script>"]},
        {"number": "three", "stem": "0003-z", "title": "bad", "status": "x", "url": "z.html"}]}
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil" / "decisions.json").write_text(json.dumps(hostile), encoding="utf-8")
    report = build(tmp_path, include=["junk.json", "missing.json", "evil/decisions.json"])
    messages = [str(w) for w in report.warnings if w.kind == "include"]
    assert any("junk.json" in m and "not JSON" in m for m in messages), messages
    assert any("missing.json" in m and "cannot be read" in m for m in messages), messages
    assert sum("is left out" in m for m in messages) == 2, messages
    index = assert_safe_page(tmp_path / "site" / "index.html")
    assert "<b>fine</b>" in index.text and "../evil/0002-y.html" in {e.attrs.get("href") for e in index.find("a")}
    assert "<script>" not in (tmp_path / "site" / "search-index.js").read_text(encoding="utf-8")


# --- the cache is keyed by the package ---------------------------------------------------

def _build_with(package: Path, project: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package), "SOURCE_DATE_EPOCH": "1767225600"}
    env.pop("ADRKIT_DIR", None)
    return subprocess.run([sys.executable, "-m", "adrkit", "build"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_change_to_the_graph_colours_is_drawn_on_the_next_build(tmp_path):
    package = tmp_path / "package"
    shutil.copytree(ROOT / "adrkit", package / "adrkit", ignore=shutil.ignore_patterns("__pycache__"))
    project = tmp_path / "project"
    project.mkdir()
    sample_log(project)
    first = _build_with(package, project)
    assert first.returncode == 0, first.stderr
    graph = project / "site" / "graph.html"
    assert "#e8f5e9" in graph.read_text(encoding="utf-8")  # the fill of an accepted decision
    colours = package / "adrkit" / "core" / "decision_graph.py"
    colours.write_text(colours.read_text(encoding="utf-8").replace('"#e8f5e9"', '"#123abc"'), encoding="utf-8")
    second = _build_with(package, project)  # same cache folder, same records
    assert second.returncode == 0, second.stderr
    drawn = graph.read_text(encoding="utf-8")
    assert "#123abc" in drawn and "#e8f5e9" not in drawn


# --- rebuilds from file stats --------------------------------------------------------------

def _age(folder: Path, seconds: int = 60) -> None:
    """Date every file of `folder` back, as files edited a while ago are (a file written
    in the second before a build is checked by content on the next one)."""
    for path in folder.rglob("*"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 10**9))


def test_a_noop_rebuild_reads_no_notebook(tmp_path, monkeypatch):
    sample_log(tmp_path)
    _age(tmp_path)
    build(tmp_path)
    read = []
    real = Path.read_bytes

    def spy(self):
        if self.suffix in (".ipynb", ".yaml"):
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    again = build(tmp_path)
    assert read == [] and again.converted == 0 and again.pages == 5


def test_a_touched_notebook_is_hashed_again_but_not_converted(tmp_path):
    d = sample_log(tmp_path)
    build(tmp_path)
    path = d / "0003-adopt-kafka.ipynb"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    again = build(tmp_path)
    assert again.converted == 0 and again.pages == 5


def test_one_change_renders_only_what_shows_it(tmp_path):
    d = sample_log(tmp_path)
    for i in range(10, 20):
        write_record(d, f"{i:04d}-filler-{i}", {"title": f"Filler {i}"})
    build(tmp_path)
    site = tmp_path / "site"
    before = {p.name: p.stat().st_ino for p in site.glob("*.html")}
    path = d / "0015-filler-15.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace("We do it.", "We do it differently."), encoding="utf-8")
    report = build(tmp_path)
    assert report.converted == 1
    after = {p.name: p.stat().st_ino for p in site.glob("*.html")}
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"0015-filler-15.html"}, changed  # its title did not change: no neighbour, no index
    assert "differently" in (site / "0015-filler-15.html").read_text(encoding="utf-8")


def test_a_deleted_site_file_is_written_again(tmp_path):
    sample_log(tmp_path)
    build(tmp_path)
    (tmp_path / "site" / "timeline.html").unlink()
    build(tmp_path)
    assert (tmp_path / "site" / "timeline.html").is_file()


def test_a_corrupt_cache_is_rebuilt_not_trusted(tmp_path):
    sample_log(tmp_path)
    build(tmp_path)
    for name in ("records.sqlite", "pages.sqlite"):
        (tmp_path / ".cache" / name).write_bytes(b"this is not a database" * 100)
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp_path / '.cache' / name}{suffix}").unlink(missing_ok=True)
    report = build(tmp_path)
    assert not report.failures and report.converted == 5 and report.pages == 5
    assert (tmp_path / "site" / "0004-use-cockroachdb.html").is_file()


def test_warnings_are_repeated_by_a_build_with_nothing_to_do(tmp_path, cli):
    d = sample_log(tmp_path)
    write_record(d, "0007-dangling", {"title": "Dangling", "supersedes": ["0099-nowhere"]})
    first = cli("build", "--strict")
    again = cli("build", "--strict")
    assert first.code == again.code == 1
    assert "0099-nowhere" in again.err and "0 converted" in again.err


# --- progress ----------------------------------------------------------------------------

def test_progress_lines_when_not_a_terminal_and_nothing_when_quiet(tmp_path, cli):
    d = sample_log(tmp_path)
    for i in range(10, 40):
        write_record(d, f"{i:04d}-filler-{i}", {"title": f"Filler {i}"})
    res = cli("build", "--serial")
    assert "converting 35 notebooks" in res.err
    assert "converting: 3/35" in res.err and "left" in res.err, res.err
    (d / "0010-filler-10.ipynb").unlink()
    quiet = cli("build", "--quiet")
    assert quiet.code == 0 and "converting" not in quiet.err and "built 34 pages" in quiet.err


def test_the_terminal_bar_counts_and_says_the_time_left():
    from adrkit.cli.progress import TerminalProgress, progress_for

    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = progress_for(False, stream)
    assert isinstance(bar, TerminalProgress)
    bar.start("converting", 50)
    for done in (1, 25, 50):
        bar._drawn = 0.0
        bar.advance(done)
    bar.finish()
    text = stream.getvalue()
    assert "converting [" in text and "25/50" in text and "left" in text and "\r" in text


def test_list_reads_only_what_changed(tmp_path, monkeypatch):
    from adrkit.storage import records

    d = sample_log(tmp_path)
    log = find_log(start=tmp_path)
    with records.RecordIndex(log) as index:
        first = [e.decision.title for e in index.entries() if e.decision]
    parsed = []
    real = records.loads_notebook
    monkeypatch.setattr(records, "loads_notebook", lambda raw, path=None: parsed.append(path) or real(raw, path=path))
    path = d / "0003-adopt-kafka.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace("Adopt Kafka", "Adopt Pulsar"), encoding="utf-8")
    with records.RecordIndex(log) as index:
        second = [e.decision.title for e in index.entries() if e.decision]
    assert parsed == [path]
    assert second == [t.replace("Adopt Kafka", "Adopt Pulsar") for t in first]


# --- a rebuild after new words gives the site a full build gives -------------------------

def _site_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("change, quick", [
    ("words", True),           # the text of a record
    ("data", False),           # a trade-off table: its what-if data and the successors' "what changed" change
    ("guide", True),           # the text of a guide
    ("mention", False),        # the text now links to another decision: backlinks change
    ("title", False),          # front matter: the index, neighbours and graph change
])
def test_an_edit_gives_the_site_a_full_build_gives(tmp_path, monkeypatch, change, quick):
    from adrkit.publish import quick as quick_path

    from test_publish_guides import guide_folder

    d = sample_log(tmp_path)
    for i in range(10, 16):
        write_record(d, f"{i:04d}-filler-{i}", {"title": f"Filler {i}", "date": f"2025-02-{i}"})
    guides = guide_folder(tmp_path)
    _age(tmp_path)
    build(tmp_path, guides=[guides])
    taken = []
    real = quick_path.write
    monkeypatch.setattr(quick_path, "write", lambda *a, **k: taken.append(real(*a, **k)) or taken[-1])
    if change == "words":
        _edit(d / "0012-filler-12.ipynb", "We do it.", "We do it, with care.")
    elif change == "data":
        _edit(d / "0002-use-postgresql-for-orders.yaml", "name: MongoDB", "name: Cassandra")
    elif change == "guide":
        _edit(guides / "getting-started.ipynb", "Install adrkit", "First install adrkit")
    elif change == "mention":
        _edit(d / "0012-filler-12.ipynb", "We do it.", "We do it, as [the process](0001-record-architecture-decisions.ipynb) says.")
    elif change == "title":
        _edit(d / "0012-filler-12.ipynb", "Filler 12", "Filler twelve")
    report = build(tmp_path, guides=[guides])
    assert report.converted == 1 and not report.failures
    assert bool(taken and taken[-1] is not None) == quick
    full = build(tmp_path, guides=[guides], out=tmp_path / "full", cache_dir=tmp_path / "fresh-cache")
    assert full.converted == report.pages + report.guides
    assert _site_files(tmp_path / "site") == _site_files(tmp_path / "full")
    assert [str(w) for w in report.warnings] == [str(w) for w in full.warnings]
    again = build(tmp_path, guides=[guides])  # and the next build has nothing to do
    assert again.converted == 0


def test_an_edit_in_a_site_of_two_logs_gives_what_a_full_build_gives(tmp_path, monkeypatch):
    from adrkit.publish import quick as quick_path

    project = two_log_project(tmp_path)
    _age(tmp_path)
    build(project)
    taken = []
    real = quick_path.write
    monkeypatch.setattr(quick_path, "write", lambda *a, **k: taken.append(real(*a, **k)) or taken[-1])
    _edit(project / "services" / "payments" / "decisions" / "0002-publish-payment-events.ipynb",
          "platypusflow event", "platypusflow message")
    report = build(project)
    assert report.converted == 1 and taken and taken[-1] is not None
    quick = _site_files(project / "site")
    full = build(project, cache_dir=tmp_path / "fresh-cache")  # the same folder (its links to the partner)
    assert full.converted == full.pages
    assert quick == _site_files(project / "site")
    assert "platypusflow message" in (project / "site" / "search-index.js").read_text(encoding="utf-8")


def test_new_and_status_write_to_the_log_named(tmp_path, cli):
    project = two_log_project(tmp_path)
    made = cli("new", "Track refunds", "--log", "payments", cwd=project)
    assert made.code == 0, made.err
    assert made.out.strip() == "services/payments/decisions/0003-track-refunds.ipynb"
    default = cli("new", "Use one CI runner", cwd=project)
    assert default.out.strip() == "decisions/0003-use-one-ci-runner.ipynb"
    moved = cli("status", "3", "accepted", "--log", "payments", cwd=project)
    assert moved.code == 0 and "services/payments/decisions/0003-track-refunds.ipynb" in moved.out
    assert "accepted" in cli("show", "payments:3", cwd=project).out
    assert cli("show", "3", cwd=project).out.startswith("0003. Use one CI runner")
