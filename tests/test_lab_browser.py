"""Drafting a decision in a real JupyterLab, driven through a real headless Chromium.

In a temporary copy of the example decision log: `adrkit new --template backend` makes a
decision, JupyterLab serves the log on 127.0.0.1 with a token and the command line
`adrkit lab` uses (its pre-save hook included), and Playwright drives Debian's chromium
(never a downloaded browser). Through the page only (clicks, typing, Enter):

- drafting: an option added with Enter, a weight changed, the choice and its reason typed
  once in the trade-off editor, a stage added in the lifecycle editor; the YAML on disk
  holds every edit; a kernel restart and a fresh run show the same state; the site built
  from it says the outcome once, from the table, with no template text or hints;
- two tabs on one notebook: edits of different fields merge, the same field is a conflict
  shown in the other tab, and nothing is lost;
- a shell edit during an open editor shows by itself, in words, with Reload;
- per-section conflicts: "Use mine" replaces only the conflicting field, an outside change
  to the lifecycle stays;
- reopening the saved notebook with a fresh kernel: no "model not found", the static table
  and a "run this cell to edit" note, and the editor back after running the cell;
- screenshots at 1024 and 1400 px, light and dark, with the file browser open, and a check
  that nothing in the editors is cut off.

Every request that would leave 127.0.0.1 is refused. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import json
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
        {"name": "Redis", "scores": {"Read latency": 5, "Operational effort": 2},
         "arguments": [{"good": "sub-millisecond reads"}, {"bad": "one more service to run"}]},
        {"name": "In-process cache", "scores": {"Read latency": 3, "Operational effort": 4}},
    ],
}
RANKING = ".adrkit-tradeoff-editor .adrkit-ranking"


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


class Session:
    """A project copy, its JupyterLab, and a browser context that stays on 127.0.0.1."""

    def __init__(self, tmp_path: Path, browser, lab, root: Path, notebook: Path):
        self.tmp_path, self.browser, self.lab, self.root, self.notebook = tmp_path, browser, lab, root, notebook
        self.data_path = notebook.with_suffix(".yaml")
        self.refused: list[str] = []
        self.console: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})

        def guard(route):
            if _loopback(route.request.url):
                route.continue_()
            else:
                self.refused.append(route.request.url)
                route.abort()

        self.context.route("**/*", guard)

    def open(self, width: int = 1400):
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": 1000})
        page.set_default_timeout(STEP)
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console.append(f"uncaught: {e}"))
        rel = self.notebook.relative_to(self.root).as_posix()
        page.goto(self.lab.url(f"lab/tree/{rel}"), wait_until="domcontentloaded")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=STEP * 2)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=STEP)
        _wait_idle(page)
        return page

    def check(self):
        (ARTIFACTS / f"lab-console-{self.tmp_path.name}.txt").write_text(
            "console errors:\n" + "\n".join(self.console) + "\nrefused requests:\n" + "\n".join(self.refused) + "\n")
        assert self.refused == [], f"requests that would have left 127.0.0.1: {self.refused}"
        serious = [e for e in self.console if not _benign(e)]
        assert serious == [], "console errors:\n" + "\n".join(serious)


@pytest.fixture
def session(tmp_path, chromium):
    root = tmp_path / "orders-service"
    shutil.copytree(EXAMPLE_LOG, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "site"))
    proc = subprocess.run([sys.executable, "-m", "adrkit", "new", TITLE, "--template", "backend"],
                          cwd=root, env=_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    notebook = Path(proc.stdout.strip())
    notebook = notebook if notebook.is_absolute() else root / notebook
    from adrkit.core.tradeoff import Tradeoff
    from adrkit.storage.datafile import save_tradeoff

    save_tradeoff(Tradeoff.from_dict(SEED), notebook.with_suffix(".yaml"))
    work = tmp_path / "lab-state"
    work.mkdir()
    ARTIFACTS.mkdir(exist_ok=True)
    with running_lab(root, work, start_timeout=90) as lab:
        s = Session(tmp_path, chromium, lab, root, notebook)
        try:
            yield s
        finally:
            s.context.close()
    s.check()


def _wait_idle(page) -> None:
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp.shell.currentWidget;
            const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
            return !!k && k.status === 'idle' && !w.content.widgets.some(
                c => c.model.type === 'code' && c.promptNode && c.promptNode.textContent.includes('*'));
        }""", timeout=STEP * 2, polling=250)


