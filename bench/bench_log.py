"""Time `adrkit list` and `adrkit lint` on a generated log of 500 decisions, next to
adr-tools' `adr list` on the same records as markdown (when adr-tools is installed).

    python bench/bench_log.py [--count 500] [--runs 7]

Prints the median wall time of each command (whole process, start-up included) and
the ratios. The machine may be shared and noisy: compare ratios from one run.
"""
from __future__ import annotations

import argparse
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


def median_time(cmd: list[str], cwd: Path, runs: int, ok=(0,)) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode()[-400:]}")
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        md = root / "markdown"
        generate(root, args.count, md)
        py = [sys.executable, "-m", "adrkit"]
        rows = [
            ("python -c pass (interpreter start-up)", median_time([sys.executable, "-c", "pass"], root, args.runs)),
            ("adrkit --help", median_time(py + ["--help"], root, args.runs)),
            (f"adrkit list ({args.count} decisions)", median_time(py + ["list"], root, args.runs)),
            (f"adrkit list --json", median_time(py + ["list", "--json"], root, args.runs)),
            (f"adrkit lint ({args.count} decisions)", median_time(py + ["lint"], root, args.runs, ok=(0, 1))),
        ]
        adr = shutil.which("adr")
        if adr:
            (md.parent / ".adr-dir").write_text("markdown")
            rows.append((f"adr-tools: adr list ({args.count} records)", median_time([adr, "list"], root, args.runs)))
        width = max(len(name) for name, _ in rows)
        print(f"{'command':<{width}}  median (s)  runs={args.runs}")
        for name, secs in rows:
            print(f"{name:<{width}}  {secs:10.3f}")
        if adr:
            listed = rows[2][1]
            print(f"\nratio adrkit list / adr list: {listed / rows[-1][1]:.2f}")


if __name__ == "__main__":
    main()
