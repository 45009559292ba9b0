"""The site shows each decision's check and review: a badge on its page and in the index
(with the evidence the check displayed, sanitized), an index filter by check state,
reviews in the history, and the decision-debt page. The build reads recorded results
and never runs a check itself, unless `build --confirm` is asked for."""
from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from adrkit.core.confirmation import CheckResult
from adrkit.formats.confirmation import dump_result, fingerprint, result_name
from adrkit.publish import BuildOptions, build_site
from adrkit.storage.log import find_log
from checklog import add_decision, make_log
from test_publish import assert_safe_page, parse

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "notebooks" / "orders-service"
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()
HOSTILE_HTML = ('<table><tr><td>p99</td><td>212 ms</td></tr></table>'
                '<script>window.__pwned="evidence"</script><img src=x onerror="window.__pwned=1">'
                '<a href="javascript:alert(1)">x</a><img src="https://evil.example/t.png" alt="t">')


def _record(path: Path, outcome: str, *, evidence=(), error="", stale=False, date="2026-05-30T10:00:00Z"):
    nb = json.loads(path.read_text())
    data = path.with_suffix(".yaml")
    fp = "sha256:before" if stale else fingerprint(nb, data.read_bytes() if data.exists() else None, stem=path.stem)
    result = CheckResult(path.stem, outcome, date, duration=1.25, fingerprint=fp, cells=[12], error=error,
                         evidence=list(evidence), summary="p99 212 ms < 250 ms" if outcome == "passed" else "",
                         adrkit="0.1.0", python="3.11.7", kernel="python3")
    path.with_name(result_name(path.stem)).write_text(dump_result(result))


@pytest.fixture
def checked_site(tmp_path):
    log = make_log(tmp_path)
    passing = add_decision(log, "Passing check", ["print('p99 212 ms < 250 ms')"])
    _record(passing, "passed", evidence=[
        {"type": "stream", "name": "stdout", "text": "p99 212 ms < 250 ms\n"},
        {"type": "display", "data": {"text/html": HOSTILE_HTML, "text/plain": "table"}},
        {"type": "display", "data": {"image/png": PNG, "text/plain": "<Figure size 640x480 with 1 Axes>"}},
        {"type": "display", "data": {"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" onload="x()">'
                                                      '<circle r="3"/><script>y()</script></svg>'}}])
    failing = add_decision(log, "Failing check", ["assert False"])
    _record(failing, "failed", error="cell 12: AssertionError: <b>no</b> 401 on cancel", evidence=[
        {"type": "error", "text": "AssertionError: <b>no</b>", "traceback": "Traceback <script>t()</script>"}])
    stale = add_decision(log, "Stale check", ["assert True"])
    _record(stale, "passed", stale=True)
    add_decision(log, "Never run", ["assert True"])
    add_decision(log, "No check at all")
    draft = add_decision(log, "Draft with a check", ["assert True"], status="draft")
    rec = log.resolve(draft.name)
    from adrkit.core.decision import Link

    rec.decision.links.append(Link("relates-to", "0099-nowhere"))
    log.save_many([rec])
    reviewed = add_decision(log, "Reviewed one")
    rec = log.resolve(reviewed.name)
    from adrkit.core.reviews import record_review

    rec.decision.extra["review-after"] = "3 months"
    record_review(rec.decision, "2026-02-01", "Hannah <Becker>", "holds <still>")
    log.save_many([rec])
    overdue = add_decision(log, "Overdue one")
    rec = log.resolve(overdue.name)
    rec.decision.extra["review-by"] = "2026-03-01"
    log.save_many([rec])
    report = build_site(log, BuildOptions(cache_dir=tmp_path / ".cache", parallel=False, today="2026-06-01"))
    assert not report.failures, report.failures
    return tmp_path / "site", log, draft