def _command(page, command: str, args: dict | None = None) -> None:
    """Start a JupyterLab command without awaiting it (a command that opens a dialog
    resolves only once the dialog is answered; evaluate has no timeout of its own)."""
    page.evaluate("([command, args]) => { window.jupyterapp.commands.execute(command, args); }",
                  [command, args or {}])


def _run_all(page) -> None:
    _command(page, "notebook:run-all-cells")
    _wait_idle(page)
    page.locator(".adrkit-tradeoff-editor").wait_for()


def _type(locator, text: str, key: str = "Tab") -> None:
    """Type like a user: click, select what is there, type, and leave the field (Tab) or
    press Enter."""
    locator.click()
    locator.press("Control+a")
    locator.press_sequentially(text, delay=20)
    locator.press(key)


def _wait_text(page, selector: str, text: str) -> None:
    page.wait_for_function("([sel, text]) => { const e = document.querySelector(sel);"
                           " return !!e && e.innerText.replace(/\\u00a0/g, ' ').includes(text); }",
                           arg=[selector, text])


def _wait_file(path: Path, check, timeout: float = 10):
    from adrkit.storage.datafile import read_data

    deadline = time.monotonic() + timeout
    while True:
        data = read_data(path)
        if check(data) or time.monotonic() > deadline:
            return data
        time.sleep(0.2)


def _no_truncation(page) -> list[str]:
    """Controls inside the editors whose content does not fit (cut off or scrolled)."""
    return page.evaluate("""() => {
        const bad = [];
        for (const ed of document.querySelectorAll('.adrkit-editor')) {
            if (ed.scrollWidth > ed.clientWidth + 2) bad.push('editor wider than its cell: ' + ed.className);
            for (const el of ed.querySelectorAll('button, .widget-label, .widget-html-content, .lm-TabBar-tabLabel,'
                                                 + ' .jupyter-widget-Collapse-header')) {
                if (el.offsetParent === null) continue;
                if (el.scrollWidth > el.clientWidth + 2)
                    bad.push((el.innerText || el.title || el.className).slice(0, 60));
            }
        }
        return bad;
    }""")


def test_draft_a_decision_with_both_widgets_in_jupyterlab(session):
    page = session.open()
    # a new notebook opens unchanged (its language_info is filled when it is written)
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty") is False
    _run_all(page)
    tradeoff = page.locator(".adrkit-tradeoff-editor")
    lifecycle = page.locator(".adrkit-lifecycle-editor")
    lifecycle.wait_for()
    ranking = tradeoff.locator(".adrkit-ranking")
    assert "1. Redis (3.80)" in ranking.inner_text()

    # trade-off: add an option with Enter, then weigh read latency less
    _type(tradeoff.locator(".adrkit-new-option input"), "No cache", key="Enter")
    _wait_text(page, RANKING, "No cache")
    page.wait_for_function("() => document.querySelector('.adrkit-tradeoff-editor .adrkit-new-option input')"
                           ".value === ''")  # the field is cleared for the next one
    _type(tradeoff.locator(".adrkit-weight input").first, "0.5")
    _wait_text(page, RANKING, "1. In-process cache")
    shown = ranking.inner_text()
    assert "1. In-process cache (3.80)" in shown and "2. No cache (3.00)" in shown, shown
    # a letter in a number field is refused with a message in words
    _type(tradeoff.locator(".adrkit-weight input").nth(1), "two")
    _wait_text(page, ".adrkit-tradeoff-editor .adrkit-alert", "Operational effort weight must be a number")
    # the choice and its reason, typed once, in the table's Decision panel
    tradeoff.locator(".widget-dropdown select").filter(has=page.locator("option", has_text="No cache")).nth(1) \
        .select_option("Redis")
    _type(tradeoff.locator("textarea"), "lookups must stay under a millisecond at peak.")
    # the static table below the widget follows
    page.wait_for_function("() => [...document.querySelectorAll('.jp-OutputArea-output .adrkit-tradeoff')]"
                           ".some(e => e.innerText.includes('Chosen option: \"Redis\"'))")

    # lifecycle: select a stage, then add one after it with Enter
    lifecycle.locator(".adrkit-stage-list select").select_option("Business Logic")
    _type(lifecycle.locator(".adrkit-new-stage input"), "Read Cache", key="Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.adrkit-lifecycle-editor .adrkit-stage-list option')]"
        ".some(o => o.textContent.replace(/\\u00a0/g, ' ') === 'Read Cache')")

    from adrkit.core.requestflow import Lifecycle
    from adrkit.core.tradeoff import Tradeoff

    data = _wait_file(session.data_path, lambda d: "main" in (d.get("lifecycles") or {}))
    saved = Tradeoff.from_dict(data["tradeoffs"]["main"])
    stages = Lifecycle.from_dict(data["lifecycles"]["main"]).stage_names()
    assert saved.option_names == ["Redis", "In-process cache", "No cache"]
    assert saved.criterion("Read latency").weight == 0.5 and saved.criterion("Operational effort").weight == 2
    assert saved.chosen == "Redis" and saved.because == "lookups must stay under a millisecond at peak."
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
    _wait_text(page, RANKING, "1. In-process cache")
    assert ranking.inner_text().split("\n")[0] == shown.split("\n")[0]
    assert tradeoff.locator(".adrkit-weight input").first.input_value() == "0.5"
    options = lifecycle.locator(".adrkit-stage-list option").all_text_contents()
    assert [o.replace("\u00a0", " ") for o in options] == stages

    # the published page says the outcome once, from the table; no template text, no hints
    _command(page, "docmanager:save")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
    out = session.tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "adrkit", "build", "--out", str(out)], cwd=session.root,
                          env=_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    html_page = (out / f"{session.notebook.stem}.html").read_text(encoding="utf-8")
    assert "option 1" not in html_page and "This hint is not published" not in html_page
    assert "Describe the context" not in html_page
    outcome = html_page.split('id="decision-outcome"', 1)[1].split("Consequences", 1)[0]
    assert "Chosen option:" in outcome and "Redis" in outcome and "under a millisecond" in outcome, outcome
    session.check()


