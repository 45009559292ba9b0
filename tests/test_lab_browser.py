"""Drafting a decision in a real JupyterLab, driven through a real headless Chromium.

In a temporary copy of the example decision log: `adrkit new --template backend` makes a
decision, JupyterLab serves the log on 127.0.0.1 with a token, and Playwright drives
Debian's chromium (never a downloaded browser). Through the page only (clicks and typing),
the test adds an option and changes a weight in the trade-off widget and adds a stage in
the lifecycle widget; then it checks the YAML data file on disk, the ranking shown in the
page, and that a kernel restart and a fresh run show the same state. Every request that
would leave 127.0.0.1 is refused. A screenshot goes to test-artifacts/.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, _env
from labserver import CHROMIUM, CHROMIUM_ARGS, running_lab

pytestmark = [pytest.mark.lab, pytest.mark.browser, pytest.mark.slow]

EXAMPLE_LOG = ROOT / "notebooks" / "orders-service"
ARTIFACTS = ROOT / "test-artifacts"
STEP = 30_000      # ms: the longest any one page step may take (kernel start included)
TITLE = "Cache order lookups in Redis"

# The trade-off a colleague drafted before the notebook was opened: two options, two
# criteria. Redis leads (3.80 against 3.40) while read latency weighs 3.
SEED = {
    "question": "Where should order lookups be cached?",
    "criteria": [{"name": "Read latency", "weight": 3}, {"name": "Operational effort", "weight": 2}],
    "options": [
        {"name": "Redis", "scores": {"Read latency": 5, "Operational effort": 2}},
        {"name": "In-process cache", "scores": {"Read latency": 3, "Operational effort": 4}},
    ],
}


def _loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost")


def _benign(text: str) -> bool:
    """Console errors JupyterLab itself logs in a sandbox with nothing to fetch."""
    return any(s in text for s in (
        "Failed to load resource",          # e.g. a favicon or an optional settings file
        "ERR_FAILED",                       # a request this test refused (reported separately)
    ))


@pytest.fixture
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (install Debian's chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                    timeout=STEP)
        try:
            yield browser
        finally:
            browser.close()


def _new_decision(root: Path) -> Path:
    proc = subprocess.run([sys.executable, "-m", "adrkit", "new", TITLE, "--template", "backend"],
                          cwd=root, env=_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    path = Path(proc.stdout.strip())
    return path if path.is_absolute() else root / path


def _wait_idle(page) -> None:
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp.shell.currentWidget;
            const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
            return !!k && k.status === 'idle' && !w.content.widgets.some(
                c => c.model.type === 'code' && c.promptNode && c.promptNode.textContent.includes('*'));
        }""", timeout=STEP * 2, polling=250)


def _command(page, command: str) -> None:
    """Start a JupyterLab command without awaiting it (a command that opens a dialog
    resolves only once the dialog is answered; evaluate has no timeout of its own)."""
    page.evaluate("command => { window.jupyterapp.commands.execute(command); }", command)


def _run_all(page) -> None:
    _command(page, "notebook:run-all-cells")
    _wait_idle(page)


def _type(locator, text: str) -> None:
    """Type like a user: click, select what is there, type, and leave the field (Tab)."""
    locator.click()
    locator.press("Control+a")
    locator.press_sequentially(text, delay=20)
    locator.press("Tab")


