"""Two writing commands at once, a few hundred times: no duplicate, lost or
resurrected record. Each round forks both commands from a server that has adrkit
imported and releases them together, so they really overlap (see forkserver.py).
Also: the lock's waiting message and timeout, and a writer that ignores the lock
(an editor, a widget in another kernel) detected by compare-and-swap rather than
overwritten."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXED_EPOCH, ROOT, snapshot
from forkserver import Server

pytestmark = pytest.mark.slow

ROUNDS = 50


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADRKIT_")}
    env.update(SOURCE_DATE_EPOCH=FIXED_EPOCH, PYTHONIOENCODING="utf-8", ADRKIT_LOCK_TIMEOUT="60",
               PYTHONPATH=str(ROOT))
    return env


@pytest.fixture(scope="module")
def server():
    made = Server(_env())
    yield made
    made.close()


@pytest.fixture
def project(tmp_path, server):
    root = tmp_path / "project"
    root.mkdir()
    run = _runner(server, root, tmp_path)
    run(["init"])
    run(["new", "Use PostgreSQL for orders", "--status", "accepted"])
    run(["new", "Cache sessions in Redis", "--status", "accepted"])
    run(["new", "Use Kafka for events"])
    run(["link", "3", "depends-on", "2"])
    (root / "decisions" / "0002-cache-sessions-in-redis.yaml").write_text("tradeoffs: {}\n", encoding="utf-8")
    return root, run, _pair(server, root, tmp_path)


def _runner(server, root, scratch):
    def run(argv, ok=True):
        code, out, err = server.run([(root, argv)], scratch)[0]
        assert "Traceback" not in err, err
        if ok:
            assert code == 0, (argv, err)
        return code, out, err
    return run


def _pair(server, root, scratch):
    def pair(a, b):
        results = server.run([(root, a), (root, b)], scratch)
        for code, _, err in results:
            assert "Traceback" not in err, err
        return results
    return pair


def records(root: Path) -> list[dict]:
    from adrkit.storage.log import DecisionLog

    recs, problems = DecisionLog(root / "decisions").load_all()
    assert not problems, problems
    return [{"path": r.path.name, "number": r.decision.number, "slug": r.decision.slug,
             "status": r.decision.status, "links": [(l.rel, l.target) for l in r.decision.links],
             "supersedes": r.decision.supersedes, "superseded_by": r.decision.superseded_by} for r in recs]


def lint_clean(root: Path) -> list[str]:
    from adrkit.services.lint import lint_log
    from adrkit.storage.log import DecisionLog

    return [f.line() for f in lint_log(DecisionLog(root / "decisions"))
            if f.code not in ("missing-section", "placeholder-text")]


def no_leftovers(root: Path) -> list[str]:
    return [p.name for p in (root / "decisions").iterdir() if p.name.startswith(".")]


def test_two_new_at_once_get_two_numbers(project):
    root, run, pair = project
    for i in range(ROUNDS):
        results = pair(["new", f"Option A {i}"], ["new", f"Option B {i}"])
        assert [code for code, _, _ in results] == [0, 0], results
        recs = records(root)
        numbers = Counter(r["number"] for r in recs)
        assert max(numbers.values()) == 1, numbers
        assert len(recs) == 3 + 2 * (i + 1)
    assert no_leftovers(root) == []


def test_new_superseding_while_another_new_runs(project):
    root, run, pair = project
    run(["new", "Decision zero", "--status", "accepted"])
    previous = "zero"
    for i in range(ROUNDS):
        results = pair(["new", f"Successor {i}", "--supersedes", previous, "--status", "accepted"],
                       ["new", f"Bystander {i}"])
        assert [code for code, _, _ in results] == [0, 0], results
        recs = records(root)
        assert max(Counter(r["number"] for r in recs).values()) == 1
        successor = next(r for r in recs if r["slug"] == f"successor-{i}")
        old = next(r for r in recs if r["superseded_by"] == [f"{successor['number']:04d}-successor-{i}"])
        assert old["status"] == "superseded"
        bystander = next(r for r in recs if r["slug"] == f"bystander-{i}")
        assert bystander["supersedes"] == [] and bystander["superseded_by"] == []
        previous = f"successor-{i}"
    assert lint_clean(root) == []
    assert no_leftovers(root) == []


def test_status_while_renumbering_is_neither_lost_nor_resurrected(project):
    root, run, pair = project
    numbers = [40, 2]
    statuses = ["deprecated", "accepted"]
    for i in range(ROUNDS):
        number, status = numbers[i % 2], statuses[i % 2]
        first, second = (["status", "redis", status], ["renumber", "redis", str(number)])
        if i % 4 >= 2:
            first, second = second, first
        results = dict(zip((first[0], second[0]), pair(first, second)))
        copies = [r for r in records(root) if r["slug"] == "cache-sessions-in-redis"]
        assert len(copies) == 1, copies  # never two copies, never none
        rec = copies[0]
        code_status = results["status"][0]
        assert results["renumber"][0] == 0, results["renumber"]
        assert rec["number"] == number
        if code_status == 0:  # a reported success is never lost
            assert rec["status"] == status
        else:
            pytest.fail(f"status failed: {results['status'][2]}")
        data = sorted(p.name for p in (root / "decisions").glob("*-cache-sessions-in-redis.yaml"))
        assert data == [f"{number:04d}-cache-sessions-in-redis.yaml"]
    assert lint_clean(root) == []
    assert no_leftovers(root) == []


def test_two_renumbers_of_one_record_leave_one_copy(project):
    root, run, pair = project
    for i in range(ROUNDS):
        a, b = 100 + 2 * i, 101 + 2 * i
        results = pair(["renumber", "redis", str(a)], ["renumber", "redis", str(b)])
        assert all(code == 0 for code, _, _ in results), results
        copies = [r for r in records(root) if r["slug"] == "cache-sessions-in-redis"]
        assert len(copies) == 1 and copies[0]["number"] in (a, b), copies
        stem = f"{copies[0]['number']:04d}-cache-sessions-in-redis"
        kafka = next(r for r in records(root) if r["slug"] == "use-kafka-for-events")
        assert ("depends-on", stem) in kafka["links"]
    assert lint_clean(root) == []
    assert no_leftovers(root) == []


def test_links_while_renumbering_stay_two_sided(project):
    root, run, pair = project
    for i in range(ROUNDS):
        run(["new", f"Extra {i}"])
        results = pair(["link", f"extra-{i}", "relates-to", "redis"], ["renumber", "redis", str(900 - i)])
        assert all(code == 0 for code, _, _ in results), results
        assert lint_clean(root) == []
    assert no_leftovers(root) == []


def test_two_exports_at_once_keep_every_manifest_entry(project):
    root, run, pair = project
    out = root / "export"
    for i in range(ROUNDS):
        run(["new", f"Exported {i}"])
        results = pair(["export", "--out", "export"], ["export", "--out", "export"])
        assert all(code == 0 for code, _, _ in results), results
        manifest = json.loads((out / ".adrkit-export.json").read_text(encoding="utf-8"))["files"]
        files = sorted(p.name for p in out.glob("*.md"))
        assert sorted(manifest) == files and len(files) == 3 + i + 1
    code, _, err = run(["export", "--out", "export"])
    assert "0 file(s) written" in err


def test_a_writer_waits_for_the_lock_and_says_who_holds_it(project, tmp_path):
    root, run, pair = project
    from adrkit.storage.lock import log_lock

    env = dict(_env(), ADRKIT_LOCK_TIMEOUT="30")
    with log_lock(root / "decisions"):
        proc = subprocess.Popen([sys.executable, "-m", "adrkit", "status", "3", "accepted"], cwd=root, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        line = ""
        while time.monotonic() < deadline and "waiting" not in line:
            line = proc.stderr.readline()
        assert line.strip() == (f"adrkit: another adrkit command is changing this log (pid {os.getpid()}); "
                                "waiting")
        time.sleep(0.3)
        assert proc.poll() is None  # still waiting
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert next(r for r in records(root) if r["number"] == 3)["status"] == "accepted"
    assert no_leftovers(root) == []


def test_a_writer_gives_up_after_the_timeout_and_changes_nothing(project):
    root, run, pair = project
    from adrkit.storage.lock import log_lock

    before = snapshot(root / "decisions")
    env = dict(_env(), ADRKIT_LOCK_TIMEOUT="0.5")
    with log_lock(root / "decisions"):
        proc = subprocess.run([sys.executable, "-m", "adrkit", "renumber", "2", "9"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 1
        last = proc.stderr.strip().splitlines()[-1]
        assert re.fullmatch(rf"adrkit: error: .*decisions: another adrkit command \(pid {os.getpid()}\) is still "
                            r"changing this log after 0\.5 s; wait for it to finish and run this again, or set "
                            r"ADRKIT_LOCK_TIMEOUT to wait longer", last), last
        assert snapshot(root / "decisions") == {**before, ".adrkit.lock": snapshot(root / "decisions")[".adrkit.lock"]}
    assert snapshot(root / "decisions") == before


def test_threads_of_one_process_take_turns(project):
    root, run, pair = project
    from adrkit.services import operations
    from adrkit.storage.log import DecisionLog

    log = DecisionLog(root / "decisions")
    made, errors = [], []

    def worker(i):
        try:
            made.append(operations.new_decision(log, f"Threaded {i}", today="2026-01-01"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = [int(p.name[:4]) for p in made]
    assert sorted(numbers) == list(range(4, 12))


def test_an_editor_that_ignores_the_lock_is_detected_not_overwritten(project, monkeypatch):
    """Between the command reading a record and writing it, another program saves the
    file: the command refuses (compare-and-swap on the content hash) and the other
    program's bytes stay."""
    root, run, pair = project
    from adrkit.core.errors import ConflictError
    from adrkit.services import operations
    from adrkit.storage.log import DecisionLog

    log = DecisionLog(root / "decisions")
    target = root / "decisions" / "0002-cache-sessions-in-redis.ipynb"
    real_read = DecisionLog.read

    def read_then_someone_saves(self, path):
        rec = real_read(self, path)
        if path.name == target.name:
            nb = json.loads(target.read_text(encoding="utf-8"))
            nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "Typed in the editor."})
            target.write_text(json.dumps(nb), encoding="utf-8")
        return rec

    monkeypatch.setattr(DecisionLog, "read", read_then_someone_saves)
    editor_bytes = None
    for action in (lambda: operations.change_status(log, "2", "deprecated", today="2026-01-02"),
                   lambda: operations.link(log, "1", "relates-to", "2"),
                   lambda: operations.renumber(log, "2", 12)):
        with pytest.raises(ConflictError, match="changed on disk since this command read it"):
            action()
        editor_bytes = target.read_bytes()
        assert b"Typed in the editor." in editor_bytes
    monkeypatch.undo()
    assert [p.name for p in (root / "decisions").glob("0012-*")] == []
    assert no_leftovers(root) == []


