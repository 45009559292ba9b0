"""How adrkit scales with the log: list, lint and builds at 500 to 10,000 decisions,
beside adr-viewer on the same records (and log4brains at 500).

    .venv/bin/python bench/bench_scale.py [--counts 500,2000,5000,10000] [--runs 3]
        [--baseline DIR] [--baseline-counts 500,5000] [--no-peers] [--no-readme]

For each count, `bench/generate_log.py` writes the log (and the same records as
adr-tools markdown for adr-viewer, as MADR for log4brains), kept in bench/out/scale/ and
reused while the generator is unchanged. Then, each command a whole process as a user
runs it:

- `adrkit list`, `adrkit show` (the middle record) and `adrkit lint`: the first run after a change reads every notebook
  (and fills the record index); the figure is the median of the runs after it;
- cold build: no cache, no site; no-op rebuild: nothing changed; one change: one
  notebook's text edited (a different one each run);
- peak memory of the cold build: the largest total over the process tree (the build
  and its conversion workers), as PSS (each shared page counted once, split between
  the processes that share it) and as RSS (each process counted whole), from a cold
  build of its own (reading a process tree's memory every 50 ms slows it, so the timed
  runs are not sampled; log4brains' one run is);
- adr-viewer, one HTML page of every record (no search, no per-decision pages);
  log4brains' build at 500 only (it takes minutes).

Both packages are compiled ahead (as installing a wheel does) and run with Python
keeping compiled modules, so no figure includes compiling adrkit.

With `--baseline DIR` (a folder holding another `adrkit` package, e.g. a checkout of an
earlier commit), its cold and no-op builds run too, alternating with this one's, so the
two are measured under the same load. Times are medians; the machine is shared, so
compare the ratios of one run. The table is written into bench/README.md between the
scale markers.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_site import ADR_VIEWER, LOG4BRAINS, write_readme  # noqa: E402

WORK = ROOT / "bench" / "out" / "scale"
START, END = "<!-- scale-bench:start -->", "<!-- scale-bench:end -->"
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Sample:
    seconds: float
    pss_mb: float
    rss_mb: float


@dataclass
class Result:
    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def pss(self) -> float:
        return max(s.pss_mb for s in self.samples)

    @property
    def rss(self) -> float:
        return max(s.rss_mb for s in self.samples)


# --- running one command, with the memory of its process tree ----------------------------

def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    parent = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, ()))
    return out


def _memory(pids: list[int]) -> tuple[int, int]:
    """(PSS, RSS) in bytes over `pids`."""
    pss = rss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return pss, rss


def _environment(extra: dict[str, str] | None) -> dict[str, str]:
    """The commands run as they do for a user: Python keeps compiled modules (an
    environment that says not to would make every command compile adrkit again)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