def test_two_tabs_on_one_notebook_lose_nothing(session):
    a = session.open()
    _run_all(a)
    b = session.open()  # the same notebook in a second tab: the same kernel, a second editor
    _run_all(b)
    from adrkit.storage.datafile import read_data

    # tab A changes a weight; tab B, opened before, changes a score: both are kept
    _type(a.locator(".adrkit-weight input").nth(1), "4")
    _wait_file(session.data_path, lambda d: d["tradeoffs"]["main"]["criteria"][1]["weight"] == 4)
    _type(b.locator(".adrkit-score input").first, "4")
    data = _wait_file(session.data_path,
                      lambda d: d["tradeoffs"]["main"]["options"][0]["scores"]["Read latency"] == 4)
    main = data["tradeoffs"]["main"]
    assert main["criteria"][1]["weight"] == 4 and main["options"][0]["scores"]["Read latency"] == 4
    _wait_text(b, RANKING, "1. In-process cache (3.57)")  # B shows A's weight too
    # both change the question: tab B gets a conflict naming the field and both values
    _type(a.locator(".adrkit-tradeoff-editor input[placeholder='What is being decided?']"), "Cache in A?")
    _wait_file(session.data_path, lambda d: d["tradeoffs"]["main"]["question"] == "Cache in A?")
    _type(b.locator(".adrkit-tradeoff-editor input[placeholder='What is being decided?']"), "Cache in B?")
    _wait_text(b, ".adrkit-tradeoff-editor .adrkit-conflict", "theirs “Cache in A?”, yours “Cache in B?”")
    assert read_data(session.data_path)["tradeoffs"]["main"]["question"] == "Cache in A?"
    b.locator(".adrkit-tradeoff-editor .adrkit-conflict").screenshot(path=str(ARTIFACTS / "lab-conflict.png"))
    b.locator(".adrkit-tradeoff-editor button", has_text="Use mine for all").click()
    data = _wait_file(session.data_path, lambda d: d["tradeoffs"]["main"]["question"] == "Cache in B?")
    assert data["tradeoffs"]["main"]["question"] == "Cache in B?"
    assert data["tradeoffs"]["main"]["criteria"][1]["weight"] == 4


