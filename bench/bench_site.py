"""Benchmark the published site against log4brains and adr-viewer on one generated log.

    .venv/bin/python bench/bench_site.py [--count 500] [--runs 5] [--peer-runs 2] [--no-peers]

Generates a log of COUNT decisions (bench/generate_log.py: statuses, tags, links,
supersessions, trade-off tables and lifecycles in data files) and the same records as
markdown (log4brains reads the MADR export, adr-viewer the adr-tools/Nygard one), then
measures in one run, each as a separate process as a user runs it:

- adrkit cold build (no cache, no site), no-op rebuild, rebuild after one changed record;
- `log4brains build` (npm package, from .peer/node_modules);
- `adr-viewer` (PyPI package, in its own venv .peer/venv-adrviewer).

Times are medians of the runs; peak memory is the largest sum of resident memory over
the whole process tree (workers included), sampled from /proc every 20 ms. Prints a
table with ratios and writes it into bench/README.md between the site markers.
"""
from __future__ import annotations

import argparse
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

from generate_log import generate  # noqa: E402

PEER = ROOT / ".peer"
LOG4BRAINS = PEER / "node_modules" / ".bin" / "log4brains"
ADR_VIEWER = PEER / "venv-adrviewer" / "bin" / "adr-viewer"
README = ROOT / "bench" / "README.md"
START, END = "<!-- site-bench:start -->", "<!-- site-bench:end -->"
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Sample:
    seconds: float
    peak_mb: float


@dataclass
class Result:
    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.samples)


def _tree_rss(pid: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        child, parent = int(entry), int(stat[1])
        children.setdefault(parent, []).append(child)
        rss[child] = int(stat[21]) * PAGE
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, ()))
    return total


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run `cmd`, returning its wall time and the peak RSS of its process tree."""
    peak = 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-2000:]}")
    return Sample(seconds, peak / 2**20)


def adrkit_build(project: Path) -> list[str]:
    return [sys.executable, "-m", "adrkit", "build", "--out", str(project / "site")]


def bench_adrkit(project: Path, runs: int) -> tuple[Result, Result, Result]:
    cold, noop, change = Result("adrkit cold build"), Result("adrkit no-op rebuild"), Result("adrkit one change")
    cache = project / ".adrkit-cache"
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(project / "site", ignore_errors=True)
        cold.samples.append(run(adrkit_build(project), project))
    for _ in range(runs):
        noop.samples.append(run(adrkit_build(project), project))
    notebooks = sorted((project / "decisions").glob("*.ipynb"))
    target = notebooks[len(notebooks) // 2]
    original = target.read_text(encoding="utf-8")
    for i in range(runs):
        target.write_text(original.replace("must stay available", f"must stay available (edit {i})"),
                          encoding="utf-8")
        change.samples.append(run(adrkit_build(project), project))
    target.write_text(original, encoding="utf-8")
    return cold, noop, change


def bench_log4brains(md: Path, work: Path, runs: int) -> Result | None:
    if not LOG4BRAINS.exists():
        print(f"log4brains not found at {LOG4BRAINS}: npm install --prefix {PEER} log4brains", file=sys.stderr)
        return None
    project = work / "log4brains"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(md, project / "docs" / "adr")
    (project / ".log4brains.yml").write_text(
        "project:\n  name: Bench\n  tz: Etc/UTC\n  adrFolder: ./docs/adr\n", encoding="utf-8")
    result = Result("log4brains build")
    env = {"NEXT_TELEMETRY_DISABLED": "1", "CI": "1"}
    for _ in range(runs):
        shutil.rmtree(project / "out", ignore_errors=True)
        shutil.rmtree(project / ".log4brains", ignore_errors=True)
        result.samples.append(run([str(LOG4BRAINS), "build", "--out", "out"], project, env))
    return result


def bench_adr_viewer(md: Path, work: Path, runs: int) -> Result | None:
    if not ADR_VIEWER.exists():
        print(f"adr-viewer not found at {ADR_VIEWER}", file=sys.stderr)
        return None
    result = Result("adr-viewer (one page, no search)")
    for _ in range(runs):
        result.samples.append(run([str(ADR_VIEWER), "--adr-path", str(md), "--output", str(work / "adr-viewer.html")],
                                  work))
    return result


def table(rows: list[Result], count: int) -> str:
    lines = [f"| {count} decisions | time (median) | peak memory (process tree) |",
             "| --- | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r.name} | {r.seconds:.2f} s | {r.peak_mb:.0f} MB |")
    return "\n".join(lines)


def verdicts(cold: Result, noop: Result, l4b: Result | None, viewer: Result | None) -> str:
    out = []
    if l4b:
        t = cold.seconds / l4b.seconds
        m = cold.peak_mb / l4b.peak_mb
        out.append(f"- cold build vs log4brains: {t:.3f}x the time (1/{1 / t:.0f}); target <= 1/10: "
                   f"{'met' if t <= 0.1 else 'NOT met'}")
        out.append(f"- peak memory vs log4brains: {m:.3f}x (1/{1 / m:.1f}); target < 1/3: "
                   f"{'met' if m < 1 / 3 else 'NOT met'}")
    if viewer:
        r = noop.seconds / viewer.seconds
        out.append(f"- no-op rebuild vs adr-viewer's full build: {r:.2f}x the time; target <= 1: "
                   f"{'met' if r <= 1 else 'NOT met'}")
    return "\n".join(out)


def write_readme(text: str, start: str = START, end: str = END) -> None:
    """Put `text` into bench/README.md between the markers `start` and `end`
    (replacing what is there, or appended with them when they are absent)."""
    block = f"{start}\n{text}\n{end}"
    current = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if start in current and end in current:
        head, rest = current.split(start, 1)
        tail = rest.split(end, 1)[1]
        current = head + block + tail
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    README.write_text(current, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--peer-runs", type=int, default=2)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "site")
    args = ap.parse_args()

    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    project, nygard = work / "project", work / "nygard"
    generate(project, args.count, markdown=nygard)
    from adrkit.services.exporter import export_markdown
    from adrkit.storage.log import find_log

    madr = work / "madr"
    export_markdown(find_log(start=project), madr, fmt="madr")
    print(f"generated {args.count} decisions in {project}", file=sys.stderr)

    cold, noop, change = bench_adrkit(project, args.runs)
    print(table([cold, noop, change], args.count), file=sys.stderr)
    l4b = viewer = None
    if not args.no_peers:
        viewer = bench_adr_viewer(nygard, work, args.runs)
        l4b = bench_log4brains(madr, work, args.peer_runs)
    rows = [cold, noop, change] + [r for r in (l4b, viewer) if r]
    text = table(rows, args.count) + "\n\n" + verdicts(cold, noop, l4b, viewer)
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    text = (f"## Published site ({machine}; `python bench/bench_site.py --runs {args.runs} "
            f"--peer-runs {args.peer_runs}`)\n\n{text}\n")
    print(text)
    if l4b and viewer:  # the README keeps the full comparison only
        write_readme(text)
    else:
        print("(peers not measured: bench/README.md left as it is)", file=sys.stderr)


if __name__ == "__main__":
    main()
