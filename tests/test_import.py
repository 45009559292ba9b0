"""`adrkit import`: notebooks made from markdown folders, the per-file report,
duplicate numbers, images, idempotent re-import, and bad input."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from conftest import snapshot

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63f8cfc0f01f0005050200" "5fc8f1d20000000049454e44ae426082")


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def nygard(number: int, title: str, status: str = "Accepted", body: str = "We decide.") -> str:
    return (f"# {number}. {title}\n\nDate: 2020-01-0{number % 9 + 1}\n\n## Status\n\n{status}\n\n"
            f"## Context\n\nContext of {title}.\n\n## Decision\n\n{body}\n")


@pytest.fixture
def source(tmp_path) -> Path:
    folder = tmp_path / "doc" / "adr"
    write(folder, "0001-record-architecture-decisions.md", nygard(1, "Record architecture decisions"))
    write(folder, "0002-use-riak.md", nygard(
        2, "Use Riak", "Superceded by [3. Use Cassandra](0003-use-cassandra.md)",
        "![diagram](img/riak.png)\n\n![gone](missing.png)\n\nSee [the code](../../src/main.py)."))
    write(folder, "0002-use-redis-for-sessions.md", nygard(2, "Use Redis for sessions"))
    write(folder, "0003-use-cassandra.md", nygard(3, "Use Cassandra", "Accepted\n\nAmends [1. Record](0001-record-architecture-decisions.md)"))
    write(folder, "img/riak.png", PNG)
    write(folder, "README.md", "# Decisions\n")
    return folder


def test_import_makes_valid_notebooks_with_everything_kept(tmp_path, cli, log_dir, source):
    res = cli("import", source, "--json")
    assert res.code == 0, res.err
    report = json.loads(res.out)
    assert report["summary"]["created"] == 4
    names = sorted(p.name for p in log_dir.glob("*.ipynb"))
    assert names == ["0001-record-architecture-decisions.ipynb", "0002-use-redis-for-sessions.ipynb",
                     "0002-use-riak.ipynb", "0003-use-cassandra.ipynb"]
    nb = nbformat.read(log_dir / "0002-use-riak.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "raw" and nb.cells[0].source.startswith("---\n")
    assert [c.cell_type for c in nb.cells[1:]] == ["markdown", "markdown"]
    assert nb.cells[1].source.startswith("## Context")

    from adrkit.storage.log import DecisionLog
    log = DecisionLog(log_dir)
    riak = log.resolve("0002-use-riak").decision
    cassandra = log.resolve("3").decision
    first = log.resolve("1").decision
    assert riak.status == "superseded" and riak.superseded_by == ["0003-use-cassandra"]
    assert cassandra.supersedes == ["0002-use-riak"]  # the other side, inferred
    assert riak.extra["source"]["status"] == "Superceded by [3. Use Cassandra](0003-use-cassandra.md)"
    assert [(l.rel, l.target) for l in cassandra.links] == [("amends", "0001-record-architecture-decisions")]
    assert [(l.rel, l.target) for l in first.links] == [("amended-by", "0003-use-cassandra")]
    assert riak.date == "2020-01-03"

    # images beside the notebooks, and the report names what dangles
    assert (log_dir / "img" / "riak.png").read_bytes() == PNG
    notes = {f["source"]: [n["kind"] for n in f["notes"]] for f in report["files"]}
    assert "dangling-image" in notes["0002-use-riak.md"]
    assert "outside-link" in notes["0002-use-riak.md"]
    assert "skipped" in notes["README.md"]
    # duplicate numbers side by side, with the renumber hint
    assert report["duplicate-numbers"] == {"0002": ["0002-use-redis-for-sessions", "0002-use-riak"]}
    assert "adrkit renumber" in res.err and "side by side" in res.err


def test_reimport_is_idempotent_and_never_overwrites_without_force(tmp_path, cli, log_dir, source):
    assert cli("import", source).code == 0
    before = snapshot(log_dir)
    again = cli("import", source)
    assert again.code == 0 and again.out == ""
    assert snapshot(log_dir) == before
    # a user edits an imported notebook: the next import refuses to clobber it
    edited = log_dir / "0003-use-cassandra.ipynb"
    nb = json.loads(edited.read_text(encoding="utf-8"))
    nb["cells"][1]["source"] = "## Context\n\nEdited in JupyterLab."
    edited.write_text(json.dumps(nb), encoding="utf-8")
    mine = snapshot(log_dir)
    res = cli("import", source)
    assert res.code == 1
    assert "--force" in res.err and "0003-use-cassandra.ipynb" in res.err
    assert "Traceback" not in res.err
    assert snapshot(log_dir) == mine
    res = cli("import", source, "--force")
    assert res.code == 0, res.err
    assert snapshot(log_dir) == before


def test_import_never_replaces_a_notebook_it_did_not_make(tmp_path, cli, log_dir, source):
    assert cli("new", "Use Riak").code == 0  # 0001-use-riak.ipynb, not an import
    one = tmp_path / "one"
    write(one, "0001-use-riak.md", nygard(1, "Use Riak"))
    before = snapshot(log_dir)
    res = cli("import", one)
    assert res.code == 1 and "was not imported from this file" in res.err
    assert snapshot(log_dir) == before


def test_log4brains_dates_and_packages(tmp_path, cli, log_dir):
    folder = tmp_path / "l4b"
    write(folder, "20200926-use-numbers.md",
          "# Use numbers\n\n- Status: superseded by [20201016-use-slugs](20201016-use-slugs.md)\n"
          "- Date: 2020-09-26\n\n## Context and Problem Statement\n\nX.\n")
    write(folder, "20201016-use-slugs.md",
          "# Use slugs\n\n- Status: accepted\n- Date: 2020-10-16\n\n## Context and Problem Statement\n\nY.\n\n"
          "## Links\n\n- Supersedes [20200926-use-numbers](20200926-use-numbers.md)\n")
    write(folder, "packages/core/docs/adr/20201002-core-api.md",
          "# Core API\n\n- Status: accepted\n\nSee [numbers](../../../../20200926-use-numbers.md).\n")
    res = cli("import", folder, "--json")
    assert res.code == 0, res.err
    names = sorted(p.name for p in log_dir.glob("*.ipynb"))
    assert names == ["0001-use-numbers.ipynb", "0002-core-api.ipynb", "0003-use-slugs.ipynb"]
    from adrkit.storage.log import DecisionLog
    log = DecisionLog(log_dir)
    old, new = log.resolve("1").decision, log.resolve("3").decision
    assert old.superseded_by == ["0003-use-slugs"] and new.supersedes == ["0001-use-numbers"]
    core = log.resolve("2").decision
    assert core.extra["source"]["package"] == "core"
    assert core.date == "2020-10-02"  # from the file name, and reported
    # a re-import maps the dated files to the same numbers
    assert cli("import", folder).out == ""


def test_dry_run_writes_nothing(tmp_path, cli, log_dir, source):
    before = snapshot(log_dir)
    res = cli("import", source, "--dry-run")
    assert res.code == 0 and "would import 4" in res.err
    assert snapshot(log_dir) == before


def test_into_a_new_folder(tmp_path, cli, source):
    res = cli("import", source, "--into", tmp_path / "elsewhere")
    assert res.code == 0, res.err
    assert len(list((tmp_path / "elsewhere").glob("*.ipynb"))) == 4


# --- bad input --------------------------------------------------------------------------

def _bad(tmp_path, cli, log_dir, folder) -> str:
    before = snapshot(log_dir)
    res = cli("import", folder)
    assert res.code == 1, res.out + res.err
    assert "Traceback" not in res.err
    lines = [line for line in res.err.splitlines() if line.strip()]
    assert len(lines) == 1, res.err  # one clear line
    assert lines[0].startswith("adrkit: error: ")
    assert snapshot(log_dir) == before  # nothing written half-way
    assert not list(log_dir.parent.rglob(".*.tmp"))
    return lines[0]


def test_folder_with_no_adrs(tmp_path, cli, log_dir):
    folder = tmp_path / "empty"
    write(folder, "README.md", "# nothing\n")
    msg = _bad(tmp_path, cli, log_dir, folder)
    assert "holds no decision records" in msg and "empty" in msg


def test_binary_file_named_md(tmp_path, cli, log_dir, source):
    write(source, "0009-picture.md", PNG)
    msg = _bad(tmp_path, cli, log_dir, source)
    assert "0009-picture.md" in msg and "binary" in msg


def test_broken_front_matter(tmp_path, cli, log_dir, source):
    write(source, "0009-broken.md", "---\nstatus: [accepted\ndate: 2020-01-01\n---\n# Broken\n")
    msg = _bad(tmp_path, cli, log_dir, source)
    assert "0009-broken.md" in msg and "front matter" in msg and "line" in msg


def test_record_linking_to_itself(tmp_path, cli, log_dir, source):
    write(source, "0009-loop.md", nygard(9, "Loop", "Superseded by [9. Loop](0009-loop.md)"))
    msg = _bad(tmp_path, cli, log_dir, source)
    assert "0009-loop.md" in msg and "links to itself" in msg


def test_missing_path(tmp_path, cli, log_dir):
    msg = _bad(tmp_path, cli, log_dir, tmp_path / "nope")
    assert "no such file or folder" in msg
