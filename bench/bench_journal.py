"""What the write-ahead journal and the log's lock cost: `adrkit new`, `adrkit renumber`
and an import of 200 records, each as a whole process on a fresh copy of the same log,
for this source tree and (with --before) for another one, runs interleaved.

    python bench/bench_journal.py [--before SRC] [--records 200] [--runs 11] [--import-runs 5]
                                  [--micro-runs 200]

SRC is a checkout of adrkit to compare with (e.g. a worktree of the commit before the
journal). First times `write_all` alone in this process for three shapes of change
(the storage cost without start-up, reading and rendering), then the commands. Prints
the median wall time of each per tree and the ratio. The
machine may be shared and noisy: the runs of both trees alternate, so they meet the
same load, and the ratio is the figure to trust.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate_log import generate  # noqa: E402

HERE = Path(__file__).resolve().parents[1]


def timed(src: Path, argv: list[str], cwd: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(src), SOURCE_DATE_EPOCH="1767225600")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "adrkit", *argv], cwd=cwd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"adrkit {' '.join(argv)} ({src}) failed: {proc.stderr.decode()[-400:]}")
    return took


def _load_atomic(src: Path):
    """The atomic-write module of a source tree, loaded on its own."""
    spec = importlib.util.spec_from_file_location(f"atomic_{abs(hash(str(src)))}", src / "adrkit/storage/atomic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def micro(trees: dict[str, Path], runs: int) -> None:
    """write_all alone, in this process: the storage cost of a change without the
    process start-up, reading and rendering around it."""
    writers = {tree: _load_atomic(src).write_all for tree, src in trees.items()}
    blob = b'{"cells": []}' + b" " * 3500  # the size of a small decision notebook
    shapes = {
        "1 file replaced (status)": (1, 0, 0),
        "2 files replaced (link, supersede)": (2, 0, 0),
        "3 replaced, 1 created, 1 removed (renumber)": (3, 1, 1),
        "200 files created (import)": (0, 200, 0),
    }
    results: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for tree, write_all in writers.items():  # warm up: lazy imports, caches
            write_all({Path(tmp) / f"{tree}-a": blob, Path(tmp) / f"{tree}-b": blob})
        for shape, (replaced, created, removed) in shapes.items():
            n = runs if created < 100 else max(runs // 10, 5)
            for i in range(n):
                for tree, write_all in writers.items():
                    folder = Path(tmp) / f"{tree}-{i}"
                    folder.mkdir()
                    for k in range(replaced + removed):
                        (folder / f"{k:04d}-old.ipynb").write_bytes(blob)
                    changes = {folder / f"{k:04d}-old.ipynb": blob + b"x" for k in range(replaced)}
                    changes.update({folder / f"{k:04d}-old.ipynb": None for k in range(replaced, replaced + removed)})
                    changes.update({folder / f"{9000 + k:04d}-new.ipynb": blob for k in range(created)})
                    start = time.perf_counter()
                    write_all(changes)
                    results.setdefault((shape, tree), []).append(time.perf_counter() - start)
                    shutil.rmtree(folder)
    width = max(len(s) for s in shapes)
    print(f"\nwrite_all alone ({runs} runs; 20 for 200 files)")
    print(f"{'change':<{width}}  " + "  ".join(f"{t:>15}" for t in trees) + ("  ratio" if len(trees) > 1 else ""))
    for shape in shapes:
        medians = [statistics.median(results[(shape, tree)]) * 1000 for tree in trees]
        ratio = f"  {medians[-1] / medians[0]:5.2f}x" if len(medians) > 1 else ""
        print(f"{shape:<{width}}  " + "  ".join(f"{m:13.2f}ms" for m in medians) + ratio)


def most_linked(log_dir: Path) -> str:
    """The number of the record most other records point at (renumber rewrites them all)."""
    counts: dict[str, int] = {}
    for path in log_dir.glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        for other in log_dir.glob("*.ipynb"):
            if other != path and other.stem in text:
                counts[other.stem] = counts.get(other.stem, 0) + 1
    stem = max(sorted(counts), key=counts.get)
    return str(int(stem.split("-", 1)[0])), counts[stem]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", type=Path, help="another adrkit source tree to compare with")
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--import-runs", type=int, default=5)
    ap.add_argument("--micro-runs", type=int, default=200)
    args = ap.parse_args()
    trees = {"journal + lock": HERE}
    if args.before:
        trees = {"before": args.before.resolve(), **trees}
    micro(trees, args.micro_runs)
    print()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        base = tmp_path / "base"
        base.mkdir()
        generate(base, args.records, tmp_path / "markdown")
        ref, links = most_linked(base / "decisions")
        cases = [
            (f"adrkit new (log of {args.records})", ["new", "Adopt OpenTelemetry for tracing"], args.runs, True),
            (f"adrkit renumber {ref} 9000 ({links} records link to it)", ["renumber", ref, "9000"], args.runs, True),
            (f"adrkit import of {args.records} records into an empty log",
             ["import", str(tmp_path / "markdown")], args.import_runs, False),
        ]
        results: dict[tuple[str, str], list[float]] = {}
        for name, argv, runs, from_base in cases:
            for i in range(runs + 1):  # the first run of each tree warms up (byte code, disk cache)
                for tree, src in trees.items():
                    work = tmp_path / "work"
                    if work.exists():
                        shutil.rmtree(work)
                    if from_base:
                        shutil.copytree(base, work, symlinks=True)
                    else:
                        work.mkdir()
                        subprocess.run([sys.executable, "-m", "adrkit", "init"], cwd=work, check=True,
                                       env=dict(os.environ, PYTHONPATH=str(src)), capture_output=True)
                    took = timed(src, argv, work)
                    if i:
                        results.setdefault((name, tree), []).append(took)
        width = max(len(name) for name, *_ in cases)
        head = "  ".join(f"{tree:>15}" for tree in trees)
        print(f"{'command':<{width}}  {head}  {'ratio' if len(trees) > 1 else ''}")
        for name, _, runs, _ in cases:
            medians = [statistics.median(results[(name, tree)]) for tree in trees]
            cells = "  ".join(f"{m:14.3f}s" for m in medians)
            ratio = f"  {medians[-1] / medians[0]:5.2f}x" if len(medians) > 1 else ""
            print(f"{name:<{width}}  {cells}{ratio}   (median of {runs})")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
