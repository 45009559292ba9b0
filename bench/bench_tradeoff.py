"""Ranking plus full sensitivity for a 50-option x 30-criterion trade-off table.

Run: python bench/bench_tradeoff.py [--runs N]
Prints the median (and min / max) wall time of N runs; the target is well under 0.1 s.
"""
from __future__ import annotations

import argparse
import random
import statistics
import time

from adrkit.core.tradeoff import Criterion, Option, Tradeoff

TARGET_S = 0.1


def make_table(n_options: int = 50, n_criteria: int = 30, seed: int = 7) -> Tradeoff:
    rng = random.Random(seed)
    criteria = [Criterion(f"criterion {j}", float(rng.randint(1, 10))) for j in range(n_criteria)]
    options = [Option(f"option {i}", scores={c.name: float(rng.randint(1, 5)) for c in criteria})
               for i in range(n_options)]
    return Tradeoff(question="benchmark", criteria=criteria, options=options)


def run_once(t: Tradeoff) -> float:
    start = time.perf_counter()
    t.ranking()
    t.sensitivity()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    t = make_table()
    run_once(t)  # warm up
    times = [run_once(t) for _ in range(args.runs)]
    median = statistics.median(times)
    sens = t.sensitivity()
    print(f"ranking + sensitivity, {len(t.options)} options x {len(t.criteria)} criteria, "
          f"{args.runs} runs: median {median * 1000:.2f} ms "
          f"(min {min(times) * 1000:.2f} ms, max {max(times) * 1000:.2f} ms); "
          f"target < {TARGET_S * 1000:.0f} ms")
    print(f"winner: {sens.winner}; verdict: {sens.verdict}")
    return 0 if median < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
