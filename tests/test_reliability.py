"""Regression tests for what a killed, raced, full or odd run used to lose or break:
recovery of an interrupted change, the log's lock as an API, symbolic links out of
the log, links' extra keys through renumber, duplicate keys and alias bombs in front
matter, dates that are not dates, slugs that must fit the name limit, full and
read-only file systems, an unwritable stdout, bad --href patterns and arguments that
are not UTF-8, control characters in `list`, git conflict markers, and a site built
inside the log."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXED_EPOCH, ROOT, _env, snapshot


def _one_line_error(r, *needles, code=1):
    assert r.code == code, (r.out, r.err)
    assert "Traceback" not in r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("adrkit: error: "), r.err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def log(cli, log_dir):
    cli("new", "Use PostgreSQL for orders", "--status", "accepted")
    cli("new", "Cache sessions in Redis")
    cli("new", "Use Kafka for events")
    assert cli("link", "3", "depends-on", "2").code == 0
    return log_dir


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- recovery ------------------------------------------------------------------------------

def _interrupted_renumber(log_dir: Path, applied: int):
    """Run renumber 2 -> 9 in-process and stop it (as a kill would) after `applied`
    files were put in place; returns the state before and after a full run."""
    from adrkit.services import operations
    from adrkit.storage import journal
    from adrkit.storage.log import DecisionLog

    before = snapshot(log_dir)
    real_apply = journal._apply
    count = {"n": 0}

    class Killed(BaseException):
        pass

    def apply_then_die(change):
        if count["n"] == applied:
            raise Killed()
        count["n"] += 1
        return real_apply(change)

    def no_undo(self, exc):  # a killed process does not get to roll back
        raise exc

    journal._apply = apply_then_die
    real_undo = journal.Transaction._undo
    journal.Transaction._undo = no_undo
    try:
        with pytest.raises(Killed):
            operations.renumber(DecisionLog(log_dir), "2", 9)
    finally:
        journal._apply = real_apply
        journal.Transaction._undo = real_undo
    return before


def test_the_next_command_finishes_an_interrupted_renumber(cli, log):
    before = _interrupted_renumber(log, applied=2)
    assert ".adrkit-journal.json" in hidden(log)
    half = sorted(p.name for p in log.glob("*.ipynb"))
    assert "0009-cache-sessions-in-redis.ipynb" in half and "0002-cache-sessions-in-redis.ipynb" in half
    r = cli("list")
    assert r.code == 0
    assert "finished an interrupted change ('adrkit" in r.err and "pid " in r.err
    assert [line.split()[0] for line in r.out.splitlines()] == ["0001", "0003", "0009"]
    assert hidden(log) == []
    assert cli("lint").code == 0
    assert before != snapshot(log)


def test_the_next_command_undoes_a_change_that_had_not_started(cli, log):
    before = _interrupted_renumber(log, applied=0)
    assert ".adrkit-journal.json" in hidden(log) and any(n.endswith(".tmp") for n in hidden(log))
    r = cli("show", "2")
    assert r.code == 0 and "undid an interrupted change" in r.err
    assert snapshot(log) == before


def test_recovery_leaves_a_file_someone_changed_since_and_says_so(cli, log):
    _interrupted_renumber(log, applied=1)
    kafka = log / "0003-use-kafka-for-events.ipynb"
    kafka.write_text(kafka.read_text(encoding="utf-8").replace("Use Kafka", "Use Kafka (edited)"), encoding="utf-8")
    r = cli("list")
    assert r.code == 0 and "were left as found" in r.err and "0003-use-kafka-for-events.ipynb" in r.err
    assert "(edited)" in kafka.read_text(encoding="utf-8")
    assert ".adrkit-journal.json" not in hidden(log)


def test_a_damaged_journal_stops_writers_with_the_fix(cli, log):
    (log / ".adrkit-journal.json").write_text("{not json", encoding="utf-8")
    before = snapshot(log)
    _one_line_error(cli("status", "2", "accepted"), ".adrkit-journal.json", "is damaged", "then delete")
    assert snapshot(log) == before


def test_leftovers_of_killed_single_file_writes_and_builds_are_cleaned(cli, log, tmp_path):
    stray = log / ".0004-adopt-otel.ipynb.k3j9a2b1.tmp"
    stray.write_text("{half", encoding="utf-8")
    (log / ".adrkit.lock").write_text("999999 elsewhere\n", encoding="utf-8")  # its holder died
    staging = tmp_path / ".site.building-abc123"
    (staging / "sub").mkdir(parents=True)
    (staging / "sub" / "index.html").write_text("half a site", encoding="utf-8")
    os.utime(staging, (0, 0))  # killed a while ago
    fresh = tmp_path / ".site.building-def456"  # a build that is only starting
    fresh.mkdir()
    unrelated = log / ".notes.tmp"
    unrelated.write_text("mine", encoding="utf-8")
    r = cli("list")
    assert r.code == 0, r.err
    assert hidden(log) == [".notes.tmp"]
    assert not staging.exists() and fresh.exists()


def test_a_running_builds_staging_folder_is_left_alone(tmp_path):
    from adrkit.storage.leftovers import claim_folder, sweep_folders

    staging = tmp_path / ".site.building-live"
    staging.mkdir()
    os.utime(staging, (0, 0))
    fd = claim_folder(staging)
    try:
        assert sweep_folders(tmp_path, [".site.building-"]) == []
        assert staging.exists()
    finally:
        os.close(fd)
    assert sweep_folders(tmp_path, [".site.building-"]) == [staging]


def test_a_live_writers_temporary_file_is_left_alone(cli, log):
    """A temporary file whose writer still holds it (a widget saving in another kernel)
    is not a leftover."""
    import fcntl

    live = log / ".0002-cache-sessions-in-redis.yaml.abcdefgh.tmp"
    fd = os.open(live, os.O_WRONLY | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert cli("status", "2", "accepted").code == 0
        assert live.exists()
    finally:
        os.close(fd)
    assert cli("list").code == 0
    assert not live.exists()


# --- the lock as an API ----------------------------------------------------------------------

def test_log_lock_is_reentrant_and_removes_its_file(log):
    from adrkit.storage.lock import current_folder, log_lock

    with log_lock(log) as folder:
        assert (log / ".adrkit.lock").read_text().split()[0] == str(os.getpid())
        with log_lock(log):
            assert current_folder() == folder
        assert (log / ".adrkit.lock").exists()
    assert not (log / ".adrkit.lock").exists()
    assert current_folder() is None


def test_a_data_file_save_under_the_lock_goes_through(log):
    """What a widget does to save its data file: take the lock, check, write."""
    from adrkit.storage.atomic import write_atomic
    from adrkit.storage.lock import log_lock

    notes = []
    with log_lock(log, timeout=5, notify=notes.append):
        write_atomic(log / "0002-cache-sessions-in-redis.yaml", "tradeoffs: {}\n")
    assert notes == [] and (log / "0002-cache-sessions-in-redis.yaml").read_text() == "tradeoffs: {}\n"


def test_bad_lock_timeout_setting_is_a_usage_error(cli, log):
    _one_line_error(cli("new", "X", env={"ADRKIT_LOCK_TIMEOUT": "soon"}), "ADRKIT_LOCK_TIMEOUT", code=2)


# --- symbolic links out of the log -----------------------------------------------------------

def test_renumber_never_deletes_a_file_outside_the_log_through_a_link(cli, log, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "redis.ipynb"
    shutil.move(log / "0002-cache-sessions-in-redis.ipynb", target)
    (log / "0002-cache-sessions-in-redis.ipynb").symlink_to(target)
    kept = target.read_bytes()
    before = snapshot(log)
    for args in (("renumber", "2", "7"), ("status", "2", "accepted"), ("link", "1", "relates-to", "2")):
        line = _one_line_error(cli(*args), "0002-cache-sessions-in-redis.ipynb", "symbolic link", "outside")
        assert ".tmp" not in line
        assert target.read_bytes() == kept
        assert snapshot(log) == before
    assert (log / "0002-cache-sessions-in-redis.ipynb").is_symlink()


def test_a_link_inside_the_log_is_written_through_and_kept(cli, log):
    real = log / "archive" / "redis.ipynb"
    real.parent.mkdir()
    shutil.move(log / "0002-cache-sessions-in-redis.ipynb", real)
    (log / "0002-cache-sessions-in-redis.ipynb").symlink_to(Path("archive") / "redis.ipynb")
    assert cli("status", "2", "accepted").code == 0
    assert (log / "0002-cache-sessions-in-redis.ipynb").is_symlink()
    assert "status: accepted" in real.read_text(encoding="utf-8")


# --- renumber keeps what it read -------------------------------------------------------------

def test_renumber_keeps_the_extra_keys_of_links(cli, log):
    from adrkit.storage.log import DecisionLog

    path = log / "0003-use-kafka-for-events.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    front = "".join(nb["cells"][0]["source"])
    nb["cells"][0]["source"] = front.replace("target: 0002-cache-sessions-in-redis",
                                             "target: 0002-cache-sessions-in-redis\n  note: for the session store"
                                             "\n  since: 2026-01-05")
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert cli("renumber", "2", "12").code == 0
    rec = DecisionLog(log).resolve("3")
    (link,) = [l for l in rec.decision.links if l.rel == "depends-on"]
    assert link.target == "0012-cache-sessions-in-redis"
    assert dict(link.extra) == {"note": "for the session store", "since": "2026-01-05"}


# --- front matter: duplicate keys, alias bombs -------------------------------------------------

def _front(path: Path, front: str) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = front
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_a_key_written_twice_is_refused_naming_both_lines(cli, log):
    path = log / "0002-cache-sessions-in-redis.ipynb"
    _front(path, "---\ntitle: Cache sessions in Redis\nstatus: proposed\nstatus: accepted\n---")
    before = snapshot(log)
    _one_line_error(cli("status", "2", "rejected"), "0002-cache-sessions-in-redis.ipynb",
                    "front matter line 4", "writes the key 'status' twice, on lines 3 and 4",
                    "keep one of them")
    assert snapshot(log) == before
    r = cli("lint")
    assert r.code == 1 and "writes the key 'status' twice" in r.out


@pytest.mark.parametrize("front, needle", [
    ("---\ntitle: a\nx: {k: 1, k: 2}\n---", "writes the key 'k' twice, on line 3"),
    ("---\ntitle: a\nlinks:\n- rel: a\n  target: b\n  rel: c\n---", "writes the key 'rel' twice, on lines 4 and 6"),
])
def test_duplicates_in_flow_and_nested_mappings(front, needle):
    from adrkit.core.errors import FormatError
    from adrkit.formats.yamlio import parse_front_matter

    with pytest.raises(FormatError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        parse_front_matter(front, path="x.ipynb")


def test_a_merge_key_may_still_be_overridden():
    from adrkit.formats.yamlio import parse_front_matter

    data = parse_front_matter("---\ntitle: a\nbase: &b {k: 1, j: 2}\nx:\n  <<: *b\n  k: 3\n---")
    assert data["x"] == {"k": 3, "j": 2}


@pytest.mark.parametrize("bomb", [
    # a billion laughs: few values, each repeated tenfold per level
    "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]",
    # few values, but a long text repeated: a hundred million characters once encoded
    "a: &a '" + "x" * 10000 + "'\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]",
], ids=["values", "characters"])
def test_an_alias_bomb_in_front_matter_is_refused_before_it_grows(cli, log, bomb):
    path = log / "0002-cache-sessions-in-redis.ipynb"
    _front(path, "---\ntitle: Cache sessions in Redis\n" + bomb + "\n---")
    r = cli("list", "--json")
    assert r.code == 0 and "expands to more than" in r.err and "0002-cache-sessions-in-redis.ipynb" in r.err
    assert [d["number"] for d in json.loads(r.out)] == [1, 3]


def test_an_alias_bomb_does_not_reach_the_site_build(cli, log, tmp_path):
    import resource

    _front(log / "0002-cache-sessions-in-redis.ipynb", "---\ntitle: Bomb\na: &a '" + "x" * 10000 +
           "'\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
           "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n---")

    def limit_memory():  # the build may use a few hundred MB, never the 100 MB-per-copy blow-up
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    proc = subprocess.run([sys.executable, "-m", "adrkit", "build"], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=600, preexec_fn=limit_memory)
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr
    assert "expands to more than" in proc.stderr
    assert (tmp_path / "site" / "0001-use-postgresql-for-orders.html").exists()


# --- dates ----------------------------------------------------------------------------------------

def test_a_date_that_is_not_on_the_calendar_is_a_finding_and_never_published(cli, log, tmp_path):
    path = log / "0002-cache-sessions-in-redis.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    front = "".join(nb["cells"][0]["source"]).replace("date: '2026-01-01'", "date: 2026-02-30").replace(
        "date: 2026-01-01", "date: 2026-02-30")
    nb["cells"][0]["source"] = front
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert "2026-02-30" in path.read_text(encoding="utf-8")
    r = cli("lint", "--json")
    found = [f for f in json.loads(r.out) if f["code"] == "bad-date"]
    assert found == [{"path": "0002-cache-sessions-in-redis.ipynb", "field": "date",
                      "message": "'2026-02-30' is not a date of the calendar",
                      "fix": "write it as YYYY-MM-DD, e.g. 2026-02-28", "code": "bad-date", "severity": "error"}]
    assert cli("status", "2", "accepted").code == 0
    from adrkit.storage.log import DecisionLog

    history = DecisionLog(log).resolve("2").decision.status_history
    assert [(h.status, h.date) for h in history] == [("proposed", ""), ("accepted", "2026-01-01")]
    # the feed never carries it as a timestamp
    from adrkit.publish.feeds import _stamp

    assert _stamp("2026-02-30") == "1970-01-01T00:00:00Z" and _stamp("2026-02-28") == "2026-02-28T00:00:00Z"


# --- slugs and the name limit -------------------------------------------------------------------

@pytest.mark.parametrize("title", ["\U00020000" * 70, "𝔄𝔅" * 40 + " tail", "é" * 200, "a" * 300,
                                   "e\u0301" * 90])
def test_a_long_title_makes_a_name_that_fits_with_its_temporary_suffix(cli, log, title):
    r = cli("new", title)
    assert r.code == 0, r.err
    name = Path(r.out.strip()).name
    assert len(name.encode("utf-8")) + 14 <= 255
    assert (log / name).is_file()
    r = cli("renumber", name.split("-", 1)[0], "999999")
    assert r.code == 0, r.err


def test_slugify_cuts_bytes_at_character_and_mark_boundaries():
    import unicodedata

    from adrkit.core.decision import slug_budget, slugify

    for title in ["\U00020000" * 70, "e\u0301" * 90, "ab-" * 100, "日本語の決定 " * 30]:
        for limit in (16, 40, 143, slug_budget()):
            slug = slugify(title, max_bytes=limit)
            assert slug and len(slug.encode("utf-8")) <= limit
            assert unicodedata.category(slug[0]) != "Mn" and not slug.endswith("-")
            rest = slugify(title)[len(slug):] if slugify(title).startswith(slug) else ""
            assert not rest or unicodedata.category(rest[0]) != "Mn"


# --- full and read-only file systems --------------------------------------------------------------

def _namespace() -> list[str] | None:
    for cmd in (["unshare", "-rm"], ["unshare", "-m"]):
        if shutil.which(cmd[0]) and subprocess.run(cmd + ["true"], capture_output=True).returncode == 0:
            return cmd
    return None


def _in_small_fs(project: Path, scratch: Path, argv: list[str], *, size: str, fill: bool = False,
                 read_only: bool = False) -> tuple[int, str, dict, dict]:
    """Copy `project` onto a real tmpfs of `size` (full, or read-only, if asked) in a
    mount namespace, run adrkit there; (exit, stderr, state before, state after)."""
    ns = _namespace()
    if ns is None:
        pytest.skip("needs a mount namespace (unshare); test_crash injects ENOSPC at every write instead")
    mnt = scratch / "mnt"
    mnt.mkdir()
    script = f"""
