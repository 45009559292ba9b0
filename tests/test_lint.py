"""lint: each kind of finding, named by file, field and fix."""
from __future__ import annotations

import json
import shutil

import pytest

from adrkit.storage.log import find_log


def _write_sections(log_dir):
    """Replace every template paragraph with the team's own words, as a finished record has."""
    from adrkit.formats.notebook import dumps_notebook

    for path in log_dir.glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"][1:]:
            if (cell.get("metadata") or {}).get("adrkit", {}).pop("placeholder", None):
                heading = "".join(cell["source"]).split("\n", 1)[0]
                cell["source"] = f"{heading}\n\nWritten by the team."
        path.write_text(dumps_notebook(nb), encoding="utf-8")


@pytest.fixture
def log(cli, log_dir):
    cli("new", "Use PostgreSQL", "--status", "accepted")
    cli("new", "Use CockroachDB", "--supersedes", "1")
    cli("new", "Cache reads")
    _write_sections(log_dir)
    return find_log(log_dir)


def test_untouched_template_text_is_reported_except_in_drafts(cli, log_dir):
    cli("new", "Use Redis for sessions", "--template", "backend")
    cli("new", "Try a queue", "--status", "draft")
    code, found, raw = _codes(cli)
    # a notice (it does not fail the check), one per record, naming each section
    assert code == 0 and {p for p, c in found} == {"0001-use-redis-for-sessions.ipynb"}
    assert {c for p, c in found} == {"placeholder-text"} and len(raw) == 1
    assert raw[0]["severity"] == "info"
    message = raw[0]["message"]
    assert "'Context and Problem Statement'" in message and "Shipping checklist" not in message
    assert "Considered Options" not in message  # hints are not placeholders
    assert message.endswith("more)") or message.count("'") >= 2
    assert "still hold the template's text" in message
    _write_sections(log_dir)
    assert cli("lint").code == 0 and _codes(cli)[1] == []


def _edit(log, ref, **changes):
    rec = log.resolve(ref)
    for key, value in changes.items():
        setattr(rec.decision, key, value)
    log.save_many([rec])


def _codes(cli):
    r = cli("lint", "--json")
    return r.code, [(f["path"], f["code"]) for f in json.loads(r.out)], json.loads(r.out)


def test_clean_log_passes(cli, log):
    r = cli("lint")
    assert (r.code, r.out) == (0, "")
    assert r.err == "3 decision(s) checked, 0 finding(s)\n"


def test_duplicate_numbers_suggest_renumber(cli, log):
    # two branches each added 0003
    shutil.copy(log.dir / "0003-cache-reads.ipynb", log.dir / "0003-use-a-queue.ipynb")
    code, found, raw = _codes(cli)
    assert code == 1
    assert ("0003-use-a-queue.ipynb", "duplicate-number") in found
    finding = next(f for f in raw if f["code"] == "duplicate-number")
    assert finding["fix"] == "run 'adrkit renumber 0003-use-a-queue 4'"
    assert cli("renumber", "0003-use-a-queue", "4").code == 0
    assert cli("lint").code == 0


def test_dangling_and_one_sided_links(cli, log):
    from adrkit.core.decision import Link

    _edit(log, "3", links=[Link("depends-on", "0009-nowhere"), Link("relates-to", "0001-use-postgresql")])
    _edit(log, "2", supersedes=[])
    code, found, raw = _codes(cli)
    assert code == 1
    assert ("0003-cache-reads.ipynb", "dangling-link") in found
    assert ("0003-cache-reads.ipynb", "one-sided-link") in found
    assert ("0001-use-postgresql.ipynb", "one-sided-supersession") in found
    text = cli("lint").out
    assert ("0003-cache-reads.ipynb: links (depends-on): '0009-nowhere' is not a decision in decisions/; "
            "fix the target's file stem or remove the entry [dangling-link]") in text


def test_unknown_status_and_inconsistent_supersession(cli, log):
    _edit(log, "3", status="shipped")
    _edit(log, "1", status="accepted")
    code, found, raw = _codes(cli)
    assert ("0003-cache-reads.ipynb", "unknown-status") in found
    assert ("0001-use-postgresql.ipynb", "successor-but-not-superseded") in found
    f = next(f for f in raw if f["code"] == "unknown-status")
    assert f["field"] == "status" and "accepted" in f["fix"]


def test_supersession_cycle(cli, log):
    _edit(log, "2", superseded_by=["0001-use-postgresql"], status="superseded")
    _edit(log, "1", supersedes=["0002-use-cockroachdb"])
    code, found, raw = _codes(cli)
    cycles = [f for f in raw if f["code"] == "supersession-cycle"]
    assert len(cycles) == 1
    assert "0001-use-postgresql -> 0002-use-cockroachdb -> 0001-use-postgresql" in cycles[0]["message"]


def test_missing_required_section(cli, log):
    path = log.dir / "0003-cache-reads.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"] = [c for c in nb["cells"] if "Decision Outcome" not in "".join(c["source"])]
    path.write_text(json.dumps(nb))
    code, found, raw = _codes(cli)
    f = next(f for f in raw if f["code"] == "missing-section")
    assert f["path"] == "0003-cache-reads.ipynb"
    assert f["message"] == "missing required section 'Decision Outcome'"
    assert f["fix"] == "add a markdown cell starting '## Decision Outcome'"


def test_unparseable_front_matter_and_corrupt_json(cli, log):
    p = log.dir / "0003-cache-reads.ipynb"
    p.write_text(p.read_text().replace('"title: Cache reads\\n"', '"title: Cache: reads: x\\n"'))
    (log.dir / "0004-broken.ipynb").write_text("{not json")
    code, found, raw = _codes(cli)
    assert ("0003-cache-reads.ipynb", "unreadable") in found
    assert ("0004-broken.ipynb", "unreadable") in found
    f = next(f for f in raw if f["path"] == "0003-cache-reads.ipynb")
    assert f["field"].startswith("front matter line 2")


def test_data_file_problems(cli, log):
    (log.dir / "0003-cache-reads.yaml").write_text("tradeoffs: [\n")
    (log.dir / "0042-gone.yaml").write_text("tradeoffs: {}\n")
    code, found, raw = _codes(cli)
    assert ("0003-cache-reads.yaml", "bad-data") in found
    assert ("0042-gone.yaml", "orphan-data") in found
