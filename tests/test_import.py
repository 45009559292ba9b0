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
    assert report["summary"]["created"] == 4 and report["complete"] is True
    names = sorted(p.name for p in log_dir.glob("*.ipynb"))
    # two files numbered 0002: the first by name keeps it, the other gets a free number
    assert names == ["0001-record-architecture-decisions.ipynb", "0002-use-redis-for-sessions.ipynb",
                     "0003-use-cassandra.ipynb", "0004-use-riak.ipynb"]
    assert report["renumbered"] == {"0002-use-riak.md": "0004"}
    nb = nbformat.read(log_dir / "0004-use-riak.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "raw" and nb.cells[0].source.startswith("---\n")
    # every line of the source is in the cells: the head, the status section, the sections
    assert [c.cell_type for c in nb.cells[1:]] == ["markdown"] * 4
    assert nb.cells[1].source == "# 2. Use Riak\n\nDate: 2020-01-03"
    assert nb.cells[1].metadata["adrkit"]["role"] == "head"
    assert nb.cells[2].source.startswith("## Status\n\nSuperceded by [3. Use Cassandra](0003-use-cassandra.ipynb)")
    assert nb.cells[2].metadata["adrkit"]["hrefs"] == [["0003-use-cassandra.ipynb", "0003-use-cassandra.md"]]
    assert nb.cells[3].source.startswith("## Context")

    from adrkit.storage.log import DecisionLog
    log = DecisionLog(log_dir)
    riak = log.resolve("0004-use-riak").decision
    cassandra = log.resolve("3").decision
    first = log.resolve("1").decision
    assert riak.status == "superseded" and riak.superseded_by == ["0003-use-cassandra"]
    assert cassandra.supersedes == ["0004-use-riak"]  # the other side, inferred
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
    assert "number" in notes["0002-use-riak.md"] and "imported as 0004" in res.err


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
    res = cli("import", one, "--json")
    assert res.code == 0, res.err
    # the number is taken in the log: the record gets a free one, the notebook is left alone
    assert json.loads(res.out)["renumbered"] == {"0001-use-riak.md": "0002"}
    assert (log_dir / "0002-use-riak.ipynb").is_file()
    assert all(snapshot(log_dir)[name] == data for name, data in before.items())


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
    assert core.tags == ["core"]  # the package subfolder, as a tag
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


def _strict(cli, log_dir, folder) -> str:
    """--strict: all or nothing, as one error line naming the problem."""
    before = snapshot(log_dir)
    res = cli("import", folder, "--strict")
    assert res.code == 1 and "Traceback" not in res.err
    assert snapshot(log_dir) == before
    assert "nothing was imported" in res.err
    return res.err


def test_titles_left_in_the_templates_brackets_are_records_and_a_bracketed_template_is_not(tmp_path, cli, log_dir):
    folder = tmp_path / "fr"
    write(folder, "ADR-001-gestion-des-dates.md",
          "# [Gestion des Dates]\n\n* Statut : mergé\n* Date : 2022-10-05\n\n## Contexte\n\nX.\n")
    write(folder, "ADR-002-pipeline.md",
          "# [Pipeline Analytics]\n\n* Statut : brouillon\n* Date : 2023-04-04\n\n## Contexte\n\nY.\n")
    write(folder, "decision-record.md",  # a template under a name that does not say so
          "# [short title of solved problem and solution]\n\n* Status: [proposed | rejected | accepted]\n"
          "* Date: [YYYY-MM-DD when the decision was last updated]\n")
    source = (folder / "ADR-001-gestion-des-dates.md").read_bytes()
    res = cli("import", folder, "--json")
    assert res.code == 0, res.err
    from adrkit.storage.log import DecisionLog
    log = DecisionLog(log_dir)
    first, second = log.resolve("1").decision, log.resolve("2").decision
    assert (first.title, first.status, first.date) == ("Gestion des Dates", "accepted", "2022-10-05")
    assert (second.title, second.status) == ("Pipeline Analytics", "draft")  # brouillon: a draft
    assert len(list(log_dir.glob("*.ipynb"))) == 2  # the template is not a record
    out = tmp_path / "back"
    assert cli("export", "--format", "source", "--out", out).code == 0
    assert (out / "ADR-001-gestion-des-dates.md").read_bytes() == source  # brackets kept as written


def test_folder_with_no_adrs(tmp_path, cli, log_dir):
    folder = tmp_path / "empty"
    write(folder, "README.md", "# nothing\n")
    msg = _bad(tmp_path, cli, log_dir, folder)
    assert "holds no decision records" in msg and "empty" in msg


def test_binary_file_named_md_is_skipped_and_the_rest_come_in(tmp_path, cli, log_dir, source):
    write(source, "0009-picture.md", PNG)
    res = cli("import", source, "--json")
    assert res.code == 1 and "Traceback" not in res.err  # something was skipped
    report = json.loads(res.out)
    assert report["complete"] is False and report["summary"]["created"] == 4
    picture = next(f for f in report["files"] if f["source"] == "0009-picture.md")
    assert picture["action"] == "error" and "binary" in picture["notes"][0]["message"]
    assert len(list(log_dir.glob("*.ipynb"))) == 4
    assert "0009-picture.md" in res.err.splitlines()[-1] and res.err.splitlines()[-1].startswith("adrkit: error:")


def test_strict_import_writes_nothing_when_a_file_is_skipped(tmp_path, cli, log_dir, source):
    write(source, "0009-picture.md", PNG)
    err = _strict(cli, log_dir, source)
    assert "0009-picture.md" in err and "binary" in err


def test_broken_front_matter_is_kept_verbatim_with_a_warning(tmp_path, cli, log_dir, source):
    text = "---\nstatus: [accepted\ncategory:Web\ndate: 2020-01-01\n---\n# Broken\n\n## Status\n\nAccepted\n"
    write(source, "0009-broken.md", text)
    res = cli("import", source)
    assert res.code == 0, res.err
    assert "0009-broken.md: warning: front matter" in res.err and "line 2" in res.err
    from adrkit.storage.log import DecisionLog
    broken = DecisionLog(log_dir).resolve("9").decision
    assert broken.status == "accepted" and broken.date == "2020-01-01"
    assert cli("export", "--format", "source", "--out", "back").code == 0
    assert (tmp_path / "back" / "0009-broken.md").read_text(encoding="utf-8") == text
    err = _strict(cli, log_dir, source)
    assert "0009-broken.md" in err and "front matter" in err


def test_record_linking_to_itself_is_imported_without_the_link(tmp_path, cli, log_dir, source):
    write(source, "0009-loop.md", nygard(9, "Loop", "Superseded by [9. Loop](0009-loop.md)"))
    res = cli("import", source)
    assert res.code == 0, res.err
    assert "0009-loop.md: warning: link 'superseded by 0009-loop.md'" in res.err and "itself" in res.err
    from adrkit.storage.log import DecisionLog
    assert DecisionLog(log_dir).resolve("9").decision.superseded_by == []


def test_missing_path(tmp_path, cli, log_dir):
    msg = _bad(tmp_path, cli, log_dir, tmp_path / "nope")
    assert "no such file or folder" in msg


# --- lint on an import -------------------------------------------------------------------

def test_lint_is_quiet_on_a_clean_import_and_finds_what_the_source_gets_wrong(tmp_path, cli, log_dir):
    folder = tmp_path / "adr"
    write(folder, "0001-old.md", "---\n# a comment in the source's own front matter\nparent: Decisions\n---\n"
                                 "# 1. Old\n\n## Status\n\nSuperseded by [2. Gone](0002-gone.md)\n")
    write(folder, "0003-part.md", "# 3. Part\n\n## Status\n\nPartly superseded\n")
    write(folder, "0004-fine.md", "# 4. Fine\n\n## Status\n\nAccepted\n\n## Context\n\n# Not a YAML comment\n")
    res = cli("import", folder)
    assert res.code == 0, res.err
    res = cli("lint", "--json")
    findings = json.loads(res.out)
    # the successor renamed away is found; 'Partly superseded' names none (the source's own words);
    # the original front matter kept in the notebook is text, not a YAML comment of adrkit's
    assert [(f["path"], f["code"]) for f in findings] == [("0001-old.ipynb", "dangling-link")]
    assert "0002-gone.md" in findings[0]["message"]


def test_a_yaml_comment_in_adrkits_own_front_matter_is_still_found(tmp_path, cli, log_dir):
    assert cli("new", "Commented").code == 0
    nb_path = next(log_dir.glob("0001-*.ipynb"))
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = nb["cells"][0]["source"].replace("status:", "# a note\nstatus:", 1) \
        if isinstance(nb["cells"][0]["source"], str) else \
        ["".join(nb["cells"][0]["source"]).replace("status:", "# a note\nstatus:", 1)]
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    res = cli("lint", "--json")
    assert [f["code"] for f in json.loads(res.out) if f["severity"] != "info"] == ["front-matter-comment"]


def test_an_image_outside_the_folder_comes_along_and_the_export_gives_the_link_back(tmp_path, cli, log_dir):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo, "doc/diagrams/flow.png", PNG)
    text = "# 1. Flow\n\n## Status\n\nAccepted\n\n## Context\n\n![Flow](../diagrams/flow.png)\n"
    write(repo, "doc/adr/0001-flow.md", text)
    res = cli("import", repo / "doc" / "adr", "--json")
    assert res.code == 0, res.err
    report = json.loads(res.out)
    assert report["assets"] == ["_imported/doc/diagrams/flow.png"]
    assert (log_dir / "_imported" / "doc" / "diagrams" / "flow.png").read_bytes() == PNG
    nb = json.loads((log_dir / "0001-flow.ipynb").read_text(encoding="utf-8"))
    assert "](_imported/doc/diagrams/flow.png)" in "".join(nb["cells"][-1]["source"])
    assert cli("export", "--format", "source", "--out", "back").code == 0
    assert (tmp_path / "back" / "0001-flow.md").read_text(encoding="utf-8") == text
    assert cli("export", "--format", "madr", "--out", "madr").code == 0
    assert (tmp_path / "madr" / "_imported" / "doc" / "diagrams" / "flow.png").read_bytes() == PNG
    # a file outside the repository is not copied
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    write(repo, "doc/adr/0002-leak.md", "# 2. Leak\n\n![x](../../../secret.png)\n")
    res = cli("import", repo / "doc" / "adr", "--json")
    leak = next(f for f in json.loads(res.out)["files"] if f["source"] == "0002-leak.md")
    assert [n["kind"] for n in leak["notes"]].count("outside-image") == 1
    assert not list(log_dir.rglob("secret.png"))


def test_a_link_to_the_status_heading_leads_to_it_on_the_site(tmp_path, cli, log_dir):
    """`#status` is the GitHub id of every adr-tools record's `## Status`: the page's own
    elements do not take it."""
    folder = tmp_path / "adr"
    write(folder, "0001-a.md", nygard(1, "A", body="See [its status](0002-b.md#status) and [mine](#status)."))
    write(folder, "0002-b.md", nygard(2, "B"))
    assert cli("import", folder).code == 0
    res = cli("build")
    assert res.code == 0 and " 0 warnings" in res.err, res.err
    a = (tmp_path / "site" / "0001-a.html").read_text(encoding="utf-8")
    b = (tmp_path / "site" / "0002-b.html").read_text(encoding="utf-8")
    assert 'href="0002-b.html#status"' in a and 'href="#status"' in a
    assert '<h2 id="status">' in a and '<h2 id="status">' in b