set -e
mount -t tmpfs -o size={size} tmpfs {mnt}
mkdir {mnt}/p
tar -C {project} --exclude=./scratch -cf - . | tar -C {mnt}/p -xf -
{"head -c 100000000 /dev/zero > " + str(mnt) + "/filler 2>/dev/null || true" if fill else ""}
tar -C {mnt}/p -cf {scratch}/before.tar .
{"mount -o remount,ro " + str(mnt) if read_only else ""}
cd {mnt}/p
set +e
{sys.executable} -m adrkit {" ".join(f"'{a}'" for a in argv)} > {scratch}/out 2> {scratch}/err
echo $? > {scratch}/code
tar -C {mnt}/p -cf {scratch}/after.tar .
"""
    proc = subprocess.run(ns + ["bash", "-c", script], env=_env({"PYTHONPATH": str(ROOT)}), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    states = []
    for name in ("before", "after"):
        folder = scratch / name
        folder.mkdir()
        subprocess.run(["tar", "-C", str(folder), "-xf", str(scratch / f"{name}.tar")], check=True)
        states.append(snapshot(folder))
    return int((scratch / "code").read_text()), (scratch / "err").read_text(), states[0], states[1]


@pytest.mark.parametrize("argv, record", [
    (["new", "Adopt OpenTelemetry"], "0004-adopt-opentelemetry.ipynb"),
    (["renumber", "2", "9"], "0009-cache-sessions-in-redis.ipynb"),
    (["import", "adr"], ".ipynb"),
])
def test_a_full_disk_names_the_record_and_the_fix_and_changes_nothing(log, tmp_path, argv, record):
    adr = tmp_path / "adr"
    adr.mkdir()
    for n in range(1, 4):
        (adr / f"{n:04d}-imported-{n}.md").write_text(f"# {n}. Imported {n}\n\nDate: 2020-01-01\n\n## Status\n\n"
                                                      f"Accepted\n\n## Context\n\n{'Long text. ' * 3000}\n",
                                                      encoding="utf-8")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    code, err, before, after = _in_small_fs(tmp_path, scratch, argv, size="2m", fill=True)
    line = err.strip().splitlines()[-1]
    assert code == 1 and "Traceback" not in err, err
    assert line.startswith("adrkit: error: ") and record in line, line
    assert "the disk is full" in line and "free some space" in line and "nothing was changed" in line
    assert ".tmp" not in line and ".bak" not in line
    assert after == before


@pytest.mark.parametrize("argv, needle", [
    (["new", "Adopt OpenTelemetry"], "decisions"),
    (["renumber", "2", "9"], "decisions"),
    (["status", "2", "accepted"], "decisions"),
])
def test_a_read_only_file_system_names_the_log_and_the_fix(log, tmp_path, argv, needle):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    code, err, before, after = _in_small_fs(tmp_path, scratch, argv, size="20m", read_only=True)
    line = err.strip().splitlines()[-1]
    assert code == 1 and "Traceback" not in err, err
    assert needle in line and "the file system is read-only" in line and "writable" in line, line
    assert after == before


def test_readers_work_on_a_read_only_file_system(log, tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    code, err, before, after = _in_small_fs(tmp_path, scratch, ["lint"], size="20m", read_only=True)
    assert code == 0 and "3 decision(s) checked, 0 finding(s)" in err, err


def test_a_pending_change_on_a_read_only_file_system_is_reported_not_hidden(log, tmp_path):
    _interrupted_renumber(log, applied=2)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    code, err, before, after = _in_small_fs(tmp_path, scratch, ["list"], size="20m", read_only=True)
    assert code == 0, err
    assert "an interrupted change is pending and cannot be finished here" in err
    assert "make the folder writable and run any adrkit command" in err
    assert after == before


# --- output and arguments -------------------------------------------------------------------------

def test_a_change_made_with_stdout_unwritable_exits_0_with_a_warning(log, tmp_path):
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "adrkit", "new", "Adopt OpenTelemetry"], cwd=tmp_path,
                              env=_env(), stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == ("adrkit: warning: the change was made, but its report could not be printed "
                                   "(No space left on device)")
    assert (log / "0004-adopt-opentelemetry.ipynb").is_file()
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "adrkit", "list"], cwd=tmp_path, env=_env(), stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 1 and "the output could not be written (No space left on device)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_reader_closing_the_pipe_early_is_not_an_error(log, tmp_path):
    proc = subprocess.run(f"{sys.executable} -m adrkit list | head -c 1", shell=True, cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("pattern", ["{nope}", "{0}", "{", "}", "{stem.x}", "{number:q}", "{stem!z}", "{}"])
def test_graph_href_patterns_that_cannot_work_are_usage_errors(cli, log, pattern):
    _one_line_error(cli("graph", "--href", pattern), "--href", code=2)


def test_graph_href_with_fields_and_literal_braces(cli, log):
    r = cli("graph", "--href", "/adr/{number:04d}-{slug}.html?x={{y}}")
    assert r.code == 0 and 'URL="/adr/0002-cache-sessions-in-redis.html?x={y}"' in r.out


@pytest.mark.parametrize("args, what", [
    ([b"new", b"Title", b"--tag", b"\xff\xfe"], "tag"),
    ([b"new", b"Caf\xe9 au lait"], "title"),
    ([b"list", b"--tag", b"\xff"], None),
    ([b"graph", b"--href", b"{stem}\xff"], "--href"),
    ([b"link", b"1", b"rel\xff", b"2"], "link type"),
    ([b"status", b"1", b"acc\xffepted"], None),
])
def test_arguments_that_are_not_utf8_are_usage_errors_not_tracebacks(log, tmp_path, args, what):
    before = snapshot(log)
    proc = subprocess.run([os.fsencode(sys.executable), b"-m", b"adrkit", *args], cwd=tmp_path, env=_env(),
                          capture_output=True, timeout=120)
    err = proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr, err
    if what:
        assert proc.returncode == 2 and what in err and "not valid UTF-8" in err, err
    else:
        assert proc.returncode in (0, 2), err
    assert snapshot(log) == before


def test_list_and_show_escape_control_characters(cli, log):
    path = log / "0002-cache-sessions-in-redis.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = ('---\ntitle: "Redis \\e]0;pwned\\a\\e[2J\\u202Egnp.exe"\ntags: ["a\\rb", "\\x9b31m"]\n'
                                'status: proposed\n---')
    path.write_text(json.dumps(nb), encoding="utf-8")
    for args in (("list",), ("show", "2")):
        r = cli(*args)
        assert r.code == 0, r.err
        assert not any(ch in r.out for ch in "\x1b\x07\r\x9b\u202e"), repr(r.out)
        assert "\\x1b]0;pwned\\x07\\x1b[2J\\u202egnp.exe" in r.out
    r = cli("list", "--json")
    data = json.loads(r.out)
    assert data[1]["title"] == "Redis \x1b]0;pwned\x07\x1b[2J\u202egnp.exe"  # the data itself is kept
    assert "\x9b" not in r.out and "\u202e" not in r.out


# --- lint and build ---------------------------------------------------------------------------------

def test_git_conflict_markers_are_the_one_finding_for_that_record(cli, log):
    (log / "0002-cache-sessions-in-redis.yaml").write_text("tradeoffs: {}\n", encoding="utf-8")
    path = log / "0002-cache-sessions-in-redis.ipynb"
    lines = path.read_text(encoding="utf-8").split("\n")
    i = next(k for k, line in enumerate(lines) if '"title: ' in line)
    lines[i:i + 1] = ["<<<<<<< HEAD", lines[i], "=======", lines[i].replace("Redis", "Valkey"), ">>>>>>> theirs"]
    path.write_text("\n".join(lines), encoding="utf-8")
    r = cli("lint", "--json")
    findings = [f for f in json.loads(r.out) if f["severity"] != "info"]  # the others' template text aside
    assert r.code == 1
    assert [(f["path"], f["code"]) for f in findings] == [("0002-cache-sessions-in-redis.ipynb", "merge-conflict")]
    assert "conflict markers of an unfinished git merge" in findings[0]["message"]
    assert findings[0]["field"] == f"line {i + 1}"
    r = cli("show", "2")
    _one_line_error(r, "0002-cache-sessions-in-redis.ipynb", "git merge")


@pytest.mark.parametrize("out", ["decisions/sub", "decisions/a/b", "decisions"])
def test_build_refuses_an_output_folder_inside_the_log(cli, log, tmp_path, out):
    _one_line_error(cli("build", "--out", out), "--out", code=2)
    assert not (tmp_path / "decisions" / "sub").exists()
