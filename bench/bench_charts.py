"""Trade-off charts: adrkit's SVG templates against matplotlib, on the same tables.

Run: python bench/bench_charts.py [--runs N]

For the example log's trade-off of 0006 and for a 12-option x 10-criterion table, the
median (of N runs, in one warm process) time to draw the weighted-totals chart, and the
size of the SVG; then the cold cost of importing each drawing library in a fresh
interpreter (median of N runs). matplotlib draws the same stacked horizontal bars with
its SVG backend and text kept as text (svg.fonttype 'none'), the most favourable
setting for it. Decision 0013 records why the charts are templates.
"""
from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adrkit.core.tradeoff import Criterion, Option, Tradeoff, load_tradeoffs  # noqa: E402
from adrkit.render.charts import chart_svg, totals_model  # noqa: E402
from adrkit.storage.datafile import read_data  # noqa: E402


def example() -> Tradeoff:
    path = ROOT / "notebooks" / "orders-service" / "decisions" / "0006-publish-order-events-through-kafka.yaml"
    return load_tradeoffs(read_data(path))["main"]


def large(n_options: int = 12, n_criteria: int = 10) -> Tradeoff:
    import random

    rng = random.Random(12)
    criteria = [Criterion(f"criterion {j}", float(rng.randint(1, 10))) for j in range(n_criteria)]
    options = [Option(f"option {i}", scores={c.name: float(rng.randint(1, 5)) for c in criteria})
               for i in range(n_options)]
    return Tradeoff(criteria=criteria, options=options)


def adrkit_totals(t: Tradeoff) -> str:
    return chart_svg(totals_model(t), width="640", standalone=True)


def matplotlib_totals(t: Tradeoff) -> str:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    ranking = t.ranking()
    total_w = sum(c.weight for c in t.criteria)
    fig, ax = plt.subplots(figsize=(6.4, 0.5 * len(t.options) + 1.5))
    names = ranking.names[::-1]
    left = [0.0] * len(names)
    for c in t.criteria:
        values = [c.weight / total_w * t.option(n).scores[c.name] for n in names]
        ax.barh(names, values, left=left, label=c.name)
        left = [a + b for a, b in zip(left, values)]
    for y, (n, total) in enumerate(zip(names, left)):
        ax.text(total, y, f" {total:.2f}", va="center")
    ax.legend(loc="lower right", fontsize="small")
    ax.set_title("Weighted totals")
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    return buf.getvalue()


def timed(fn, t: Tradeoff, runs: int) -> tuple[float, int]:
    size = len(fn(t).encode("utf-8"))  # warm up (imports, template compilation)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(t)
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def cold_import(module: str, runs: int) -> float:
    code = f"import time; s = time.perf_counter(); import {module}; print(time.perf_counter() - s)"
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={"MPLBACKEND": "svg", "PATH": "/usr/bin:/bin"}, cwd=ROOT)
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    print("| table | drawn by | median time | SVG size |")
    print("| --- | --- | ---: | ---: |")
    for label, t in (("example 0006 (3 x 5)", example()), ("12 options x 10 criteria", large())):
        for name, fn in (("adrkit template", adrkit_totals), ("matplotlib", matplotlib_totals)):
            median, size = timed(fn, t, args.runs)
            print(f"| {label} | {name} | {median * 1000:.2f} ms | {size / 1024:.1f} KB |")
    print()
    print("| cold import in a fresh interpreter | median |")
    print("| --- | ---: |")
    for module in ("adrkit.render.charts", "matplotlib.pyplot"):
        print(f"| `import {module}` | {cold_import(module, args.runs) * 1000:.0f} ms |")
    print(f"\n{args.runs} runs each.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
