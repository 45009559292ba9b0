"""What a team pays to adopt adrkit: the size of the wheel and of a fresh environment
with it, the time to install it, and the time from a fresh install to a first site.

    python bench/bench_install.py [--runs 3]

Builds the sdist and wheel once (`python -m build`), then per run: a new virtualenv in a
temporary folder, `pip install` of the wheel (dependencies from pip's cache when it is
warm, as on a developer's machine or a CI runner with a cache), then `adrkit init`,
`adrkit new` and `adrkit build` in an empty folder, each the first run of the freshly
installed code. Prints medians; sizes are the same every run.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _run(cmd, cwd, env=None) -> float:
    start = time.perf_counter()
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{cmd} failed: {proc.stderr[-600:]}")
    return took


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    base = getattr(sys, "_base_executable", None) or sys.executable
    with tempfile.TemporaryDirectory(prefix="adrkit-bench-install-") as tmp:
        tmp = Path(tmp)
        _run([sys.executable, "-m", "build", "--outdir", tmp / "dist", ROOT], cwd=tmp)
        wheel = next((tmp / "dist").glob("*.whl"))
        sdist = next((tmp / "dist").glob("*.tar.gz"))
        installs, firsts, envs, own = [], [], [], []
        for i in range(args.runs):
            run = tmp / f"run{i}"
            run.mkdir()
            venv = run / "venv"
            _run([base, "-m", "venv", venv], cwd=run)
            empty = _size(venv)
            installs.append(_run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel], cwd=run))
            envs.append((_size(venv), _size(venv) - empty))
            own.append(_size(next((venv / "lib").glob("python*/site-packages/adrkit"))))
            env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
            env.pop("PYTHONPATH", None)
            log = run / "project"
            log.mkdir()
            adrkit = venv / "bin" / "adrkit"
            start = time.perf_counter()
            _run([adrkit, "init"], cwd=log, env=env)
            _run([adrkit, "new", "Use PostgreSQL for orders"], cwd=log, env=env)
            _run([adrkit, "build"], cwd=log, env=env)
            firsts.append(time.perf_counter() - start)
            assert (log / "site" / "index.html").is_file()
        total, added = envs[-1]
        print(f"wheel                      {_mb(wheel.stat().st_size)} ({wheel.name})")
        print(f"sdist                      {_mb(sdist.stat().st_size)}")
        print(f"adrkit installed           {_mb(own[-1])} (site-packages/adrkit)")
        print(f"fresh environment          {_mb(total)} ({_mb(added)} added by the install, "
              f"dependencies included)")
        print(f"pip install (median of {args.runs})  {statistics.median(installs):.1f} s "
              f"(runs: {', '.join(f'{t:.1f}' for t in installs)})")
        print(f"init + new + build, first  {statistics.median(firsts):.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in firsts)})")
        print(f"install to first site      {statistics.median([a + b for a, b in zip(installs, firsts)]):.1f} s")


if __name__ == "__main__":
    main()