def test_each_decision_page_shows_its_check_and_evidence_safely(checked_site):
    site, log, _ = checked_site
    page = site / "0001-passing-check.html"
    doc = assert_safe_page(page)
    html = page.read_text()
    assert 'class="badge check check-passed" href="#confirmation"' in html
    assert "check passed 2026-05-30" in doc.text
    panel = html[html.index('<section id="confirmation"'):html.index("</section>", html.index('id="confirmation"'))]
    assert "Its check passed on 2026-05-30." in panel and "1.2 s" in panel and "Python 3.11.7" in panel
    assert "<td>212 ms</td>" in panel
    assert "__pwned" not in panel and "onload" not in panel and "y()" not in panel
    # an image from another host is not loaded: it becomes a plain link to it
    assert 'src="https://evil.example' not in panel and 'class="remote-image" href="https://evil.example' in panel
    assert f'src="data:image/png;base64,{PNG}"' in panel and 'alt="&lt;Figure size 640x480 with 1 Axes&gt;"' in panel
    assert "<circle" in panel
    assert ".check-panel" in (site / "assets" / "adrkit.css").read_text()

    failed = (site / "0002-failing-check.html").read_text()
    assert_safe_page(site / "0002-failing-check.html")
    assert "check-panel check-failed" in failed
    assert "cell 12: AssertionError: &lt;b&gt;no&lt;/b&gt; 401 on cancel" in failed  # escaped, not markup
    assert "Traceback &lt;script&gt;" in failed

    stale = (site / "0003-stale-check.html").read_text()
    assert "check stale" in stale and "The decision changed after its check passed on 2026-05-30" in stale
    never = (site / "0004-never-run.html").read_text()
    assert "check never run" in never and "adrkit confirm 0004" in never
    assert 'id="confirmation"' not in (site / "0005-no-check-at-all.html").read_text()


def test_the_index_has_a_badge_per_decision_and_a_filter(checked_site):
    site, _, _ = checked_site
    doc = assert_safe_page(site / "index.html")
    rows = {e.attrs["data-stem"]: e.attrs.get("data-check") for e in doc.find("tr") if "data-stem" in e.attrs}
    assert rows == {"0001-passing-check": "passed", "0002-failing-check": "failed", "0003-stale-check": "stale",
                    "0004-never-run": "never-run", "0005-no-check-at-all": "none",
                    "0007-reviewed-one": "none", "0008-overdue-one": "none"}
    select = doc.find("select", id="check")
    assert select and select[0].attrs["data-filter"] == "check"
    options = [e.attrs["value"] for e in doc.elements if e.tag == "option" and e.attrs.get("value") in
               ("passed", "failed", "error", "stale", "never-run", "skipped", "none")]
    assert options == ["passed", "failed", "stale", "never-run", "none"]
    html = (site / "index.html").read_text()
    assert '<p class="check-summary">p99 212 ms &lt; 250 ms</p>' in html


def test_reviews_show_on_the_page(checked_site):
    site, _, _ = checked_site
    html = (site / "0007-reviewed-one.html").read_text()
    assert "reviewed</span> <time datetime=\"2026-02-01\">2026-02-01</time> by Hannah &lt;Becker&gt;" in html
    assert "<q>holds &lt;still&gt;</q>" in html
    assert "Due in 0 days" not in html and "2026-05-01" in html  # 3 months after the review
    overdue = (site / "0008-overdue-one.html").read_text()
    assert 'class="review review-overdue"' in overdue and "Overdue by 92 days" in overdue


def test_the_debt_page_links_each_item_and_says_what_to_do(checked_site):
    site, _, draft = checked_site
    doc = assert_safe_page(site / "debt.html")
    html = (site / "debt.html").read_text()
    for heading in ("Overdue reviews", "Failing checks", "Stale checks", "Checks never run"):
        assert heading in doc.text
    assert '<a href="0002-failing-check.html">0002 Failing check</a>' in html
    assert "run &#39;adrkit confirm 0002&#39;" in html
    assert '<a href="0007-reviewed-one.html">' in html  # overdue: 3 months after 2026-02-01
    # a draft is not published: its debt (a dangling link; its check is not run) is listed, without a link
    assert f"{draft.stem[:4]} Draft with a check (not published)" in doc.text
    assert "0099-nowhere" in doc.text and doc.text.count("Draft with a check") == 1
    assert "as of 2026-06-01" in doc.text
    assert any(e.attrs.get("href") == "debt.html" for e in parse(site / "index.html").find("a"))


def test_badges_follow_new_results_while_pages_come_from_the_cache(checked_site, tmp_path):
    site, log, _ = checked_site
    _record(log.dir / "0002-failing-check.ipynb", "passed", date="2026-05-31T08:00:00Z")
    report = build_site(log, BuildOptions(cache_dir=tmp_path / ".cache", parallel=False, today="2026-06-01"))
    assert report.converted == 0  # every page body came from the cache
    assert "check passed 2026-05-31" in (site / "0002-failing-check.html").read_text()
    assert "Failing checks" not in parse(site / "debt.html").text