def compiled(package_root: Path) -> None:
    """Compile a package's modules ahead, as installing a wheel does."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package_root / "adrkit")], check=True,
                   stdout=subprocess.DEVNULL, env=_environment(None))


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,),
        memory: bool = False) -> Sample:
    """One whole process; with `memory`, its peak memory too (reading the memory of a
    process tree every 50 ms slows it, so timed runs do not)."""
    peak_pss = peak_rss = 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=_environment(env),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_pss, peak_rss
        while not stop.is_set():
            pss, rss = _memory(_tree(proc.pid))
            peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    if memory:
        sampler.join()
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-2000:]}")
    return Sample(seconds, peak_pss / 2**20, peak_rss / 2**20)


# --- the logs -------------------------------------------------------------------------------

def generated(count: int) -> Path:
    """bench/out/scale/N: the project, `nygard/` and `madr/` markdown of the same records."""
    stamp = hashlib.sha256((ROOT / "bench" / "generate_log.py").read_bytes()).hexdigest()[:16]
    folder = WORK / str(count)
    if (folder / ".stamp").is_file() and (folder / ".stamp").read_text() == stamp:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate_log.py"), str(folder / "project"),
                    "--count", str(count), "--markdown", str(folder / "nygard")], check=True)
    if count <= 500:
        subprocess.run([sys.executable, "-m", "adrkit", "export", "--format", "madr", "--out",
                        str(folder / "madr")], cwd=folder / "project", check=True, stdout=subprocess.DEVNULL)
    (folder / ".stamp").write_text(stamp)
    return folder


def _age(folder: Path) -> None:
    """Date the generated files an hour back, as files of a log edited over time are
    (a file written in the second before a build is checked by content on the next)."""
    past = time.time_ns() - 3600 * 10**9
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(past, past))


# --- adrkit ----------------------------------------------------------------------------------

def adrkit(*args: str) -> list[str]:
    return [sys.executable, "-m", "adrkit", *args]


BASE_CACHE = "publish"  # where an earlier adrkit kept its page cache, inside .adrkit-cache


def reset(project: Path) -> None:
    """No cache and no site of this adrkit (the baseline's cache is left alone)."""
    cache = project / ".adrkit-cache"
    if cache.is_dir():
        for path in cache.iterdir():
            if path.name != BASE_CACHE:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.rmtree(project / "site", ignore_errors=True)


def bench_commands(project: Path, runs: int) -> dict[str, Result]:
    out = {name: Result() for name in ("list first", "list", "show", "lint first", "lint")}
    reset(project)
    out["list first"].samples.append(run(adrkit("list"), project))
    for _ in range(runs):
        out["list"].samples.append(run(adrkit("list"), project))
    middle = str(len(list((project / "decisions").glob("*.ipynb"))) // 2)
    for _ in range(runs):
        out["show"].samples.append(run(adrkit("show", middle), project))
    (project / ".adrkit-cache" / "records.sqlite").unlink(missing_ok=True)
    out["lint first"].samples.append(run(adrkit("lint"), project, ok=(0, 1)))
    for _ in range(runs):
        out["lint"].samples.append(run(adrkit("lint"), project, ok=(0, 1)))
    return out


def bench_builds(project: Path, runs: int, baseline: Path | None) -> dict[str, Result]:
    """Cold, no-op and one-change builds (and the baseline's, interleaved)."""
    names = ["cold", "cold memory", "noop", "change"] + (["base cold", "base noop"] if baseline else [])
    out = {name: Result() for name in names}
    base_env = {"PYTHONPATH": str(baseline)} if baseline else {}
    base_out = project.parent / "base-site"
    for _ in range(runs):
        reset(project)
        out["cold"].samples.append(run(adrkit("build", "--quiet"), project))
        if baseline:
            shutil.rmtree(project / ".adrkit-cache" / BASE_CACHE, ignore_errors=True)
            shutil.rmtree(base_out, ignore_errors=True)
            out["base cold"].samples.append(run(adrkit("build", "--out", str(base_out)), project, base_env))
    reset(project)
    out["cold memory"].samples.append(run(adrkit("build", "--quiet"), project, memory=True))
    for _ in range(runs):
        out["noop"].samples.append(run(adrkit("build", "--quiet"), project))
        if baseline:
            out["base noop"].samples.append(run(adrkit("build", "--out", str(base_out)), project, base_env))
    notebooks = sorted((project / "decisions").glob("*.ipynb"))
    for i in range(runs):
        target = notebooks[(len(notebooks) * (i + 1)) // (runs + 1)]
        original = target.read_bytes()
        target.write_bytes(original.replace(b"must stay available", f"must stay available ({i})".encode()))
        try:
            out["change"].samples.append(run(adrkit("build", "--quiet"), project))
        finally:
            target.write_bytes(original)
            run(adrkit("build", "--quiet"), project)  # back to the unchanged site
    return out


# --- peers -----------------------------------------------------------------------------------

def bench_adr_viewer(folder: Path, runs: int) -> Result | None:
    if not ADR_VIEWER.exists():
        print(f"adr-viewer not found at {ADR_VIEWER}", file=sys.stderr)
        return None
    result = Result()
    for _ in range(runs):
        result.samples.append(run([str(ADR_VIEWER), "--adr-path", str(folder / "nygard"),
                                   "--output", str(folder / "adr-viewer.html")], folder))
    return result


def bench_log4brains(folder: Path, runs: int) -> tuple[Result, int] | None:
    if not LOG4BRAINS.exists():
        print(f"log4brains not found at {LOG4BRAINS}", file=sys.stderr)
        return None
    project = folder / "log4brains"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(folder / "madr", project / "docs" / "adr")
    (project / ".log4brains.yml").write_text(
        "project:\n  name: Bench\n  tz: Etc/UTC\n  adrFolder: ./docs/adr\n", encoding="utf-8")
    result = Result()
    env = {"NEXT_TELEMETRY_DISABLED": "1", "CI": "1"}
    pages = 0
    for _ in range(runs):
        shutil.rmtree(project / "out", ignore_errors=True)
        shutil.rmtree(project / ".log4brains", ignore_errors=True)
        result.samples.append(run([str(LOG4BRAINS), "build", "--out", "out"], project, env, memory=True))
        pages = len([p for p in (project / "out" / "adr").rglob("index.html")]) if (project / "out" / "adr").is_dir() else 0
    return result, pages


# --- the table -------------------------------------------------------------------------------

def _s(value: float) -> str:
    return f"{value:.2f} s"


def table(rows: list[dict[str, object]], l4b: tuple[Result, int] | None, runs: int, base: bool) -> str:
    head = ["decisions", "list", "show", "lint", "cold build", "no-op rebuild", "one change",
            "peak memory (PSS / RSS)", "adr-viewer (one page)", "no-op / adr-viewer", "cold / adr-viewer"]
    if base:
        head += ["cold, before", "cold: before / now", "no-op, before"]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(["---"] + ["---:"] * (len(head) - 1)) + " |"]
    for row in rows:
        b = row["builds"]
        c = row["commands"]
        viewer = row.get("viewer")
        cells = [f"{row['count']:,}", _s(c["list"].seconds), _s(c["show"].seconds), _s(c["lint"].seconds),
                 _s(b["cold"].seconds), _s(b["noop"].seconds), _s(b["change"].seconds),
                 f"{b['cold memory'].pss:.0f} / {b['cold memory'].rss:.0f} MB"]
        if viewer:
            cells += [_s(viewer.seconds), f"{b['noop'].seconds / viewer.seconds:.2f}x",
                      f"{b['cold'].seconds / viewer.seconds:.1f}x"]
        else:
            cells += ["", "", ""]
        if base:
            if "base cold" in b and b["base cold"].samples:
                cells += [_s(b["base cold"].seconds), f"{b['base cold'].seconds / b['cold'].seconds:.1f}x",
                          _s(b["base noop"].seconds)]
            else:
                cells += ["", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    notes = ["- First run after a change (reads and parses every notebook, fills the record index): "
             + ", ".join(f"{r['count']:,}: list {_s(r['commands']['list first'].seconds)}, "
                         f"lint {_s(r['commands']['lint first'].seconds)}" for r in rows)]
    if l4b:
        result, pages = l4b
        small = next((r for r in rows if r["count"] == 500), None)
        ratio = f"; adrkit's cold build takes {small['builds']['cold'].seconds / result.seconds:.3f}x its time" \
            if small else ""
        notes.append(f"- log4brains build, 500 decisions: {_s(result.seconds)}, peak {result.pss:.0f} MB PSS / "
                     f"{result.rss:.0f} MB RSS, pages written for {pages} of 500 records{ratio}")
    return "\n".join(lines) + "\n\n" + "\n".join(notes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counts", default="500,2000,5000,10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peer-runs", type=int, default=1)
    ap.add_argument("--baseline", type=Path, help="a folder holding another adrkit package to compare with")
    ap.add_argument("--baseline-counts", default="500,5000")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-readme", action="store_true")
    args = ap.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    base_counts = {int(c) for c in args.baseline_counts.split(",")}
    rows: list[dict[str, object]] = []
    l4b = None
    compiled(ROOT)
    if args.baseline:
        compiled(args.baseline.resolve())
    for count in counts:
        folder = generated(count)
        project = folder / "project"
        _age(project)
        print(f"{count} decisions: list and lint", file=sys.stderr)
        row: dict[str, object] = {"count": count, "commands": bench_commands(project, args.runs)}
        print(f"{count} decisions: builds", file=sys.stderr)
        baseline = args.baseline.resolve() if args.baseline and count in base_counts else None
        row["builds"] = bench_builds(project, args.runs, baseline)
        if not args.no_peers:
            row["viewer"] = bench_adr_viewer(folder, args.runs)
            if count == 500:
                l4b = bench_log4brains(folder, args.peer_runs)
        rows.append(row)
        print(table(rows, l4b, args.runs, bool(args.baseline)), file=sys.stderr)
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    text = (f"## Scale ({machine}; `python bench/bench_scale.py --runs {args.runs}"
            + (f" --baseline ...` against {args.baseline.name}" if args.baseline else "`") + ")\n\n"
            + table(rows, l4b, args.runs, bool(args.baseline)) + "\n")
    print(text)
    if not args.no_readme:
        write_readme(text, START, END)


if __name__ == "__main__":
    main()
