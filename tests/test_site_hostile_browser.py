"""The hostile log (`hostile_site.py`: attacks in every field, every output type and
every kind of linked file) published and driven in a real headless Chromium, from
file:// and through `adrkit serve`: every page and every file the site copied, opened
directly, with zero dialogs, zero requests leaving the site and zero Content Security
Policy violations (`securitypolicyviolation` events and console reports); content that
tries to cover the header or the superseded banner does not.

Uses Debian's /usr/bin/chromium through Playwright (never a downloaded browser); the
preview server binds to 127.0.0.1 only."""
from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from adrkit.publish import BuildOptions
from adrkit.publish.serve import serve
from adrkit.storage.log import find_log
from hostile_site import hostile_site
from test_publish import build
from test_site_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.browser

# Collects violations in every document, before any of its own scripts run.
_LISTEN = """
(() => {
  const seen = [];
  try { Object.defineProperty(window, "__adrkitViolations", {value: seen}); } catch (e) { return; }
  document.addEventListener("securitypolicyviolation",
    (e) => seen.push(e.violatedDirective + " " + e.blockedURI), true);
})();
"""


_POKE = """
() => { for (const el of Array.from(document.querySelectorAll("*")).slice(0, 3000)) {
  for (const type of ["mouseover", "mouseenter", "pointerover", "focus", "focusin", "toggle", "load"]) {
    try { el.dispatchEvent(new Event(type)); } catch (e) {}
  } } }
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-browser")
    hostile_site(root)
    report = build(root)
    assert not report.failures, report.failures
    return root


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def preview(hostile):
    """`adrkit serve` on 127.0.0.1 (a free port) over the hostile log; yields its URL
    and output folder."""
    messages: list[str] = []
    stop = threading.Event()
    out = hostile / "served"
    thread = threading.Thread(target=serve, daemon=True, kwargs=dict(
        log=find_log(start=hostile), options=BuildOptions(out=out, cache_dir=hostile / ".cache", parallel=False),
        port=0, say=messages.append, report=lambda r: None, interval=0.2, stop=stop))
    thread.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(m.startswith("serving ") for m in messages):
        time.sleep(0.05)
    url = re.search(r"http://127\.0\.0\.1:\d+/", next(m for m in messages if m.startswith("serving ")))[0]
    yield url, out
    stop.set()
    thread.join(timeout=30)


class Guard:
    """A browser context that allows requests under `prefix` only (others are recorded
    and aborted) and records dialogs, CSP violations and page errors."""

    def __init__(self, browser, prefix: str):
        self.prefix = prefix
        self.context = browser.new_context(accept_downloads=True)
        self.context.add_init_script(_LISTEN)
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", self._request)

    def _route(self, route):
        if route.request.url.startswith(self.prefix):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _request(self, request):
        if not request.url.startswith((self.prefix, "data:", "blob:", "about:")):
            self.outside.append(request.url)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.violations.append(text)

    def visit(self, url: str, *, poke: bool = True) -> None:
        """Open `url`, then hover, focus and tab through what it shows."""
        try:
            self.page.goto(url, wait_until="load", timeout=30_000)
        except Exception as exc:  # a download (zip, csv) opens no document
            if "Download is starting" not in str(exc):
                raise
            return
        if poke:
            try:  # every element gets the events inline handlers wait for
                self.page.evaluate(_POKE)
            except Exception:
                pass
            for selector in ("img", "svg", "a", "td", "b"):
                for handle in self.page.query_selector_all(selector)[:3]:
                    try:
                        handle.hover(timeout=300)
                    except Exception:
                        pass
            for _ in range(4):
                self.page.keyboard.press("Tab")
        self.page.wait_for_timeout(100)
        try:
            self.violations += self.page.evaluate("Array.from(window.__adrkitViolations || [])")
            assert self.page.evaluate("typeof window.__pwned") == "undefined", url
        except Exception as exc:
            if "__pwned" in str(exc):
                raise

    def check(self) -> None:
        self.context.close()
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"
        assert self.outside == [], f"requests left the site: {self.outside}"
        assert self.violations == [], f"CSP violations: {self.violations}"
        assert self.errors == [], f"page errors: {self.errors}"


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def _copied(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and ("files" in p.relative_to(site).parts[:-1] or p.name.startswith("logo")))


def test_the_hostile_site_has_every_kind_of_page_and_file(hostile):
    site = hostile / "site"
    pages = _pages(site)
    assert {"index.html", "timeline.html", "graph.html", "0010-every-field.html", "guides/hostile-guide.html",
            "guides/index.html"} <= set(pages)
    copied = _copied(site)
    assert {"files/img/evil.svg", "files/img/notes.txt", "files/img/real.png", "files/img/archive.zip",
            "guides/files/img/evil.svg", "assets/logo.svg"} <= set(copied)


def test_the_guard_sees_a_dialog_when_there_is_one(hostile, browser):
    """The original SVG, opened from the log itself, runs: so a quiet run below means
    the site's copy is inert, not that the test is blind."""
    guard = Guard(browser, "file://")
    guard.visit((hostile / "decisions" / "img" / "evil.svg").as_uri(), poke=False)
    guard.context.close()
    assert guard.dialogs


def test_every_page_from_file_urls_runs_nothing_and_loads_nothing_from_elsewhere(hostile, browser):
    site = hostile / "site"
    guard = Guard(browser, "file://")
    for rel in _pages(site):
        guard.visit((site / rel).as_uri())
    guard.visit((site / "index.html").as_uri() + "?q=" + quote("<script>alert(1)</script>"))
    guard.check()


def test_every_copied_file_opened_directly_from_file_urls_is_inert(hostile, browser):
    site = hostile / "site"
    guard = Guard(browser, "file://")
    for rel in _copied(site) + ["feed.xml", "decisions.json", "search-index.js"]:
        guard.visit((site / rel).as_uri())
    guard.check()


def test_every_page_and_copied_file_through_serve_is_inert(preview, browser):
    url, out = preview
    guard = Guard(browser, url)
    for rel in _pages(out) + _copied(out) + ["feed.xml", "decisions.json", "search-index.js", ""]:
        guard.visit(url + quote(rel))
    guard.check()


def test_record_content_cannot_cover_the_header_or_the_banner(hostile, browser):
    guard = Guard(browser, "file://")
    page = guard.page
    guard.visit((hostile / "site" / "0011-covered.html").as_uri(), poke=False)
    for selector in (".site-header .brand", ".banner", "#adr-title", ".adr-kicker .badge"):
        box = page.locator(selector).bounding_box()
        assert box, selector
        inside = page.evaluate(
            "([x, y, sel]) => { const el = document.elementFromPoint(x, y);"
            " return !!el && !!el.closest(sel) && !el.closest('.adr-body'); }",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, selector.split()[0]])
        assert inside, f"{selector} is covered by record content"
    assert page.locator(".banner a.successor").is_visible()
    guard.check()


def test_task_boxes_show_their_state_and_bidi_overrides_show_as_text(hostile, browser):
    guard = Guard(browser, "file://")
    page = guard.page
    guard.visit((hostile / "site" / "0010-every-field.html").as_uri(), poke=False)
    states = page.eval_on_selector_all(".task-box", "bs => bs.map(b => [b.checked, b.disabled])")
    assert states == [[True, True], [False, True]]
    page.locator(".task-box").first.click(force=True)
    assert page.eval_on_selector_all(".task-box", "bs => bs.map(b => b.checked)") == [True, False]
    assert "[U+202E]gnp.exe" in page.text_content("h1")
    guard.check()
