"""Bad input gets one line naming the file and the fix, a non-zero exit, no traceback,
and leaves every file as it was."""
from __future__ import annotations

import pytest

from conftest import snapshot


def _assert_clean_failure(r, *needles, code=1):
    assert r.code == code, (r.out, r.err)
    assert "Traceback" not in r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("adrkit: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture
def populated(cli, log_dir):
    cli("new", "Use PostgreSQL", "--status", "accepted")
    cli("new", "Use Redis for sessions")
    return log_dir


def test_corrupt_notebook_json(cli, populated):
    bad = populated / "0002-use-redis-for-sessions.ipynb"
    bad.write_text(bad.read_text()[:-40])
    before = snapshot(populated)
    r = cli("status", "redis", "accepted")
    _assert_clean_failure(r, "0002-use-redis-for-sessions.ipynb", "notebook JSON is corrupt", "line ",
                          "restore the file from version control")
    r = cli("supersede", "1", "2")
    _assert_clean_failure(r, "0002-use-redis-for-sessions.ipynb")
    # other records keep working, and list warns but lists the rest
    assert cli("status", "1", "deprecated").code == 0
    r = cli("list")
    assert r.code == 0 and "0001" in r.out and "warning" in r.err
    after = snapshot(populated)
    assert after[bad.name] == before[bad.name]


def test_broken_yaml_front_matter_names_the_line(cli, populated):
    path = populated / "0002-use-redis-for-sessions.ipynb"
    text = path.read_text()
    path.write_text(text.replace('"status: proposed\\n"', '"status: [proposed\\n"'))
    before = snapshot(populated)
    r = cli("show", "2")
    _assert_clean_failure(r, "0002-use-redis-for-sessions.ipynb", "front matter line 4, opened on line 3",
                          "front matter does not parse")
    r = cli("lint")
    assert r.code == 1
    assert "0002-use-redis-for-sessions.ipynb: front matter line 4, opened on line 3: front matter does not parse" in r.out
    assert snapshot(populated) == before


@pytest.mark.parametrize("title", ["?!...", "   ", "../../", "—"])
def test_title_without_letters(cli, populated, title):
    before = snapshot(populated)
    r = cli("new", title)
    _assert_clean_failure(r, "has no letters or digits", code=2)
    assert snapshot(populated) == before


def test_slug_cannot_escape_the_log(cli, populated, tmp_path):
    r = cli("new", "../../etc/passwd")
    assert r.code == 0
    assert r.out == "decisions/0003-etc-passwd.ipynb\n"
    assert not (tmp_path.parent / "etc").exists()


def test_missing_decision_log(cli, tmp_path):
    r = cli("list")
    _assert_clean_failure(r, "no decision log found", "adrkit init")
    r = cli("--dir", "nowhere", "list")
    _assert_clean_failure(r, "nowhere", "no decision log here")
    assert list(tmp_path.iterdir()) == []


def test_missing_log_folder_named_in_config(cli, log_dir):
    log_dir.rmdir()
    _assert_clean_failure(cli("list"), "decision log folder is missing", "adrkit init decisions")


def test_number_already_taken(cli, populated):
    before = snapshot(populated)
    r = cli("new", "Another", "--number", "2")
    _assert_clean_failure(r, "number 0002 is already taken by 0002-use-redis-for-sessions.ipynb", "0003")
    assert snapshot(populated) == before


def test_unknown_and_ambiguous_references(cli, populated):
    cli("new", "Use Redis for caching")
    _assert_clean_failure(cli("show", "99"), "no decision matches '99'", "adrkit list")
    _assert_clean_failure(cli("show", "redis"), "'redis' matches 2 decisions", code=2)


def test_unknown_status(cli, populated):
    before = snapshot(populated)
    _assert_clean_failure(cli("status", "2", "shipped"), "unknown status 'shipped'", "accepted", code=2)
    _assert_clean_failure(cli("new", "X", "--status", "shipped"), "unknown status 'shipped'", code=2)
    assert snapshot(populated) == before


def test_bad_usage_exits_2(cli, populated):
    r = cli("frobnicate")
    assert r.code == 2 and "Traceback" not in r.err
    r = cli("renumber", "1", "abc")
    assert r.code == 2 and "invalid int value" in r.err


def test_bad_source_date_epoch(cli, populated):
    _assert_clean_failure(cli("new", "X", env={"SOURCE_DATE_EPOCH": "soon"}), "SOURCE_DATE_EPOCH", code=2)


def test_broken_config(cli, populated, tmp_path):
    (tmp_path / ".adrkit.yaml").write_text("decisions: [oops\n")
    _assert_clean_failure(cli("list"), ".adrkit.yaml", "does not parse as YAML")


def test_refuses_to_overwrite_an_existing_file(cli, populated):
    # a file the user made that has the name the next record would take
    (populated / "0003-use-mysql.ipynb").write_text("{}")
    r = cli("new", "Use MySQL", "--number", "3")
    _assert_clean_failure(r, "already taken")
    assert (populated / "0003-use-mysql.ipynb").read_text() == "{}"


def test_failed_two_record_write_changes_neither(populated, monkeypatch):
    """supersede: if the second write fails, the first is rolled back."""
    import os

    from adrkit.storage import atomic
    from adrkit.services import operations
    from adrkit.storage.log import find_log

    log = find_log(populated)
    before = snapshot(populated)
    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    with pytest.raises(OSError):
        operations.supersede(log, "1", "2", today="2026-01-01", force=True)
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert snapshot(populated) == before
    assert not [p for p in populated.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("notebook", [
    '{"cells": [1], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
    '{"cells": [{"cell_type": "raw", "metadata": {}, "source": ["---\\n", 5]}], "metadata": {}}',
    '{"cells": [{"cell_type": "raw", "metadata": [], "source": "---\\ntitle: x\\n---"}], "metadata": {}}',
    '{"cells": [{"cell_type": "raw", "metadata": {}, "source": "---\\ntitle: x\\nlinks: 5\\n---"}]}',
    '{"cells": [{"cell_type": "raw", "metadata": {}, "source": "---\\ntitle: x\\nstatus-history: [1]\\n---"}]}',
    '[1, 2, 3]',
])
def test_wrongly_shaped_notebook_is_reported_not_crashed(cli, populated, notebook):
    (populated / "0009-odd.ipynb").write_text(notebook)
    before = snapshot(populated)
    r = cli("list")
    assert r.code == 0 and "Traceback" not in r.err and "0009-odd.ipynb" in r.err
    r = cli("lint")
    assert r.code == 1 and "Traceback" not in r.err and "0009-odd.ipynb" in r.out
    _assert_clean_failure(cli("show", "9"), "0009-odd.ipynb")
    # an unreadable record does not block commands that do not involve it
    assert cli("link", "1", "relates-to", "2").code == 0
    assert snapshot(populated)["0009-odd.ipynb"] == before["0009-odd.ipynb"]


def test_three_step_supersession_cycle_is_refused(cli, log_dir):
    for title in ("Alpha", "Beta", "Gamma"):
        cli("new", title, "--status", "accepted")
    assert cli("supersede", "alpha", "beta").code == 0
    assert cli("supersede", "beta", "gamma").code == 0
    before = snapshot(log_dir)
    r = cli("supersede", "gamma", "alpha", "--force")
    _assert_clean_failure(r, "already (through others) superseded by", "cycle")
    assert snapshot(log_dir) == before


@pytest.mark.parametrize("args", [("new", "Big", "--number", "1000000"), ("renumber", "1", "1000000"),
                                  ("new", "Zero", "--number", "0")])
def test_numbers_out_of_range(cli, populated, args):
    before = snapshot(populated)
    _assert_clean_failure(cli(*args), "out of range", "1 to 999999", code=2)
    assert snapshot(populated) == before


def test_file_system_errors_are_one_line(cli, tmp_path):
    (tmp_path / "afile").write_text("x")
    _assert_clean_failure(cli("init", "afile"), "afile")
    assert (tmp_path / "afile").read_text() == "x"


def test_directory_named_like_a_record(cli, populated):
    (populated / "0001-use-postgresql.yaml").mkdir()
    r = cli("lint")
    assert r.code == 1 and "Traceback" not in r.err
    before = snapshot(populated)
    r = cli("renumber", "1", "9")
    assert r.code == 1 and "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1
    assert snapshot(populated) == before
    assert not [p for p in populated.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("ref", [".", "/", " ", ".."])
def test_references_that_name_nothing(cli, populated, ref):
    _assert_clean_failure(cli("status", ref, "accepted"), "is not a decision reference", code=2)


def test_reverse_must_fit_the_link_type(cli, populated):
    before = snapshot(populated)
    _assert_clean_failure(cli("link", "1", "amends", "2", "--reverse", "relates-to"),
                          "the reverse of 'amends' is 'amended-by'", code=2)
    _assert_clean_failure(cli("link", "1", "blocks", "2", "--reverse", "supersedes"),
                          "cannot be a reverse link type", code=2)
    assert snapshot(populated) == before


@pytest.mark.parametrize("config, needle", [
    ("decisions: /etc\n", "points outside the project"),
    ("decisions: ../..\n", "points outside the project"),
    ("site: [1]\n", "'site' must be a mapping"),
])
def test_config_that_would_write_elsewhere(cli, populated, tmp_path, config, needle):
    (tmp_path / ".adrkit.yaml").write_text(config)
    _assert_clean_failure(cli("new", "X"), ".adrkit.yaml", needle)


def test_failed_renumber_changes_nothing(populated, monkeypatch):
    import os

    from adrkit.storage import atomic
    from adrkit.services import operations
    from adrkit.storage.log import find_log

    log = find_log(populated)
    operations.link(log, "1", "relates-to", "2")
    (populated / "0002-use-redis-for-sessions.yaml").write_text("tradeoffs: {}\n")
    before = snapshot(populated)
    real = {name: getattr(os, name) for name in ("replace", "rename", "link")}
    fail_at = 0
    while True:  # fail each rename, replace and link in turn, until renumber gets through
        fail_at += 1
        calls = []

        def flaky(name):
            def step(src, dst, **kw):
                calls.append(dst)
                if len(calls) == fail_at:
                    raise OSError(5, "Input/output error")
                return real[name](src, dst, **kw)
            return step

        for name in real:
            monkeypatch.setattr(atomic.os, name, flaky(name))
        try:
            operations.renumber(log, "2", 7)
        except OSError:
            pass
        else:
            break
        finally:
            for name, fn in real.items():
                monkeypatch.setattr(atomic.os, name, fn)
        assert snapshot(populated) == before, fail_at
    assert fail_at > 5 and (populated / "0007-use-redis-for-sessions.yaml").exists()
