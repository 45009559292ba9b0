"""The published site in a real headless Chromium, loaded from file:// as a reviewer
would open it: listing, filters, search, links, graph, no console errors, no request
leaving the site, axe-core accessibility, and a hostile decision that cannot run.

Uses Debian's /usr/bin/chromium through Playwright (never a downloaded browser) and
axe-core from npm in .peer/node_modules (`npm install --prefix .peer axe-core`)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from test_publish import SEARCH_WORD, build, hostile_log

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ADRKIT_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / ".peer" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-site")
    hostile_log(root)
    report = build(root)
    assert not report.failures, report.failures
    return root / "site"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watch:
    """A browser context that records console errors, page errors, dialogs and every
    request that is not for a file:// URL (those are aborted)."""

    def __init__(self, browser, **context_options):
        self.context = browser.new_context(**context_options)
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.context.on("request", self._request)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _request(self, request):
        if not request.url.startswith(("file://", "data:")):
            self.outside.append(request.url)

    def page(self):
        page = self.context.new_page()
        page.on("console", lambda msg: self.errors.append(f"console {msg.type}: {msg.text}")
                if msg.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        return page

    def close(self, *, broken_images_expected: bool = False):
        self.context.close()
        assert self.outside == [], f"requests left the site: {self.outside}"
        errors = self.errors
        if broken_images_expected:  # <img src=x onerror=...> must fail to load without running
            errors = [e for e in errors if "ERR_FILE_NOT_FOUND" not in e]
        assert errors == [], errors
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"


@pytest.fixture
def watch(browser):
    w = Watch(browser)
    yield w
    w.close()


def url(site: Path, name: str) -> str:
    return (site / name).as_uri()


def visible_stems(page) -> list[str]:
    return page.eval_on_selector_all("#adr-table tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.stem)")


ALL = ["0001-record-architecture-decisions", "0002-use-postgresql-for-orders", "0003-adopt-kafka",
       "0004-use-cockroachdb", "0006-drop-soap", "0009-hostile"]


def test_index_lists_every_decision(site, watch):
    page = watch.page()
    page.goto(url(site, "index.html"))
    assert visible_stems(page) == ALL
    assert page.text_content("#count") == "6 of 6 shown"
    for stem in ALL:
        assert page.locator(f'a[href="{stem}.html"]').count() >= 1


def test_filter_by_status_and_tag_and_sort(site, watch):
    page = watch.page()
    page.goto(url(site, "index.html"))
    page.select_option("#status", "superseded")
    assert visible_stems(page) == ["0002-use-postgresql-for-orders"]
    page.select_option("#status", "")
    page.select_option("#tag", "database")
    assert visible_stems(page) == ["0002-use-postgresql-for-orders", "0004-use-cockroachdb"]
    page.select_option("#status", "accepted")
    assert visible_stems(page) == ["0004-use-cockroachdb"]
    page.select_option("#status", "")
    page.select_option("#tag", "")
    page.click('th[data-key="number"] button')  # ascending -> descending
    assert visible_stems(page) == list(reversed(ALL))
    assert page.get_attribute('th[data-key="number"]', "aria-sort") == "descending"
    page.click('th[data-key="date"] button')
    dates = page.eval_on_selector_all("#adr-table tbody tr", "rows => rows.map(r => r.dataset.date)")
    assert dates == sorted(dates)
    # a tag link on a decision page opens the index filtered by that tag
    page.goto(url(site, "0004-use-cockroachdb.html"))
    page.click('a.tag[href="index.html?tag=database"]')
    page.wait_for_url("**/index.html?tag=database")
    assert visible_stems(page) == ["0002-use-postgresql-for-orders", "0004-use-cockroachdb"]


def test_search_finds_a_decision_by_a_word_from_its_body(site, watch):
    page = watch.page()
    page.goto(url(site, "index.html"))
    page.fill("#q", SEARCH_WORD)
    assert visible_stems(page) == ["0002-use-postgresql-for-orders"]
    snippet = page.text_content('tr[data-stem="0002-use-postgresql-for-orders"] .snippet')
    assert SEARCH_WORD in snippet
    page.fill("#q", "no-such-word-anywhere")
    assert visible_stems(page) == []
    assert page.is_visible("#no-results")
    # the search box in the header of a decision page searches the index
    page.goto(url(site, "0001-record-architecture-decisions.html"))
    page.fill("#site-q", "cockroachdb")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/index.html?q=cockroachdb")
    assert visible_stems(page) == ["0004-use-cockroachdb"]


def test_superseded_page_links_to_its_successor(site, watch):
    page = watch.page()
    page.goto(url(site, "0002-use-postgresql-for-orders.html"))
    assert "superseded" in page.text_content(".banner")
    page.click(".banner a.successor")
    page.wait_for_url("**/0004-use-cockroachdb.html")
    assert page.text_content("h1") == "Use CockroachDB for orders"


def test_graph_nodes_link_to_pages(site, watch):
    page = watch.page()
    page.goto(url(site, "graph.html"))
    hrefs = page.eval_on_selector_all(
        "svg a", "as => as.map(a => a.getAttribute('href') || a.getAttribute('xlink:href'))")
    for stem in ALL:
        assert f"{stem}.html" in hrefs
    page.locator('svg a[*|href="0003-adopt-kafka.html"]').first.click()
    page.wait_for_url("**/0003-adopt-kafka.html")
    assert "Adopt Kafka for events" in page.text_content("h1")


def test_every_page_loads_without_errors_or_outside_requests(site, watch):
    page = watch.page()
    for path in sorted(site.glob("*.html")):
        if path.name != "0009-hostile.html":  # its broken images are checked below
            page.goto(path.as_uri())
            page.wait_for_load_state("load")


def test_hostile_decision_runs_nothing(site, browser):
    watch = Watch(browser)
    page = watch.page()
    for name in ("0009-hostile.html", "index.html", "timeline.html", "graph.html"):
        page.goto(url(site, name))
        page.wait_for_load_state("load")
        page.hover("body")
        for selector in ("td", "b", "img", "svg"):
            for handle in page.query_selector_all(selector)[:20]:
                try:
                    handle.hover(timeout=500)
                except Exception:
                    pass
        assert page.evaluate("typeof window.__pwned") == "undefined", name
    page.goto(url(site, "index.html"))
    page.fill("#q", "hostile")
    assert visible_stems(page) == ["0009-hostile"]
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.goto(url(site, "0009-hostile.html"))
    title = page.text_content("h1")
    assert "<script>" in title  # shown as text
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0
    # the what-if controls show the hostile option's name as text, and exploring runs nothing
    page.locator(".whatif-scores summary").click()
    assert "<script>window.__pwned='option'</script>Evil option" in page.locator(".whatif-scores").inner_text()
    page.locator(".whatif-weight input[type='number']").first.fill("9")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    watch.close(broken_images_expected=True)


def test_phone_width_has_no_sideways_scroll_and_dark_mode_applies(site, browser):
    w = Watch(browser, viewport={"width": 375, "height": 740}, color_scheme="dark")
    page = w.page()
    for name in ("index.html", "0002-use-postgresql-for-orders.html", "timeline.html"):
        page.goto(url(site, name))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways by {overflow}px on a phone"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 17, 23)"
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") == "none"
    w.close()


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations'], preload: false});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations(site, browser, scheme):
    if not AXE.exists():
        pytest.skip(f"axe-core not installed: run 'npm install --prefix {ROOT / '.peer'} axe-core'")
    # The page's CSP forbids inline scripts, so only this audit context bypasses it to inject axe.
    w = Watch(browser, bypass_csp=True, color_scheme=scheme)
    page = w.page()
    for name in ("index.html", "0002-use-postgresql-for-orders.html", "0003-adopt-kafka.html",
                 "graph.html", "timeline.html", "0009-hostile.html"):
        page.goto(url(site, name))
        assert _axe(page) == [], name
    w.close(broken_images_expected=True)


@pytest.fixture(scope="module")
def guides_site(tmp_path_factory):
    from test_publish_guides import guide_site

    root = tmp_path_factory.mktemp("browser-guides")
    report = guide_site(root)
    assert not report.failures, report.failures
    return root / "site"


def test_guide_pages_load_from_file_urls_and_search_finds_them(guides_site, watch):
    from test_publish_guides import GUIDE_WORD

    page = watch.page()
    page.goto(url(guides_site, "index.html"))
    page.click('.site-nav a[href="guides/index.html"]')
    page.wait_for_url("**/guides/index.html")
    page.click('a[href="tradeoff-walkthrough.html"]')
    page.wait_for_url("**/guides/tradeoff-walkthrough.html")
    assert page.text_content("h1").strip().startswith("Worked example")
    # the shared stylesheet loaded from ../assets
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"
    assert page.locator(".jp-InputArea-editor").count() >= 3  # code shown
    assert page.evaluate("document.querySelector('img[src=\"files/img/flow.png\"]').naturalWidth") == 1
    for name in ("getting-started.html", "zz-untitled.html", "index.html"):
        page.goto(url(guides_site, f"guides/{name}"))
        page.wait_for_load_state("load")
    # the header search of a guide page searches the index, which lists matching guides
    page.fill("#site-q", GUIDE_WORD)
    page.press("#site-q", "Enter")
    page.wait_for_url(f"**/index.html?q={GUIDE_WORD}")
    assert page.is_visible("#guide-results")
    assert page.locator("#guide-results li:not([hidden])").count() == 1
    assert GUIDE_WORD in page.text_content("#guide-results li:not([hidden]) .snippet")
    page.click('#guide-results a[href="guides/tradeoff-walkthrough.html"]')
    page.wait_for_url("**/guides/tradeoff-walkthrough.html")
    page.click('.site-nav a[href="../timeline.html"]')
    page.wait_for_url("**/timeline.html")


@pytest.fixture(scope="module")
def org_site(tmp_path_factory):
    from test_publish_scale import two_log_project

    root = tmp_path_factory.mktemp("browser-org")
    project = two_log_project(root)
    report = build(project)
    assert not report.failures, report.failures
    return project / "site"


def visible_ids(page) -> list[str]:
    return page.eval_on_selector_all("#adr-table tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.id)")


PAYMENTS = ["payments:0001-record-architecture-decisions", "payments:0002-publish-payment-events"]


def test_the_index_filters_by_log_and_links_across_logs(org_site, watch):
    page = watch.page()
    page.goto(url(org_site, "index.html"))
    assert len(visible_ids(page)) == 6  # two logs and the included site
    page.select_option("#log", "payments")
    assert visible_ids(page) == PAYMENTS
    assert page.text_content("#count") == "2 of 6 shown"
    page.select_option("#log", "identity-team")
    assert visible_ids(page) == ["identity-team:0001-use-oidc", "identity-team:0002-rotate-keys"]
    page.select_option("#log", "")
    page.fill("#q", "platypusflow")  # a word from a payments record's text
    assert visible_ids(page) == ["payments:0002-publish-payment-events"]
    page.fill("#q", "wombatgate")  # a word from the included site's summary
    assert visible_ids(page) == ["identity-team:0001-use-oidc"]
    # a decision page names its log; the link opens the index filtered by it
    page.goto(url(org_site, "payments/0002-publish-payment-events.html"))
    page.click("a.adr-log")
    page.wait_for_url("**/index.html?log=payments")
    assert visible_ids(page) == PAYMENTS
    # a cross-log link leads to the other log's page, and the included site's to its own
    page.goto(url(org_site, "payments/0002-publish-payment-events.html"))
    page.click('a[href="../platform/0002-use-kafka.html"]')
    page.wait_for_url("**/platform/0002-use-kafka.html")
    assert page.text_content("h1") == "Use Kafka for events"
    page.goto(url(org_site, "index.html"))
    page.click('a[href="../../partner/site/0001-use-oidc.html"]')
    page.wait_for_url("**/partner/site/0001-use-oidc.html")
    assert page.text_content("h1") == "Use OIDC for sign-in"


def test_every_page_of_two_logs_loads_without_errors(org_site, watch):
    page = watch.page()
    for path in sorted(org_site.rglob("*.html")):
        page.goto(path.as_uri())
        page.wait_for_load_state("load")


def test_axe_finds_no_serious_violations_on_a_site_of_two_logs(org_site, browser):
    if not AXE.exists():
        pytest.skip(f"axe-core not installed: run 'npm install --prefix {ROOT / '.peer'} axe-core'")
    w = Watch(browser, bypass_csp=True)
    page = w.page()
    for name in ("index.html", "payments/0002-publish-payment-events.html", "graph.html", "timeline.html"):
        page.goto(url(org_site, name))
        assert _axe(page) == [], name
    w.close()
