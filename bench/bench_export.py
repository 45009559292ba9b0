"""How `adrkit export` and `adrkit import` grow with the number of records.

    .venv/bin/python bench/bench_export.py [--counts 1000 2500 5000 10000] [--runs 3] [--other SRC]

For each count, a log is generated once (bench/generate_log.py: trade-offs on every
fifth record, a lifecycle on every seventh, supersessions and links, and the same
records as adr-tools markdown). Then, each a whole process in a fresh folder:
`adrkit export --out DIR` (MADR) and `adrkit import MARKDOWN` into a new project.
Reports the median wall time and the median CPU time (user + system of the process
and its children, so Graphviz counts) of the runs, and the CPU time per record: a
linear command keeps that last figure flat as the count grows. Wall time includes
the fsync of every file written, which depends on the disk more than on adrkit.

`--other SRC` also runs `adrkit export` from another source tree (a folder holding an
`adrkit` package, such as an earlier version unpacked with `git archive REV adrkit`) on
the same logs, for a ratio on the same machine at the same time.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate_log import generate  # noqa: E402

ADRKIT = [sys.executable, "-m", "adrkit"]


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process tree) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env={**os.environ, **(env or {})})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-600:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def bench(count: int, runs: int, work: Path, other: Path | None = None) -> dict:
    root = work / f"log-{count}"
    md = root / "markdown"
    generate(root, count, md)
    export, previous = [], []
    for n in range(runs):
        out = work / f"out-{count}-{n}"
        export.append(timed(ADRKIT + ["export", "--out", str(out)], root))
        shutil.rmtree(out, ignore_errors=True)
        if other is not None:
            previous.append(timed(ADRKIT + ["export", "--out", str(out)], root, env={"PYTHONPATH": str(other)}))
            shutil.rmtree(out, ignore_errors=True)
    imports = []
    for n in range(runs):
        project = work / f"import-{count}-{n}"
        project.mkdir()
        subprocess.run(ADRKIT + ["init"], cwd=project, check=True, capture_output=True)
        imports.append(timed(ADRKIT + ["import", str(md)], project))
        shutil.rmtree(project, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    return {"count": count, "export": median(export), "import": median(imports),
            "other": median(previous) if previous else None}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counts", type=int, nargs="+", default=[1000, 2500, 5000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--other", type=Path, help="another adrkit source tree to run export from, for a ratio")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="adrkit-bench-export-") as tmp:
        for count in args.counts:
            print(f"{count} records ...", file=sys.stderr)
            rows.append(bench(count, args.runs, Path(tmp), args.other))
    lines = [f"## Export and import at scale ({os.cpu_count()} cores, Python {sys.version.split()[0]}; "
             f"`python bench/bench_export.py --counts {' '.join(map(str, args.counts))} --runs {args.runs}`)", "",
             "Medians of the runs; CPU is user + system time of the whole process tree.", "",
             "| records | export wall | export CPU | export CPU per record | import wall | import CPU | "
             "import CPU per record |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        (ew, ec), (iw, ic) = r["export"], r["import"]
        n = r["count"]
        lines.append(f"| {n} | {ew:.1f} s | {ec:.1f} s | {1000 * ec / n:.2f} ms | {iw:.1f} s | {ic:.1f} s | "
                     f"{1000 * ic / n:.2f} ms |")
    if args.other is not None:
        lines += ["", f"`adrkit export` from {args.other} on the same logs, in the same runs:", "",
                  "| records | its export wall | its export CPU | CPU per record | this export's CPU / its CPU |",
                  "| ---: | ---: | ---: | ---: | ---: |"]
        for r in rows:
            (ow, oc), (_, ec) = r["other"], r["export"]
            lines.append(f"| {r['count']} | {ow:.1f} s | {oc:.1f} s | {1000 * oc / r['count']:.2f} ms | "
                         f"{ec / oc:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