def test_a_log_without_checks_has_no_check_column(tmp_path):
    log = make_log(tmp_path)
    add_decision(log, "Plain")
    build_site(log, BuildOptions(cache_dir=tmp_path / ".cache", parallel=False))
    html = (tmp_path / "site" / "index.html").read_text()
    assert 'id="check"' not in html and "check-cell" not in html
    assert "Nothing needs attention" in (tmp_path / "site" / "debt.html").read_text()


@pytest.mark.slow
def test_build_never_runs_checks_even_with_execute_but_does_with_confirm(tmp_path, cli):
    log = make_log(tmp_path)
    marker = tmp_path / "ran.txt"
    add_decision(log, "Writes a marker", [f"open({str(marker)!r}, 'w').write('ran')"])
    add_decision(log, "Fails", ["assert 1 == 2, 'nope'"])
    res = cli("build", "--execute")
    assert res.code == 0, res.err
    assert not marker.exists(), "the build ran a confirmation cell"
    assert "check never run" in (tmp_path / "site" / "0001-writes-a-marker.html").read_text()
    res = cli("build", "--confirm")
    assert res.code == 1, res.err  # a check failed; the site is built all the same
    assert marker.exists()
    assert "without encryption" not in res.err
    assert "check passed 2026-01-01" in (tmp_path / "site" / "0001-writes-a-marker.html").read_text()
    assert "check failed" in (tmp_path / "site" / "0002-fails.html").read_text()
    assert "built 2 pages" in res.err


# --- in a real browser ----------------------------------------------------------------

@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("example") / "orders-service"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("site", ".adrkit-cache"))
    report = build_site(find_log(root / "decisions"), BuildOptions(cache_dir=root / ".cache", parallel=False))
    assert not report.failures, report.failures
    return root / "site"


@pytest.mark.browser
def test_the_index_filters_by_check_state_in_chromium(example_site, browser):
    from test_site_browser import Watch

    w = Watch(browser)
    page = w.page()
    page.goto((example_site / "index.html").as_uri())
    page.select_option("#check", "failed")
    shown = page.eval_on_selector_all("#adr-table tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.stem)")
    assert shown == ["0003-expose-the-orders-api-over-rest"]
    assert "check=failed" in page.url
    page.select_option("#check", "stale")
    shown = page.eval_on_selector_all("#adr-table tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.stem)")
    assert shown == ["0005-guard-payments-with-a-circuit-breaker-and-a-work-queue"]
    page.goto((example_site / "index.html").as_uri() + "?check=none&status=accepted")
    shown = page.eval_on_selector_all("#adr-table tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.stem)")
    assert shown == ["0001-record-architecture-decisions"]
    page.goto((example_site / "debt.html").as_uri())
    page.click("text=0003 Expose the orders API over REST")
    assert page.url.endswith("0003-expose-the-orders-api-over-rest.html")
    assert page.locator("#confirmation .badge").inner_text().strip() == "✗ failed".replace("✗ ", "") or \
        "failed" in page.locator("#confirmation .badge").inner_text()
    page.goto((example_site / "0005-guard-payments-with-a-circuit-breaker-and-a-work-queue.html").as_uri())
    figure = page.locator("#confirmation .check-rich img")
    assert figure.count() == 1 and figure.evaluate("img => img.naturalWidth") > 100
    w.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_check_pages_pass_axe(example_site, browser, scheme):
    from test_site_browser import AXE, Watch, _axe

    if not AXE.exists():
        pytest.skip("axe-core not installed")
    w = Watch(browser, bypass_csp=True, color_scheme=scheme)
    page = w.page()
    for name in ("index.html", "debt.html", "0003-expose-the-orders-api-over-rest.html",
                 "0005-guard-payments-with-a-circuit-breaker-and-a-work-queue.html"):
        page.goto((example_site / name).as_uri())
        assert _axe(page) == [], name
    w.close()


from test_site_browser import browser  # noqa: E402,F401  (the shared Chromium fixture)


def test_serve_rebuilds_when_a_result_is_recorded(checked_site):
    from adrkit.publish.serve import snapshot

    _, log, _ = checked_site
    before = snapshot(log)
    assert str(log.dir / "0001-passing-check.confirmation.json") in before
    _record(log.dir / "0004-never-run.ipynb", "passed")
    assert snapshot(log) != before


def test_the_timeline_says_reviewed_not_became(checked_site):
    site, _, _ = checked_site
    html = (site / "timeline.html").read_text()
    item = html[html.index('datetime="2026-02-01"'):]
    item = item[:item.index("</li>")]
    assert "reviewed by Hannah &lt;Becker&gt;" in item and "became" not in item