def test_a_shell_edit_shows_in_the_open_editor_and_conflicts_stay_per_section(session):
    page = session.open()
    _run_all(page)
    page.locator(".adrkit-lifecycle-editor .adrkit-add-stage").wait_for()
    # the lifecycle is saved once (as its Save button offers)
    page.locator(".adrkit-lifecycle-editor button.adrkit-save").click()
    _wait_file(session.data_path, lambda d: "main" in (d.get("lifecycles") or {}))

    # the shell removes an option: the open editor says so by itself, with Reload
    from adrkit.storage.datafile import read_data

    data = read_data(session.data_path)
    data["tradeoffs"]["main"]["options"] = data["tradeoffs"]["main"]["options"][:1]
    from adrkit.formats.datafile import dump_data

    session.data_path.write_text(dump_data(data, session.notebook.stem), encoding="utf-8")
    _wait_text(page, ".adrkit-tradeoff-editor .adrkit-alert", "option “In-process cache” removed")
    assert "changed on disk" in page.locator(".adrkit-tradeoff-editor .adrkit-where").inner_text()
    page.locator(".adrkit-tradeoff-editor button:visible", has_text="Reload").first.click()
    page.wait_for_function("() => !document.querySelector('.adrkit-tradeoff-editor .adrkit-ranking')"
                           ".innerText.includes('In-process cache')")

    # the shell renames a stage and changes the question; the user changes the question too
    data = read_data(session.data_path)
    data["tradeoffs"]["main"]["question"] = "Theirs?"
    data["lifecycles"]["main"]["stages"][3]["name"] = "Domain Logic"
    session.data_path.write_text(dump_data(data, session.notebook.stem), encoding="utf-8")
    _type(page.locator(".adrkit-tradeoff-editor input[placeholder='What is being decided?']"), "Mine?")
    conflict = page.locator(".adrkit-tradeoff-editor .adrkit-conflict")
    _wait_text(page, ".adrkit-tradeoff-editor .adrkit-conflict", "question: theirs “Theirs?”, yours “Mine?”")
    assert "Domain Logic" not in conflict.inner_text()  # only the conflicting field is offered
    # the static output keeps showing what the file holds while the conflict is open
    assert "Theirs?" in page.locator(".jp-OutputArea-output .adrkit-tradeoff").first.inner_text()
    page.locator(".adrkit-tradeoff-editor button:visible", has_text="Use mine for all").click()
    data = _wait_file(session.data_path, lambda d: d["tradeoffs"]["main"]["question"] == "Mine?")
    assert [s["name"] for s in data["lifecycles"]["main"]["stages"]][3] == "Domain Logic"


def test_reopen_with_a_fresh_kernel_and_screenshots(session):
    page = session.open()
    _run_all(page)
    _command(page, "docmanager:save")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
    saved = json.loads(session.notebook.read_text(encoding="utf-8"))
    views = [o for c in saved["cells"] for o in c.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views == []  # the pre-save hook left notes in place of the live views
    # close everything, shut the kernel down, and open the notebook again tomorrow
    for s in session.lab.api("sessions"):
        session.lab.api(f"sessions/{s['id']}", method="DELETE")
    page.close()
    page = session.open()
    page.wait_for_selector(".adrkit-run-to-edit")
    body = page.locator(".jp-Notebook").inner_text()
    assert "model not found" not in body and "Error displaying widget" not in body
    assert body.count("Run this cell to edit the") == 2
    assert "Where should order lookups be cached?" in body  # the static table, from the saved notebook
    _run_all(page)
    page.locator(".adrkit-lifecycle-editor").wait_for()

    # screenshots: 1024 and 1400 px, light and dark, with the file browser open
    _command(page, "filebrowser:activate")
    for theme, name in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        _command(page, "apputils:change-theme", {"theme": theme})
        page.wait_for_function("t => document.body.dataset.jpThemeName === t", arg=theme)
        for width in (1024, 1400):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(600)
            assert _no_truncation(page) == [], (theme, width)
            page.locator(".adrkit-tradeoff-editor").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"lab-page-{width}-{name}.png"))
            page.set_viewport_size({"width": width, "height": 2600})  # each editor whole, in one picture
            page.wait_for_timeout(600)
            for kind in ("tradeoff", "lifecycle"):
                editor = page.locator(f".adrkit-{kind}-editor")
                editor.scroll_into_view_if_needed()
                editor.screenshot(path=str(ARTIFACTS / f"lab-{kind}-{width}-{name}.png"))
            for kind, selector in (("tradeoff", ".jp-OutputArea-output .adrkit-tradeoff"),
                                   ("lifecycle", ".jp-OutputArea-output .adrkit-card")):
                static = page.locator(selector).first
                static.scroll_into_view_if_needed()
                static.screenshot(path=str(ARTIFACTS / f"lab-{kind}-static-{width}-{name}.png"))
