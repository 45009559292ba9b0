"""Kill every multi-record command at every write-related system call, then run any
command, and find the project exactly as before or exactly as after, with no stray
file; fail the disk (ENOSPC) at every write and find everything as before with an
error naming the record.

The kills are real: strace's fault injection delivers SIGKILL to the command as it
enters the chosen system call (`strace -e inject=SYSCALL:signal=KILL:when=N`). A
first run under strace lists the command's write-related calls in order; then the
command is killed at each of them in turn, in a fresh copy of the project.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from conftest import FIXED_EPOCH, ROOT
from forkserver import Server

pytestmark = pytest.mark.slow

STRACE = shutil.which("strace")
# Every system call that changes a file system (or takes the lock); opening a file to
# create it is covered by the call that follows it (its first write or fsync).
WRITE_CALLS = ("write", "pwrite64", "writev", "fsync", "fdatasync", "rename", "renameat", "renameat2",
               "link", "linkat", "unlink", "unlinkat", "mkdir", "mkdirat", "rmdir", "ftruncate",
               "fchmod", "fchmodat", "chmod", "flock", "symlink", "symlinkat")
_EVENT = re.compile(r"^(\d+)\s+(\w+)\(")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADRKIT_")}
    env.update(SOURCE_DATE_EPOCH=FIXED_EPOCH, PYTHONIOENCODING="utf-8", PYTHONDONTWRITEBYTECODE="1",
               PYTHONHASHSEED="0", ADRKIT_LOCK_TIMEOUT="20", PYTHONPATH=str(ROOT))
    return env


def adrkit(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "adrkit", *args], cwd=root, env=_env(),
                          capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, (args, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def state(root: Path) -> dict[str, object]:
    """Every file (bytes), link (target) and folder under root; the cache of what the
    commands learned of the files (`.adrkit-cache`, safe to delete) aside."""
    out: dict[str, object] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".adrkit-cache"]
        for name in dirs + files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                out[rel] = "folder"
            else:
                out[rel] = path.read_bytes()
    return out


def differences(a: dict, b: dict) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


# --- the projects ----------------------------------------------------------------------

def _log(root: Path) -> Path:
    """Four decisions with links, a supersession, a data file and an export."""
    adrkit(root, "init")
    adrkit(root, "new", "Use PostgreSQL for orders", "--status", "accepted", "--tag", "storage")
    adrkit(root, "new", "Cache sessions in Redis")
    adrkit(root, "new", "Use Kafka for events")
    adrkit(root, "new", "Publish the API with OpenAPI")
    adrkit(root, "link", "2", "depends-on", "1")
    adrkit(root, "link", "3", "relates-to", "2")
    (root / "decisions" / "0002-cache-sessions-in-redis.yaml").write_text(
        "# trade-offs and lifecycles of 0002\ntradeoffs: {}\nlifecycles: {}\n", encoding="utf-8")
    adrkit(root, "export", "--out", "export")
    adrkit(root, "status", "4", "accepted")
    return root


def _markdown(root: Path) -> Path:
    """An adr-tools folder to import: four records, links between them, an image."""
    _log(root)
    src = root / "doc" / "adr"
    src.mkdir(parents=True)
    for n, title in enumerate(["Record decisions", "Use Riak", "Use Cassandra", "Use gRPC"], 1):
        status = "Superseded by [3. Use Cassandra](0003-use-cassandra.md)" if n == 2 else "Accepted"
        body = "![plan](img/plan.png)\n" if n == 4 else "We decide.\n"
        (src / f"{n:04d}-{title.lower().replace(' ', '-')}.md").write_text(
            f"# {n}. {title}\n\nDate: 2020-01-0{n}\n\n## Status\n\n{status}\n\n## Context\n\nWhy {title}.\n\n"
            f"## Decision\n\n{body}", encoding="utf-8")
    (src / "img").mkdir()
    (src / "img" / "plan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(64)))
    (root / "other-log").mkdir()
    return root


@dataclass
class Scenario:
    name: str
    make: Callable[[Path], Path]
    argv: list[str]
    intermediate: bool = True  # can a kill leave a state that is neither old nor new?
    follow: tuple[str, ...] = ()  # options for the commands run afterwards (which log)


SCENARIOS = [
    Scenario("renumber", _log, ["renumber", "2", "60"]),
    Scenario("supersede", _log, ["supersede", "1", "4"]),
    Scenario("new-supersedes", _log, ["new", "Use CockroachDB for orders", "--supersedes", "1"]),
    Scenario("link", _log, ["link", "4", "extends", "3"]),
    Scenario("import", _markdown, ["import", "doc/adr"]),
    Scenario("import-into", _markdown, ["import", "doc/adr", "--into", "other-log"], follow=("--dir", "other-log")),
    Scenario("export", _log, ["export", "--out", "export"]),
    Scenario("new", _log, ["new", "Adopt OpenTelemetry"], intermediate=False),
]

# The commands run after a kill: readers, and writers (whose own change must land on
# the old or the new state exactly).
FOLLOW_UPS = [["list"], ["lint"], ["graph"], ["show", "1"], ["new", "Follow up"], ["status", "3", "rejected"]]


@pytest.fixture(scope="module")
def servers():
    """Two fork servers, one per worker thread, for the commands run after a kill."""
    made = [Server(_env()), Server(_env())]
    yield made
    for server in made:
        server.close()


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    made = {}
    for maker in (_log, _markdown):
        root = tmp_path_factory.mktemp(maker.__name__.strip("_"))
        made[maker] = maker(root)
    return made


def _copy(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest


def _strace(n_call: tuple[str, int] | None, trace_out: Path | None) -> list[str]:
    cmd = [STRACE, "-f", "-qq", "-o", str(trace_out or os.devnull)]
    if n_call is None:
        cmd += ["-e", "trace=" + ",".join(WRITE_CALLS)]
    else:
        name, when = n_call
        cmd += ["-e", f"trace={name}", "-e", f"inject={name}:signal=KILL:when={when}"]
    return cmd


def write_calls(root: Path, argv: list[str], tmp: Path) -> list[tuple[str, int]]:
    """The command's write-related system calls in order, as (name, occurrence)."""
    trace = tmp / "trace.txt"
    proc = subprocess.run(_strace(None, trace) + [sys.executable, "-m", "adrkit", *argv], cwd=root,
                          env=_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    seen: Counter[str] = Counter()
    events, main_pid = [], None
    for line in trace.read_text().splitlines():
        m = _EVENT.match(line)
        if not m:
            continue
        main_pid = main_pid or m.group(1)
        if m.group(1) != main_pid:
            continue
        seen[m.group(2)] += 1
        events.append((m.group(2), seen[m.group(2)]))
    return events


def _after(root_state: dict, tmp: Path, argv: list[str], name: str, server: Server) -> dict:
    """What `argv` makes of a project in `root_state` (rebuilt from the state)."""
    root = tmp / name
    root.mkdir()
    for rel, value in sorted(root_state.items()):
        path = root / rel
        if value == "folder":
            path.mkdir(parents=True, exist_ok=True)
        elif isinstance(value, tuple):
            path.symlink_to(value[1])
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(value)  # type: ignore[arg-type]
    code, _, err = server.run([(root, argv)], tmp)[0]
    assert "Traceback" not in err, err
    return state(root)


@dataclass
class Outcome:
    intermediate: int = 0  # kills that left a state that was neither old nor new (before recovery)
    killed: int = 0
    failures: list[str] = field(default_factory=list)


@pytest.mark.skipif(STRACE is None, reason="strace is not installed (scripts/setup.sh --test installs it)")
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_a_kill_at_any_write_leaves_old_or_new(scenario, projects, servers, tmp_path):
    base = projects[scenario.make]
    before = state(base)
    done = _copy(base, tmp_path / "done")
    adrkit(done, *scenario.argv)
    after = state(done)
    assert after != before
    events = write_calls(_copy(base, tmp_path / "traced"), scenario.argv, tmp_path)
    assert len(events) >= 5
    follow_ups = [[*scenario.follow, *f] for f in FOLLOW_UPS]
    expected = {}
    for i, follow in enumerate(follow_ups):
        if {"new", "status"} & set(follow):
            expected[i] = (_after(before, tmp_path, follow, f"old{i}", servers[0]),
                           _after(after, tmp_path, follow, f"new{i}", servers[0]))
        else:
            expected[i] = (before, after)
    outcome = Outcome()
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    def one(k: int) -> None:
        root = _copy(base, tmp_path / f"kill{k}")
        proc = subprocess.run(_strace(events[k], None) + [sys.executable, "-m", "adrkit", *scenario.argv],
                              cwd=root, env=_env(), capture_output=True, text=True, timeout=120)
        if proc.returncode == 0:
            outcome.failures.append(f"call {k} {events[k]}: not killed")
            return
        outcome.killed += 1
        now = state(root)
        if now not in (before, after):
            outcome.intermediate += 1
        which = k % len(follow_ups)
        code, _, err = servers[k % 2].run([(root, follow_ups[which])], scratch)[0]
        if code not in (0, 1, 2) or "Traceback" in err:
            outcome.failures.append(f"call {k} {events[k]}: {follow_ups[which]} failed: {err}")
        final = state(root)
        old, new = expected[which]
        if final != old and final != new:
            outcome.failures.append(f"call {k} {events[k]} then {follow_ups[which]}: differs from old in "
                                    f"{differences(final, old)[:6]} and from new in {differences(final, new)[:6]}")
        shutil.rmtree(root)

    with ThreadPoolExecutor(max_workers=2) as pool:  # even calls on one server, odd on the other
        list(pool.map(lambda half: [one(k) for k in range(half, len(events), 2)], (0, 1)))
    assert not outcome.failures, "\n".join(outcome.failures[:20])
    assert outcome.killed == len(events)
    if scenario.intermediate:  # the kills did land between the renames, where it matters
        assert outcome.intermediate > 0


@pytest.mark.skipif(STRACE is None, reason="strace is not installed (scripts/setup.sh --test installs it)")
@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s.name in ("renumber", "export", "new")],
                         ids=lambda s: s.name)