def test_a_record_removed_meanwhile_is_not_resurrected(project, monkeypatch):
    root, run, pair = project
    from adrkit.core.errors import ConflictError
    from adrkit.services import operations
    from adrkit.storage.log import DecisionLog

    log = DecisionLog(root / "decisions")
    target = root / "decisions" / "0002-cache-sessions-in-redis.ipynb"
    real_read = DecisionLog.read

    def read_then_someone_moves_it(self, path):
        rec = real_read(self, path)
        if path == target and target.exists():
            target.rename(target.with_name("0030-cache-sessions-in-redis.ipynb"))
        return rec

    monkeypatch.setattr(DecisionLog, "read", read_then_someone_moves_it)
    with pytest.raises(ConflictError, match="was removed since this command read it"):
        operations.change_status(log, "2", "deprecated", today="2026-01-02")
    assert not target.exists()


def test_new_never_replaces_a_record_created_meanwhile(project, monkeypatch):
    """`new --supersedes`: a file that appears under the new record's name after the
    command chose it is never replaced (exclusive create on every path)."""
    root, run, pair = project
    from adrkit.core.errors import ConflictError
    from adrkit.services import operations
    from adrkit.storage.log import DecisionLog

    log = DecisionLog(root / "decisions")
    squatter = root / "decisions" / "0004-use-cockroachdb.ipynb"
    import adrkit.services.operations as ops

    real = ops.notebook_from_template

    def template_then_someone_creates(template, decision):
        nb = real(template, decision)
        squatter.write_text('{"someone": "else"}', encoding="utf-8")
        return nb

    monkeypatch.setattr(ops, "notebook_from_template", template_then_someone_creates)
    before = (root / "decisions" / "0001-use-postgresql-for-orders.ipynb").read_bytes()
    with pytest.raises(ConflictError, match="appeared"):
        operations.new_decision(log, "Use CockroachDB", today="2026-01-02", supersedes="1")
    assert squatter.read_text(encoding="utf-8") == '{"someone": "else"}'
    assert (root / "decisions" / "0001-use-postgresql-for-orders.ipynb").read_bytes() == before
    assert no_leftovers(root) == []
