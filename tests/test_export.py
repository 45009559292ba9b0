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
    from adrkit import atomic
    from adrkit.exporter import export_markdown
    from adrkit.store import DecisionLog

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
    from adrkit.store import DecisionLog
    one = {r.decision.stem: r.decision.to_summary() for r in DecisionLog(tmp_path / "decisions").records()}
    two = {r.decision.stem: r.decision.to_summary() for r in DecisionLog(tmp_path / "again").records()}
    for summary in list(one.values()) + list(two.values()):
        summary.pop("status-history")
    assert one == two