def test_a_full_disk_at_any_write_changes_nothing_and_names_the_record(scenario, projects, tmp_path):
    base = projects[scenario.make]
    before = state(base)
    done = _copy(base, tmp_path / "done")
    adrkit(done, *scenario.argv)
    after = state(done)
    events = write_calls(_copy(base, tmp_path / "traced"), scenario.argv, tmp_path)
    # the calls that can meet a full disk: writing data, making names
    points = [(i, e) for i, e in enumerate(events) if e[0] in ("write", "fsync", "link", "linkat", "rename",
                                                                  "mkdir", "ftruncate")]
    failures: list[str] = []

    def one(point: tuple[int, tuple[str, int]]) -> None:
        i, (name, when) = point
        root = _copy(base, tmp_path / f"full{i}")
        cmd = [STRACE, "-f", "-qq", "-o", os.devnull, "-e", f"trace={name}",
               "-e", f"inject={name}:error=ENOSPC:when={when}", sys.executable, "-m", "adrkit", *scenario.argv]
        proc = subprocess.run(cmd, cwd=root, env=_env(), capture_output=True, text=True, timeout=120)
        now = state(root)
        shutil.rmtree(root)
        err = proc.stderr.strip().splitlines()
        if "Traceback" in proc.stderr:
            failures.append(f"{name}#{when}: {proc.stderr[-300:]}")
        elif proc.returncode == 0:  # the full disk met only the report, or a clean-up after the change
            if now != after:
                failures.append(f"{name}#{when}: exit 0 but changed {differences(now, after)[:5]}")
        elif not err or not err[-1].startswith("adrkit: error:"):
            failures.append(f"{name}#{when}: {proc.stderr[-300:]}")
        elif now != before:
            failures.append(f"{name}#{when}: changed {differences(now, before)[:5]}")
        elif ".tmp" in err[-1] or ".bak" in err[-1]:
            failures.append(f"{name}#{when}: names a temporary file: {err[-1]}")
        elif "disk is full" not in err[-1] or "free some space" not in err[-1]:
            failures.append(f"{name}#{when}: does not say what to do: {err[-1]}")

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, points))
    assert not failures, "\n".join(failures[:15])
