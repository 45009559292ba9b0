"""`adrkit export`: deterministic bytes, no clobbering, all-or-nothing writes, fresh
heads after a change, and links that follow the files across formats."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import snapshot


def _log(tmp_path, cli):
    assert cli("init").code == 0
    assert cli("new", "Record architecture decisions", "--status", "accepted").code == 0
    assert cli("new", "Use MySQL", "--status", "accepted").code == 0
    assert cli("new", "Use PostgreSQL", "--supersedes", "2").code == 0
    return tmp_path / "decisions"


def test_same_log_same_bytes_and_a_second_run_writes_nothing(tmp_path, cli):
    _log(tmp_path, cli)
    first = cli("export", "--out", "a")
    assert first.code == 0, first.err
    assert len(first.out.split()) == 3
    again = cli("export", "--out", "a")
    assert again.code == 0 and again.out == "" and "3 unchanged" in again.err
    other = cli("export", "--out", "b")
    assert other.code == 0
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert a == b and ".adrkit-export.json" in a


def test_default_out_folder_and_refs(tmp_path, cli):
    _log(tmp_path, cli)
    res = cli("export", "--format", "nygard", "3")
    assert res.code == 0, res.err
    assert res.out.strip().endswith("export/nygard/0003-use-postgresql.md")
    text = (tmp_path / "export" / "nygard" / "0003-use-postgresql.md").read_text(encoding="utf-8")
    assert "Supersedes [2. Use MySQL](0002-use-mysql.md)" in text


def test_never_overwrites_a_file_it_did_not_write(tmp_path, cli):
    _log(tmp_path, cli)
    out = tmp_path / "out"
    out.mkdir()
    (out / "0002-use-mysql.md").write_text("mine\n", encoding="utf-8")
    before = snapshot(out)
    res = cli("export", "--out", out)
    assert res.code == 1 and "did not write" in res.err and "--force" in res.err
    assert "Traceback" not in res.err
    assert snapshot(out) == before  # not even the other files
    res = cli("export", "--out", out, "--force")
    assert res.code == 0
    assert (out / "0002-use-mysql.md").read_text(encoding="utf-8") != "mine\n"


def test_a_file_edited_after_export_is_kept(tmp_path, cli):
    _log(tmp_path, cli)
    assert cli("export", "--out", "out").code == 0
    edited = tmp_path / "out" / "0001-record-architecture-decisions.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nhand edit\n", encoding="utf-8")
    assert cli("status", "1", "deprecated").code == 0
    res = cli("export", "--out", "out")
    assert res.code == 1 and "0001-record-architecture-decisions.md" in res.err
    assert edited.read_text(encoding="utf-8").endswith("hand edit\n")


def test_a_changed_status_reaches_an_imported_record(tmp_path, cli):
    src = tmp_path / "src"
    src.mkdir()
    original = ("# 1. Use Riak\n\nDate: 2020-01-01\n\n## Status\n\nApproved\n\n## Context\n\nWhy.\n")
    (src / "0001-use-riak.md").write_text(original, encoding="utf-8")
    assert cli("init").code == 0
    assert cli("import", src).code == 0
    assert cli("export", "--format", "source", "--out", "same").code == 0
    assert (tmp_path / "same" / "0001-use-riak.md").read_text(encoding="utf-8") == original
    assert cli("status", "1", "deprecated").code == 0
    assert cli("export", "--format", "nygard", "--out", "same").code == 0
    text = (tmp_path / "same" / "0001-use-riak.md").read_text(encoding="utf-8")
    assert "## Status\n\nDeprecated\n\n## Context\n\nWhy.\n" in text


def test_links_follow_files_across_formats(tmp_path, cli):
    src = tmp_path / "src"
    src.mkdir()
    (src / "20200101-first.md").write_text(
        "# First\n\n- Status: superseded by [20200202-second](20200202-second.md)\n- Date: 2020-01-01\n\n"
        "## Context and Problem Statement\n\nSee [second](20200202-second.md#context).\n", encoding="utf-8")
    (src / "20200202-second.md").write_text(
        "# Second\n\n- Status: accepted\n- Date: 2020-02-02\n\n## Context and Problem Statement\n\nNew.\n",
        encoding="utf-8")
    assert cli("init").code == 0
    assert cli("import", src).code == 0
    assert cli("export", "--format", "nygard", "--out", "ny").code == 0
    first = (tmp_path / "ny" / "0001-first.md").read_text(encoding="utf-8")
    assert first.startswith("# 1. First\n\nDate: 2020-01-01\n\n## Status\n\nSuperseded by [2. Second](0002-second.md)")
    assert "See [second](0002-second.md#context)." in first
    assert cli("export", "--format", "log4brains", "--out", "l4b").code == 0
    back = (tmp_path / "l4b" / "20200101-first.md").read_text(encoding="utf-8")
    assert back == (src / "20200101-first.md").read_text(encoding="utf-8")


def test_a_failed_write_leaves_every_file_as_it_was(tmp_path, cli, monkeypatch):
    log_dir = _log(tmp_path, cli)
    out = tmp_path / "out"
    assert cli("export", "--out", out).code == 0
    assert cli("status", "1", "deprecated").code == 0
    assert cli("status", "3", "accepted").code == 0
    before = snapshot(out)
    from adrkit.storage import atomic
    from adrkit.services.exporter import export_markdown
    from adrkit.storage.log import DecisionLog

    calls = {"n": 0}
    real = os.replace

    def flaky(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    with pytest.raises(OSError):
        export_markdown(DecisionLog(log_dir), out)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_unknown_format_is_a_usage_error(tmp_path, cli):
    _log(tmp_path, cli)
    res = cli("export", "--format", "docx")
    assert res.code == 2 and "invalid choice" in res.err


def test_exported_madr_reads_back_as_the_same_decisions(tmp_path, cli):
    _log(tmp_path, cli)
    assert cli("link", "3", "relates-to", "1").code == 0
    assert cli("export", "--out", "md").code == 0
    assert cli("import", tmp_path / "md", "--into", "again").code == 0
    from adrkit.storage.log import DecisionLog
    one = {r.decision.stem: r.decision.to_summary() for r in DecisionLog(tmp_path / "decisions").records()}
    two = {r.decision.stem: r.decision.to_summary() for r in DecisionLog(tmp_path / "again").records()}
    for summary in list(one.values()) + list(two.values()):
        summary.pop("status-history")
    assert one == two


# --- regressions ------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]

TRADEOFF = {
    "question": "Which queue?",
    "criteria": [{"name": "Cost", "weight": 1}],
    "options": [{"name": "RabbitMQ", "scores": {"Cost": 4}, "arguments": [{"good": "we run it"}]},
                {"name": "Kafka", "scores": {"Cost": 2}}],
    "chosen": "RabbitMQ",
    "because": "it is cheap",
}


def _with_data(log_dir: Path, number: int, sections: dict[str, str], data: dict) -> Path:
    """Give record `number` these cell texts (by section key) and this data file."""
    import yaml

    nb_path = next(log_dir.glob(f"{number:04d}-*.ipynb"))
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        key = (cell.get("metadata") or {}).get("adrkit", {}).get("section")
        if key in sections:
            cell["source"] = sections[key]
    nb_path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    nb_path.with_suffix(".yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return nb_path


def test_prose_next_to_a_tradeoff_is_exported(tmp_path, cli):
    log_dir = _log(tmp_path, cli)
    _with_data(log_dir, 3, {
        "options": "## Considered Options\n\n* **RabbitMQ** (managed)\n* **Kafka**: the platform's\n\n"
                   "Both were tried in staging.",
        "outcome": "## Decision Outcome\n\nChosen option: **RabbitMQ**, because the team knows it.\n\n"
                   "* Exchange `orders.events`, one queue per consumer.",
        "pros-and-cons": "## Pros and Cons of the Options\n\nMeasured in [the spike](0001-record-"
                         "architecture-decisions.ipynb).",
    }, {"tradeoffs": {"main": TRADEOFF}})
    assert cli("export", "--out", "md").code == 0
    text = next((tmp_path / "md").glob("0003-*.md")).read_text(encoding="utf-8")
    # the engineer's words are all there, once, under the generated headings
    for words in ("(managed)", "Both were tried in staging.", "Exchange `orders.events`",
                  "[the spike](0001-record-architecture-decisions.md)", "| **RabbitMQ** (chosen) |",
                  "* Good, because we run it", "Sensitivity:"):
        assert text.count(words) == 1, words
    assert [line for line in text.split("\n") if line.startswith("## ")] == [
        "## Context and Problem Statement", "## Decision Drivers", "## Considered Options",
        "## Decision Outcome", "## Pros and Cons of the Options", "## More Information"]
    # their option list and their "Chosen option" replace the generated ones
    assert "* RabbitMQ\n" not in text and text.count("Chosen option:") == 1
    assert "Chosen option: **RabbitMQ**, because the team knows it." in text
    outcome = text.split("## Decision Outcome\n\n", 1)[1]
    assert outcome.startswith("Chosen option: **RabbitMQ**")
    assert outcome.index("Exchange `orders.events`") < outcome.index("Sensitivity:")
    options = text.split("## Considered Options\n\n", 1)[1].split("## Decision Outcome")[0]
    assert options.index("Which queue?") < options.index("(managed)") < options.index("| Option |")
    pros = text.split("## Pros and Cons of the Options\n\n", 1)[1]
    assert pros.index("### Kafka") < pros.index("Measured in")


def test_prose_that_chooses_nothing_follows_the_generated_outcome(tmp_path, cli):
    log_dir = _log(tmp_path, cli)
    _with_data(log_dir, 3, {
        "options": "## Considered Options\n\nWe looked at two brokers.",
        "outcome": "## Decision Outcome\n\nRevisit when traffic doubles.",
    }, {"tradeoffs": {"main": TRADEOFF}})
    assert cli("export", "--out", "md").code == 0
    text = next((tmp_path / "md").glob("0003-*.md")).read_text(encoding="utf-8")
    assert "* RabbitMQ\n* Kafka\n" in text and "We looked at two brokers." in text
    assert text.count("Chosen option:") == 1
    outcome = text.split("## Decision Outcome\n\n", 1)[1]
    assert outcome.startswith('Chosen option: "RabbitMQ", because it is cheap')
    assert outcome.index("Sensitivity:") < outcome.index("Revisit when traffic doubles.")


def test_template_text_next_to_a_tradeoff_is_not_exported(tmp_path, cli):
    log_dir = _log(tmp_path, cli)
    _with_data(log_dir, 3, {}, {"tradeoffs": {"main": TRADEOFF}})
    assert cli("export", "--out", "md").code == 0
    text = next((tmp_path / "md").glob("0003-*.md")).read_text(encoding="utf-8")
    assert "option 1" not in text and "Chosen option: \"RabbitMQ\"" in text


def test_orders_service_outcome_prose_is_exported(tmp_path, cli):
    import shutil

    shutil.copytree(ROOT / "notebooks" / "orders-service", tmp_path / "os")
    res = cli("--dir", tmp_path / "os" / "decisions", "export", "--out", tmp_path / "out")
    assert res.code == 0, res.err
    text = next((tmp_path / "out").glob("0005-*.md")).read_text(encoding="utf-8")
    assert text.count("2 s timeout") == 1 and text.count("Chosen option:") == 1
    assert text.count("## Decision Outcome") == 1 and text.count("Breaker + work queue**:") == 1


def test_source_export_after_renumber_uses_the_new_number(tmp_path, cli):
    src = tmp_path / "src"
    src.mkdir()
    (src / "0001-use-riak.md").write_text("# 1. Use Riak\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\n"
                                          "## Context\n\nWhy.\n", encoding="utf-8")
    (src / "0002-use-redis.md").write_text("# 2. Use Redis\n\nDate: 2020-02-02\n\n## Status\n\nAccepted\n\n"
                                           "## Context\n\nSee [Riak](0001-use-riak.md).\n", encoding="utf-8")
    assert cli("init").code == 0
    assert cli("import", src).code == 0
    assert cli("export", "--format", "source", "--out", "same").code == 0
    assert sorted(p.name for p in (tmp_path / "same").glob("*.md")) == ["0001-use-riak.md", "0002-use-redis.md"]
    assert cli("renumber", "1", "7").code == 0
    res = cli("export", "--format", "source", "--out", "same", "--json")
    assert res.code == 0, res.err
    names = sorted(p.name for p in (tmp_path / "same").glob("*.md"))
    assert names == ["0002-use-redis.md", "0007-use-riak.md"]
    assert "See [Riak](0007-use-riak.md)." in (tmp_path / "same" / "0002-use-redis.md").read_text(encoding="utf-8")
    assert (tmp_path / "same" / "0007-use-riak.md").read_text(encoding="utf-8").startswith("# 7. Use Riak\n")
    report = json.loads(res.out)
    assert report["removed"] == [str(Path("same") / "0001-use-riak.md")]


def test_reexport_removes_only_files_it_wrote_and_that_are_unchanged(tmp_path, cli):
    log_dir = _log(tmp_path, cli)
    out = tmp_path / "out"
    assert cli("export", "--out", out).code == 0
    (out / "mine.md").write_text("not from the export\n", encoding="utf-8")
    # a file the export wrote, then the user edited: kept
    old_one = out / "0001-record-architecture-decisions.md"
    old_one.write_text(old_one.read_text(encoding="utf-8") + "\nedited\n", encoding="utf-8")
    assert cli("renumber", "1", "11").code == 0
    assert cli("renumber", "2", "12").code == 0
    # a partial export removes nothing
    res = cli("export", "--out", out, "3")
    assert res.code == 0 and (out / "0002-use-mysql.md").is_file()
    res = cli("export", "--out", out, "--json")
    assert res.code == 0, res.err
    report = json.loads(res.out)
    assert report["removed"] == [str(out / "0002-use-mysql.md")]
    assert "0002-use-mysql.md is no longer exported; removed" in res.err
    assert not (out / "0002-use-mysql.md").exists()
    assert old_one.read_text(encoding="utf-8").endswith("edited\n")
    assert (out / "mine.md").read_text(encoding="utf-8") == "not from the export\n"
    manifest = json.loads((out / ".adrkit-export.json").read_text(encoding="utf-8"))["files"]
    assert sorted(manifest) == ["0003-use-postgresql.md", "0011-record-architecture-decisions.md",
                                "0012-use-mysql.md"]
    again = cli("export", "--out", out, "--json")
    assert again.code == 0 and json.loads(again.out)["removed"] == [] and json.loads(again.out)["written"] == []


def test_removal_is_part_of_the_all_or_nothing_write(tmp_path, cli, monkeypatch):
    log_dir = _log(tmp_path, cli)
    out = tmp_path / "out"
    assert cli("export", "--out", out).code == 0
    assert cli("renumber", "2", "12").code == 0
    before = snapshot(out)
    from adrkit.storage import atomic
    from adrkit.services.exporter import export_markdown
    from adrkit.storage.log import DecisionLog

    real = os.replace

    def failing(src, dst):
        if str(dst).endswith(".adrkit-export.json"):
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing)
    with pytest.raises(OSError):
        export_markdown(DecisionLog(log_dir), out)
    monkeypatch.undo()
    assert snapshot(out) == before


def test_manifest_entries_outside_the_folder_are_never_removed(tmp_path, cli):
    _log(tmp_path, cli)
    out = tmp_path / "out"
    assert cli("export", "--out", out).code == 0
    outside = tmp_path / "precious.md"
    outside.write_text("keep\n", encoding="utf-8")
    import hashlib

    manifest_path = out / ".adrkit-export.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"]["../precious.md"] = hashlib.sha256(b"keep\n").hexdigest()
    manifest["files"][str(outside)] = hashlib.sha256(b"keep\n").hexdigest()
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert cli("status", "1", "deprecated").code == 0
    res = cli("export", "--out", out, "--json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["removed"] == [] and outside.read_text(encoding="utf-8") == "keep\n"


def test_log4brains_export_keeps_supersedes_and_custom_links(tmp_path, cli):
    _log(tmp_path, cli)
    assert cli("link", "3", "depends-on", "1").code == 0
    assert cli("export", "--format", "log4brains", "--out", "l4b").code == 0
    text = (tmp_path / "l4b" / "0003-use-postgresql.md").read_text(encoding="utf-8")
    assert text.rstrip("\n").endswith(
        "## Links\n\n- Supersedes [Use MySQL](0002-use-mysql.md)\n"
        "- Depends on [Record architecture decisions](0001-record-architecture-decisions.md)")
    assert "## Links" not in (tmp_path / "l4b" / "0002-use-mysql.md").read_text(encoding="utf-8")
    assert cli("import", tmp_path / "l4b", "--into", "again").code == 0
    from adrkit.storage.log import DecisionLog
    one = {r.decision.stem: r.decision.to_summary() for r in DecisionLog(tmp_path / "decisions").records()}
    two = {r.decision.stem: r.decision.to_summary() for r in DecisionLog(tmp_path / "again").records()}
    for summary in list(one.values()) + list(two.values()):
        summary.pop("status-history")
    assert one == two


def test_log4brains_links_section_in_the_body_is_completed_not_repeated(tmp_path, cli):
    src = tmp_path / "src"
    src.mkdir()
    (src / "20200101-first.md").write_text("# First\n\n- Status: accepted\n- Date: 2020-01-01\n\n"
                                           "## Context\n\nWhy.\n", encoding="utf-8")
    (src / "20200202-second.md").write_text(
        "# Second\n\n- Status: accepted\n- Date: 2020-02-02\n\n## Context\n\nNew.\n\n## Links\n\n"
        "- Refines [First](20200101-first.md)\n", encoding="utf-8")
    assert cli("init").code == 0
    assert cli("import", src).code == 0
    assert cli("link", "2", "relates-to", "1").code == 0
    assert cli("export", "--format", "log4brains", "--out", "l4b").code == 0
    text = (tmp_path / "l4b" / "20200202-second.md").read_text(encoding="utf-8")
    assert text.count("## Links") == 1
    assert text.endswith("## Links\n\n- Refines [First](20200101-first.md)\n"
                         "- Relates to [First](20200101-first.md)\n")


def test_lifecycle_file_name_is_slugified_and_alt_text_escaped(tmp_path, cli):
    log_dir = _log(tmp_path, cli)
    lifecycle = {"title": "Checkout [v2]", "stages": [{"name": "Request"}, {"name": "Response"}]}
    _with_data(log_dir, 3, {}, {"lifecycles": {"slow path": lifecycle}})
    res = cli("export", "--out", "md")
    assert res.code == 0, res.err
    text = (tmp_path / "md" / "0003-use-postgresql.md").read_text(encoding="utf-8")
    if "no SVG" in res.err:
        pytest.skip("Graphviz cannot render here: " + res.err)
    assert "![Checkout \\[v2\\]](0003-use-postgresql-lifecycle-slow-path.svg)" in text
    assert (tmp_path / "md" / "0003-use-postgresql-lifecycle-slow-path.svg").is_file()


def test_nygard_link_text_escapes_brackets_in_titles(tmp_path, cli):
    assert cli("init").code == 0
    assert cli("new", "Use [x](y) \\ z", "--status", "accepted").code == 0
    assert cli("new", "Use PostgreSQL", "--supersedes", "1").code == 0
    assert cli("export", "--format", "nygard", "--out", "ny").code == 0
    out = tmp_path / "ny"
    new = next(out.glob("0002-*.md")).read_text(encoding="utf-8")
    old_name = next(out.glob("0001-*.md")).name
    assert f"Supersedes [1. Use \\[x\\](y) \\\\ z]({old_name})" in new
    from adrkit.formats.markdown import iter_links
    status = new.split("## Status", 1)[1].split("## ", 1)[0]
    assert [link.href for link in iter_links(status)] == [old_name]
    assert next(out.glob("0001-*.md")).read_text(encoding="utf-8").startswith("# 1. Use [x](y) \\ z\n")


# --- fields changed after import reach every format ------------------------------------

def test_the_fingerprint_covers_exactly_the_fields_a_record_text_encodes():
    """A change to any of these fields after import is written into the export; a change
    to anything else (an extra front matter key, the status history) is not a reason
    to write a fresh head."""
    from adrkit.core.decision import Decision, Link, StatusChange
    from adrkit.formats.markdown import fingerprint
    from adrkit.formats.markdown.writer import FINGERPRINT_FIELDS

    assert FINGERPRINT_FIELDS == ("number", "title", "status", "date", "decision-makers", "consulted",
                                  "informed", "tags", "supersedes", "superseded-by", "links")
    base = dict(number=3, slug="x", title="X", status="accepted", date="2020-01-02")
    before = fingerprint(Decision(**base))
    changes = {"number": 4, "title": "Y", "status": "deprecated", "date": "2021-01-01",
               "decision_makers": ["Ann"], "consulted": ["Bo"], "informed": ["Cy"], "tags": ["db"],
               "supersedes": ["0001-a"], "superseded_by": ["0009-z"], "links": [Link("amends", "0001-a")]}
    for attr, value in changes.items():
        assert fingerprint(Decision(**{**base, attr: value})) != before, attr
    assert len(changes) == len(FINGERPRINT_FIELDS)
    same = Decision(**base, extra={"nav_order": 3}, status_history=[StatusChange("proposed", "2020-01-01")])
    assert fingerprint(same) == before


IMPORTED = {
    "0001-use-riak.md": "# 1. Use Riak\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nWhy.\n",
    "0002-use-cassandra.md": "# Use Cassandra\n\n* **Status:** Proposed\n* **Date:** 2020-02-02\n\n"
                             "## Context\n\nNew.\n",
    "0003-use-redis.md": "---\nstatus: accepted\ndate: 2020-03-03\nnav_order: 3  # keep me\n---\n\n"
                         "# Use Redis\n\n## Context\n\nCache.\n",
    "0004-use-kafka.md": "# Use Kafka\n\n| Status | Date |\n| --- | --- |\n| Accepted | 2020-04-04 |\n\n"
                         "## Context\n\nEvents.\n",
}


@pytest.fixture
def imported(tmp_path, cli):
    src = tmp_path / "src"
    src.mkdir()
    for name, text in IMPORTED.items():
        (src / name).write_text(text, encoding="utf-8")
    assert cli("init").code == 0
    res = cli("import", src)
    assert res.code == 0, res.err
    res = cli("export", "--format", "source", "--out", "before")
    assert res.code == 0, res.err
    for name, text in IMPORTED.items():
        assert (tmp_path / "before" / name).read_text(encoding="utf-8") == text
    return tmp_path


def test_a_status_tag_link_and_date_changed_after_import_reach_every_format(imported, cli):
    from adrkit.storage.log import DecisionLog

    tmp_path = imported
    assert cli("status", "2", "accepted").code == 0
    assert cli("supersede", "1", "2").code == 0
    assert cli("link", "3", "depends-on", "4").code == 0
    log = DecisionLog(tmp_path / "decisions")
    rec = log.resolve("4")
    rec.decision.tags.append("events")
    rec.decision.date = "2021-05-06"
    rec.decision.decision_makers = ["Ann", "Bo"]
    from adrkit.formats.notebook import dumps_notebook, set_front_matter

    set_front_matter(rec.notebook, rec.decision)
    rec.path.write_text(dumps_notebook(rec.notebook), encoding="utf-8")
    for fmt in ("source", "madr", "log4brains", "nygard"):
        out = tmp_path / f"out-{fmt}"
        res = cli("export", "--format", fmt, "--out", out)
        assert res.code == 0, res.err
        texts = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.md")}
        riak = next(t for n, t in texts.items() if "riak" in n)
        cassandra = next(t for n, t in texts.items() if "cassandra" in n)
        redis = next(t for n, t in texts.items() if "redis" in n)
        kafka = next(t for n, t in texts.items() if "kafka" in n)
        assert "uperseded" in riak and "cassandra" in riak.lower(), (fmt, riak)
        assert "ccepted" in cassandra and "riak" in cassandra.lower(), (fmt, cassandra)
        assert "kafka" in redis.lower() and "epends" in redis, (fmt, redis)
        assert "events" in kafka and "2021-05-06" in kafka and "Ann" in kafka, (fmt, kafka)
    # in its own format each record changed only where it wrote the field
    source = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out-source").glob("*.md")}
    assert source["0001-use-riak.md"] == IMPORTED["0001-use-riak.md"].replace(
        "Accepted", "Superseded by [2. Use Cassandra](0002-use-cassandra.md)")
    assert source["0002-use-cassandra.md"].startswith(
        "# Use Cassandra\n\n* **Status:** Accepted\n* **Date:** 2020-02-02\n")
    assert "Supersedes [1. Use Riak](0001-use-riak.md)" in source["0002-use-cassandra.md"]
    assert "nav_order: 3  # keep me\n" in source["0003-use-redis.md"]  # the other lines as written
    # the date where the table wrote it; fields it did not state as lines under the title
    assert source["0004-use-kafka.md"].startswith(
        "# Use Kafka\n\nDeciders: Ann, Bo\n\nTags: events\n\n| Status | Date |\n| --- | --- |\n"
        "| Accepted | 2021-05-06 |\n")


def test_a_link_between_records_of_a_team_folder_comes_back_as_written(tmp_path, cli):
    """`team/0001-e.md` links to its neighbour `0003-c.md`; another record's notebook at
    the top of the log is also named `0003-c`: the link, relative to its own record,
    stays on the neighbour."""
    src = tmp_path / "src"
    (src / "team").mkdir(parents=True)
    texts = {"0001-a.md": "# 1. A\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n",
             "0003-c.md": "# 3. C\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n",
             "team/0001-e.md": "# 1. E\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\n"
                               "## Context\n\nSee [c](0003-c.md).\n",
             "team/0003-c.md": "# 3. C\n\nDate: 2020-01-01\n\n## Status\n\nProposed\n"}
    for name, text in texts.items():
        (src / name).write_text(text, encoding="utf-8")
    assert cli("init").code == 0
    res = cli("import", src)
    assert res.code == 0, res.err
    assert (tmp_path / "decisions" / "0003-c.ipynb").is_file()
    res = cli("export", "--format", "source", "--out", "out")
    assert res.code == 0, res.err
    for name, text in texts.items():
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == text, name


# --- where export may write, what it reads ----------------------------------------------

def test_export_into_the_log_folder_is_refused(tmp_path, cli):
    _log(tmp_path, cli)
    before = snapshot(tmp_path / "decisions")
    for out in ("decisions", "decisions/md"):
        res = cli("export", "--out", out)
        assert res.code == 2 and "inside the decision log" in res.err and "Traceback" not in res.err
    assert snapshot(tmp_path / "decisions") == before


def test_a_data_file_that_is_a_folder_skips_that_record_with_a_warning(tmp_path, cli):
    log_dir = _log(tmp_path, cli)
    assert cli("export", "--out", "out").code == 0
    kept = (tmp_path / "out" / "0002-use-mysql.md").read_bytes()
    (log_dir / "0002-use-mysql.yaml").mkdir()
    assert cli("status", "3", "accepted").code == 0
    res = cli("export", "--out", "out", "--json")
    assert res.code == 1 and "Traceback" not in res.err
    assert "0002-use-mysql.yaml is a folder" in res.err
    report = json.loads(res.out)
    assert report["skipped"] == ["0002-use-mysql"] and report["complete"] is False
    assert (tmp_path / "out" / "0002-use-mysql.md").read_bytes() == kept  # not removed as stale
    assert "status: accepted" in (tmp_path / "out" / "0003-use-postgresql.md").read_text(encoding="utf-8")


def test_export_copies_no_file_that_a_symlink_puts_outside_the_log(tmp_path, cli):
    log_dir = _log(tmp_path, cli)
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG secret")
    os.symlink(secret, log_dir / "pic.png")
    _with_data(log_dir, 3, {"context": "## Context and Problem Statement\n\n![p](pic.png)"}, {})
    res = cli("export", "--out", "out")
    assert res.code == 0, res.err
    assert not (tmp_path / "out" / "pic.png").exists()
    assert "outside the log" in res.err


def test_a_diagram_graphviz_cannot_draw_keeps_the_one_exported_before(tmp_path, cli):
    log_dir = _log(tmp_path, cli)
    lifecycle = {"title": "Checkout", "stages": [{"name": "Request"}, {"name": "Response"}]}
    _with_data(log_dir, 3, {}, {"lifecycles": {"main": lifecycle}})
    res = cli("export", "--out", "out")
    svg = tmp_path / "out" / "0003-use-postgresql-lifecycle-main.svg"
    if res.code != 0 or not svg.is_file():
        pytest.skip("Graphviz cannot render here: " + res.err)
    drawn = svg.read_bytes()
    broken = tmp_path / "bin"
    broken.mkdir()
    (broken / "dot").write_text("#!/bin/sh\necho 'dot: cannot draw' >&2\nexit 3\n")
    (broken / "dot").chmod(0o755)
    lifecycle["stages"].append({"name": "Audit"})
    _with_data(log_dir, 3, {}, {"lifecycles": {"main": lifecycle}})
    res = cli("export", "--out", "out",
              env={"PATH": f"{broken}:{os.environ['PATH']}", "ADRKIT_RENDERER": "dot"})
    assert res.code == 1 and "Traceback" not in res.err
    assert "cannot draw" in res.err and "kept as exported before" in res.err
    assert svg.read_bytes() == drawn
    text = (tmp_path / "out" / "0003-use-postgresql.md").read_text(encoding="utf-8")
    assert "(0003-use-postgresql-lifecycle-main.svg)" in text and "Audit" in text