def test_draft_a_decision_with_both_widgets_in_jupyterlab(tmp_path, chromium):
    started = time.monotonic()
    root = tmp_path / "orders-service"
    shutil.copytree(EXAMPLE_LOG, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "site"))
    notebook = _new_decision(root)
    data_path = notebook.with_suffix(".yaml")
    from adrkit.core.tradeoff import Tradeoff
    from adrkit.storage.datafile import save_tradeoff

    save_tradeoff(Tradeoff.from_dict(SEED), data_path)
    work = tmp_path / "lab-state"
    work.mkdir()
    ARTIFACTS.mkdir(exist_ok=True)

    with running_lab(root, work, start_timeout=90) as lab:
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        refused: list[str] = []

        def guard(route):
            if _loopback(route.request.url):
                route.continue_()
            else:
                refused.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(STEP)
        console_errors: list[str] = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(f"uncaught: {e}"))
        try:
            rel = notebook.relative_to(root).as_posix()
            page.goto(lab.url(f"lab/tree/{rel}"), wait_until="domcontentloaded")
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext",
                                   timeout=STEP * 2)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=STEP)
            _wait_idle(page)  # the kernel has started
            _run_all(page)

            tradeoff = page.locator(".adrkit-tradeoff-editor")
            lifecycle = page.locator(".adrkit-lifecycle-editor")
            tradeoff.wait_for()
            lifecycle.wait_for()
            ranking = tradeoff.locator(".adrkit-ranking")
            assert "1. Redis (3.80)" in ranking.inner_text()

            # trade-off: add an option, then weigh read latency less
            _type(tradeoff.locator(".adrkit-new-option input"), "No cache")
            tradeoff.locator("button.adrkit-add-option").click()
            page.wait_for_function("() => document.querySelector('.adrkit-tradeoff-editor .adrkit-ranking')"
                                   ".innerText.includes('No cache')")
            _type(tradeoff.locator(".adrkit-weight input").first, "0.5")
            page.wait_for_function("() => document.querySelector('.adrkit-tradeoff-editor .adrkit-ranking')"
                                   ".innerText.includes('1. In-process cache')")
            shown = ranking.inner_text()
            assert "1. In-process cache (3.80)" in shown and "2. No cache (3.00)" in shown, shown
            # the static table below the widget follows too
            assert "In-process cache" in page.locator(".jp-OutputArea-output .adrkit-tradeoff").first.inner_text()

            # lifecycle: select a stage, then add one after it
            lifecycle.locator(".adrkit-stage-list select").select_option("Business Logic")
            _type(lifecycle.locator(".adrkit-new-stage input"), "Read Cache")
            lifecycle.locator("button.adrkit-add-stage").click()
            page.wait_for_function(
                "() => [...document.querySelectorAll('.adrkit-lifecycle-editor .adrkit-stage-list option')]"
                ".some(o => o.textContent.replace(/\\u00a0/g, ' ') === 'Read Cache')")

            # the data file on disk holds every edit
            from adrkit.storage.datafile import read_data
            from adrkit.core.requestflow import Lifecycle

            deadline = time.monotonic() + 10
            while True:
                data = read_data(data_path)
                stages = Lifecycle.from_dict(data["lifecycles"]["main"]).stage_names() \
                    if "main" in (data.get("lifecycles") or {}) else []
                if "Read Cache" in stages or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            saved = Tradeoff.from_dict(data["tradeoffs"]["main"])
            assert saved.option_names == ["Redis", "In-process cache", "No cache"]
            assert saved.criterion("Read latency").weight == 0.5
            assert saved.ranking().winner == "In-process cache"
            assert stages == ["Request", "Validation", "Auth", "Business Logic", "Read Cache", "Response"]

            tradeoff.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "lab-widgets-edited.png"))

            # restart the kernel and run everything again: the widgets read the same state
            page.evaluate("""() => {
                window.adrkitRestarted = false;
                const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
                kernel.statusChanged.connect((_, status) => {
                    if (status === 'restarting' || status === 'autorestarting') window.adrkitRestarted = true;
                });
            }""")
            _command(page, "notebook:restart-kernel")
            page.locator(".jp-Dialog .jp-mod-accept").click()  # "Restart Kernel?" -> Restart
            page.wait_for_function("() => window.adrkitRestarted === true")
            _wait_idle(page)
            _run_all(page)
            tradeoff.wait_for()
            lifecycle.wait_for()
            page.wait_for_function("() => document.querySelector('.adrkit-tradeoff-editor .adrkit-ranking')"
                                   " && document.querySelector('.adrkit-tradeoff-editor .adrkit-ranking')"
                                   ".innerText.includes('1. In-process cache')")
            assert ranking.inner_text() == shown
            assert tradeoff.locator(".adrkit-weight input").first.input_value() == "0.5"
            options = lifecycle.locator(".adrkit-stage-list option").all_text_contents()
            assert [o.replace("\u00a0", " ") for o in options] == stages  # the list shows spaces as nbsp
            tradeoff.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "lab-widgets-after-restart.png"))
            tradeoff.screenshot(path=str(ARTIFACTS / "lab-tradeoff-widget.png"))
            lifecycle.screenshot(path=str(ARTIFACTS / "lab-lifecycle-widget.png"))
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "lab-widgets-failure.png"))
            raise
        finally:
            context.close()

    (ARTIFACTS / "lab-console.txt").write_text(
        "console errors:\n" + "\n".join(console_errors) + "\nrefused requests:\n" + "\n".join(refused) + "\n")
    assert refused == [], f"requests that would have left 127.0.0.1: {refused}"
    serious = [e for e in console_errors if not _benign(e)]
    assert serious == [], "console errors:\n" + "\n".join(serious)
    assert time.monotonic() - started < 180
