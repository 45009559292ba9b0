"""Time `adrkit confirm` over a log of decisions with trivial checks: a fresh kernel per
check (the default) against kernels reused between checks (`--reuse-kernels`), one at
a time and one per core.

    python bench/bench_confirm.py [--count 100] [--runs 3] [--write]

Each configuration runs as a whole `adrkit confirm` process, the way CI runs it;
figures are medians over the runs. From the results files it also reports, per check,
the median kernel start-up and the median time in the cells, which is what shows where
the time goes. `--write` replaces the figures in bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
START, END = "<!-- confirm-bench:start -->", "<!-- confirm-bench:end -->"
CHECK = "total = sum(range(10))\nprint(f'total {total}')\nassert total == 45\n"


def make_log(root: Path, count: int) -> Path:
    """`count` accepted decisions made by adrkit, each with one trivial check cell."""
    from adrkit.formats.notebook import dumps_notebook
    from adrkit.services import operations
    from adrkit.storage.log import init_log

    log, _ = init_log(root)
    for i in range(count):
        path = operations.new_decision(log, f"Decision {i + 1:03d} with a check", today="2026-01-01",
                                       status="accepted", template="madr-minimal")
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "bench-check",
                            "metadata": {"tags": ["confirmation"]}, "outputs": [], "source": CHECK})
        path.write_text(dumps_notebook(nb), encoding="utf-8")
    return log.dir


def run_once(root: Path, extra: list[str]) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "adrkit", "confirm", "--json", *extra], cwd=root,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"adrkit confirm {' '.join(extra)} failed: {proc.stderr[-600:]}")
    if "without encryption" in proc.stderr:
        raise SystemExit("a kernel warned about unencrypted TCP")
    return seconds, json.loads(proc.stdout)


def summarize(count: int, jobs: int, reuse: bool, runs: list[tuple[float, list[dict]]]) -> dict:
    walls, startups, cells = [], [], []
    for seconds, results in runs:
        assert len(results) == count and all(r["outcome"] == "passed" for r in results)
        walls.append(seconds)
        startups += [r["startup"] for r in results]
        cells += [r["duration"] - r["startup"] for r in results]
    reused = sum(1 for r in runs[-1][1] if "reused" in r["kernel"])
    return {"jobs": jobs, "reuse": reuse, "wall": statistics.median(walls),
            "per_check": statistics.median(walls) / count,
            "startup_nonzero": statistics.median([s for s in startups if s > 0] or [0]),
            "cells": statistics.median(cells), "kernels": count - reused}


def table(rows: list[dict], count: int, runs: int, load: tuple[float, float]) -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    out = [f"## `adrkit confirm` ({cpus} cores, Python {platform.python_version()}; "
           f"`python bench/bench_confirm.py --count {count} --runs {runs}`)", "",
           f"The machine is shared: its load average was {load[0]:.1f} when the runs began and "
           f"{load[1]:.1f} when they ended, so absolute times are slower than on an idle machine; the "
           "ratios are measured within the one run.", "",
           f"{count} accepted decisions, each with one trivial check (a sum and an assertion). Each "
           f"configuration is a whole `adrkit confirm` process (interpreter start-up, reading the log and "
           f"writing {count} results files included), median of {runs} runs, the configurations taking "
           "turns. Kernel start-up and time in the cells are medians per check, from the results files.", "",
           "| kernels | checks at once | wall time | per check | kernels started | kernel start-up (median, when started) | time in the cells (median) |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        kind = "reused (`--reuse-kernels`)" if r["reuse"] else "fresh per check (default)"
        out.append(f"| {kind} | {r['jobs']} | {r['wall']:.1f} s | {r['per_check'] * 1000:.0f} ms | "
                   f"{r['kernels']} | {r['startup_nonzero'] * 1000:.0f} ms | {r['cells'] * 1000:.0f} ms |")
    fresh1 = next(r for r in rows if not r["reuse"] and r["jobs"] == 1)
    fresh2 = max((r for r in rows if not r["reuse"]), key=lambda r: r["jobs"])
    reuse2 = max((r for r in rows if r["reuse"]), key=lambda r: r["jobs"])
    share = fresh1["startup_nonzero"] / (fresh1["startup_nonzero"] + fresh1["cells"])
    out += ["",
            f"- a fresh kernel's start-up is {share:.0%} of a check's own time (start-up plus cells): the time "
            "per check is kernel start-up.",
            f"- {fresh2['jobs']} checks at once vs one: {fresh1['wall'] / fresh2['wall']:.2f}x faster with fresh kernels.",
            f"- reused kernels vs fresh, {reuse2['jobs']} at once: {fresh2['wall'] / reuse2['wall']:.1f}x faster "
            f"({reuse2['kernels']} kernels started instead of {count})."]
    return "\n".join(out) + "\n"


def write_readme(text: str) -> None:
    current = README.read_text(encoding="utf-8")
    block = f"{START}\n{text}\n{END}"
    if START in current and END in current:
        head, rest = current.split(START, 1)
        current = head + block + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    README.write_text(current, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="replace the figures in bench/README.md")
    args = ap.parse_args()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_log(root, args.count)
        configs = [(jobs, reuse) for reuse in (False, True) for jobs in sorted({1, cpus})]
        seen: dict[tuple[int, bool], list] = {c: [] for c in configs}
        for run in range(args.runs):  # round robin, so a change of the machine's load hits every configuration
            for jobs, reuse in configs:
                extra = ["--jobs", str(jobs)] + (["--reuse-kernels"] if reuse else [])
                seen[(jobs, reuse)].append(run_once(root, extra))
                print(f"run {run + 1}: reuse={reuse} jobs={jobs}: {seen[(jobs, reuse)][-1][0]:.1f} s",
                      file=sys.stderr)
        rows = [summarize(args.count, jobs, reuse, seen[(jobs, reuse)]) for jobs, reuse in configs]
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    text = table(rows, args.count, args.runs, (load_before, load_after))
    print(text)
    if args.write:
        write_readme(text)


if __name__ == "__main__":
    main()
