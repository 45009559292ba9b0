"""How long one edit takes in the trade-off editor: the kernel side alone, and in a real
JupyterLab from the click to the ranking showing the change.

Run: python bench/bench_widget.py [--runs N] [--lab]
`--lab` starts JupyterLab on 127.0.0.1 (as tests/labserver.py does) and drives it with
Debian's Chromium through Playwright; each run adds one option with a click and waits
until the ranking names it. Prints medians (min / max) of N runs.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

SEED = {
    "question": "Where should sessions be kept?",
    "criteria": [{"name": f"Criterion {j}", "weight": j + 1} for j in range(5)],
    "options": [{"name": f"Option {i}", "scores": {f"Criterion {j}": (i + j) % 5 + 1 for j in range(5)}}
                for i in range(5)],
}


def _median(times: list[float]) -> str:
    return (f"median {statistics.median(times) * 1000:.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}; {len(times)} runs)")


def _typed(ed, value: int):
    """What the field holds when typed into: text in a text field, a number in a number field."""
    import ipywidgets as W

    return str(value) if isinstance(ed.criterion_rows["Criterion 0"]["weight"], W.Text) else value


def kernel_side(runs: int) -> dict[str, list[float]]:
    """Edits on an editor with no front end: the Python work of one edit."""
    from adrkit.core.tradeoff import Tradeoff
    from adrkit.storage.datafile import save_tradeoff
    from adrkit.widgets.tradeoff import TradeoffEditor

    folder = Path(tempfile.mkdtemp(prefix="adrkit-bench-"))
    try:
        path = folder / "0001-bench.yaml"
        save_tradeoff(Tradeoff.from_dict(SEED), path)
        ed = TradeoffEditor(path)
        out: dict[str, list[float]] = {"add option": [], "change a weight": [], "change a score": []}
        for i in range(runs):
            ed.new_option_name.value = f"New {i}"
            start = time.perf_counter()
            ed.add_option_button.click()
            out["add option"].append(time.perf_counter() - start)
            start = time.perf_counter()
            ed.criterion_rows["Criterion 0"]["weight"].value = _typed(ed, 1 + (i % 7))
            out["change a weight"].append(time.perf_counter() - start)
            start = time.perf_counter()
            ed.score_boxes[("Option 0", "Criterion 1")].value = _typed(ed, 1 + (i % 5))
            out["change a score"].append(time.perf_counter() - start)
        assert ed.error is None, ed.error
        return out
    finally:
        shutil.rmtree(folder)


def in_lab(runs: int) -> list[float]:
    """Add `runs` options through the page; each time from the click to the ranking."""
    from playwright.sync_api import sync_playwright

    from labserver import CHROMIUM, CHROMIUM_ARGS, running_lab

    work = Path(tempfile.mkdtemp(prefix="adrkit-bench-lab-"))
    try:
        root = work / "project"
        root.mkdir()
        env = {"SOURCE_DATE_EPOCH": "1767225600"}
        import os
        run_env = dict(os.environ, **env)
        subprocess.run([sys.executable, "-m", "adrkit", "init"], cwd=root, env=run_env, check=True,
                       capture_output=True)
        made = subprocess.run([sys.executable, "-m", "adrkit", "new", "Keep sessions somewhere"],
                              cwd=root, env=run_env, check=True, capture_output=True, text=True)
        notebook = root / made.stdout.strip()
        from adrkit.core.tradeoff import Tradeoff
        from adrkit.storage.datafile import save_tradeoff

        save_tradeoff(Tradeoff.from_dict(SEED), notebook.with_suffix(".yaml"))
        state = work / "lab-state"
        state.mkdir()
        times: list[float] = []
        with running_lab(root, state) as lab, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(lab.url(f"lab/tree/{notebook.relative_to(root).as_posix()}"))
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                                   ".status === 'idle'", timeout=120_000)
            page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
            editor = page.locator(".adrkit-tradeoff-editor")
            editor.wait_for()
            page.wait_for_timeout(1500)
            for i in range(runs):
                name = f"Bench option {i}"
                box = editor.locator(".adrkit-new-option input")
                box.fill(name)
                box.press("Tab")
                page.wait_for_timeout(300)
                start = time.perf_counter()
                editor.locator("button.adrkit-add-option").click()
                try:
                    page.wait_for_function(
                        "name => { const r = document.querySelector('.adrkit-tradeoff-editor .adrkit-ranking');"
                        " return r && r.innerText.includes(name); }", arg=name, timeout=60_000)
                except Exception:
                    page.screenshot(path=str(ROOT / "test-artifacts" / "bench-widget-failure.png"))
                    raise
                times.append(time.perf_counter() - start)
                page.wait_for_timeout(300)
            browser.close()
        return times
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--lab", action="store_true", help="also measure in a real JupyterLab")
    args = parser.parse_args()
    for what, times in kernel_side(args.runs).items():
        print(f"kernel side, {what}: {_median(times)}")
    if args.lab:
        print(f"JupyterLab, add an option (click to ranking): {_median(in_lab(args.runs))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
