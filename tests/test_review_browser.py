"""A reviewer on the published example log, in a real headless Chromium from file://:
the what-if controls move a weight past a reported flip and the winner changes, the
address keeps the explored numbers for a shared link, the charts and tables follow,
the superseded notice stays in view, the contents menu, full-size diagrams, scroll
hints and tab stops, print, phone width and dark mode; axe-core finds nothing
serious; no request leaves the site."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from adrkit.core.tradeoff import load_tradeoffs
from adrkit.render.tradeoff import tradeoff_html
from adrkit.storage.datafile import read_data

from test_site_browser import AXE, Watch, _axe, browser  # noqa: F401  (browser is a fixture)
from test_whatif_parity import same_html

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parents[1] / "notebooks" / "orders-service" / "decisions"
KAFKA = "0006-publish-order-events-through-kafka.html"
RABBIT = "0004-publish-order-events-through-rabbitmq.html"
PAYMENTS = "0005-guard-payments-with-a-circuit-breaker-and-a-work-queue.html"
LOAD_TEST = "0007-shard-the-orders-database-by-customer.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from adrkit.publish import BuildOptions, build_site
    from adrkit.storage.log import find_log

    root = tmp_path_factory.mktemp("review-site")
    shutil.copytree(EXAMPLE, root / "decisions")
    (root / ".adrkit.yaml").write_text("decisions: decisions\n", encoding="utf-8")
    report = build_site(find_log(start=root), BuildOptions(out=root / "site", cache_dir=root / ".cache",
                                                           parallel=False))
    assert not report.failures and not report.warnings, (report.failures, report.warnings)
    return root


def url(site: Path, name: str, query: str = "") -> str:
    return (site / "site" / name).as_uri() + query


def kafka_table(site: Path):
    return load_tradeoffs(read_data(site / "decisions" / "0006-publish-order-events-through-kafka.yaml"))["main"]


def flip_of(page, criterion: str) -> tuple[float, str]:
    """The new weight and the challenger the page's sensitivity table reports for a criterion."""
    row = page.locator(".adrkit-sensitivity tbody tr", has=page.locator(f'th:text-is("{criterion}")'))
    cells = row.locator("td").all_text_contents()
    return float(cells[2]), cells[3]


def weight_field(page, criterion: str):
    return page.locator(".whatif-weight", has=page.locator(f'label:text-is("{criterion}")')).locator(
        'input[type="number"]')


def first_row(page) -> str:
    return page.locator(".adrkit-scores tbody tr").first.locator("th").inner_text().split("\n")[0].split(" (")[0]


def test_a_weight_moved_past_its_flip_changes_the_winner_and_the_link_keeps_it(site, browser):
    w = Watch(browser)
    page = w.page()
    page.goto(url(site, KAFKA))
    assert first_row(page) == "Kafka"
    assert page.locator(".whatif-status").inner_text() == 'The record\'s numbers: "Kafka" ranks first.'
    new_weight, challenger = flip_of(page, "Replay")          # 5 -> 1 brings RabbitMQ level
    assert (new_weight, challenger) == (1.0, "RabbitMQ")
    past = round(new_weight * 0.9, 6)
    weight_field(page, "Replay").fill(str(past))
    assert first_row(page) == challenger
    assert page.locator(".whatif-status").inner_text() == (
        'With these numbers "RabbitMQ" ranks first; the record ranks "Kafka" first.')
    assert page.locator(".adrkit-chart-totals .ac-winner text").first.text_content().startswith("★ RabbitMQ")
    assert "“RabbitMQ” still" in page.locator(".adrkit-chart-tornado").text_content()
    # what the page now shows is what adrkit draws for the explored table
    explored = kafka_table(site).with_weight("Replay", past)
    shown = page.locator(".adrkit-tradeoff").evaluate(
        "e => { const c = e.cloneNode(true); c.querySelector('.whatif-banner').remove(); return c.outerHTML; }")
    same_html(tradeoff_html(explored), shown)
    assert page.url.endswith(f"{KAFKA}?w=Replay~{past:g}")
    assert page.locator(".whatif-link").get_attribute("href") == f"?w=Replay~{past:g}"
    # a reviewer sends the link; it opens on the same state
    shared = page.url
    other = w.page()
    other.goto(shared)
    assert weight_field(other, "Replay").input_value() == f"{past:g}"
    assert first_row(other) == "RabbitMQ"
    assert other.locator(".whatif-banner").is_visible()
    # and "reset" brings the record back, and the address with it
    other.get_by_role("button", name="Reset to the record's weights").click()
    assert first_row(other) == "Kafka" and weight_field(other, "Replay").input_value() == "5"
    assert other.url.endswith(KAFKA) and not other.locator(".whatif-banner").count()
    w.close()


def test_the_weights_and_scores_answer_the_keyboard(site, browser):
    w = Watch(browser)
    page = w.page()
    page.goto(url(site, KAFKA))
    slider = page.get_by_role("slider", name="Replay weight (slider)")
    slider.focus()
    for _ in range(50):                                       # step 0.1 from 5 down to 0
        page.keyboard.press("ArrowLeft")
    assert weight_field(page, "Replay").input_value() == "0"
    assert first_row(page) == "RabbitMQ"
    page.keyboard.press("End")
    assert first_row(page) == "Kafka"
    # scores are explored the same way
    page.locator(".whatif-scores summary").click()
    score = page.get_by_role("spinbutton", name="Kafka, Replay score")
    score.fill("1")
    assert first_row(page) == "RabbitMQ"
    assert "s=Kafka~Replay~1" in page.url
    w.close()


def test_a_link_with_unknown_names_says_what_it_left_out(site, browser):
    w = Watch(browser)
    page = w.page()
    page.goto(url(site, KAFKA, "?w=Replay~1.5&w=Nope~3&s=Kafka~Replay~99"))
    assert weight_field(page, "Replay").input_value() == "1.5"
    assert "2 values in the link did not match this table and were left out." in page.locator(".whatif-lede").inner_text()
    w.close()


def test_what_changed_since_the_superseded_record(site, browser):
    w = Watch(browser)
    page = w.page()
    page.goto(url(site, KAFKA))
    section = page.locator("section.adr-changes")
    assert section.locator("h2").inner_text() == "What changed since 0004 Publish order events through RabbitMQ"
    assert 'Under the new weights, with the old scores, "RabbitMQ" would no longer win: "Kafka" would.' in \
        section.locator(".adrkit-diff-verdict").inner_text()
    weights = section.locator(".adrkit-diff-weights tbody tr", has=page.locator('th:text-is("Replay")'))
    assert weights.locator("td").all_text_contents() == ["1 (6 %)", "5 (31 %)", "↑ +25 points"]
    # the contents menu lists it and every entry points at a heading on the page
    page.locator(".adr-toc-menu summary").click()
    links = page.locator(".adr-toc a")
    hrefs = links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert "#adrkit-changes" in hrefs and len(hrefs) >= 5
    for href in hrefs:
        assert page.locator(f'[id="{href[1:]}"]').count() == 1, href
    links.last.click()
    assert not page.locator(".adr-toc-menu").evaluate("d => d.open")
    w.close()


def test_the_superseded_notice_stays_in_view_and_the_index_names_the_successor(site, browser):
    w = Watch(browser, viewport={"width": 390, "height": 800})
    page = w.page()
    page.goto(url(site, RABBIT))
    page.evaluate("window.scrollTo(0, document.body.scrollHeight * 0.7)")
    bar = page.locator(".adr-bar")
    box = bar.bounding_box()
    assert box and -1 <= box["y"] <= 1, box           # stuck to the top of the screen
    assert "superseded by 0006 Publish order events through Kafka" in " ".join(bar.text_content().split())
    assert box["height"] < 60                            # one line on a phone
    assert bar.get_by_role("link", name="0006 Publish order events through Kafka").count() == 1
    page.locator(".adr-bar-top").click()
    assert page.evaluate("window.scrollY") < 300
    page.goto(url(site, "index.html"))
    row = page.locator('tr[data-stem="0004-publish-order-events-through-rabbitmq"]')
    assert " ".join(row.locator("td").nth(2).inner_text().split()) == "superseded by 0006"
    timeline = w.page()
    timeline.goto(url(site, "timeline.html"))
    items = timeline.locator(".timeline-item").all_inner_texts()
    same_day = [" ".join(t.split()) for t in items if t.startswith("2025-11-03")]
    assert same_day == ["2025-11-03 0006 Publish order events through Kafka became accepted",
                        "2025-11-03 0004 Publish order events through RabbitMQ became superseded by "
                        "0006 Publish order events through Kafka"]
    w.close()


def test_a_wide_diagram_stays_legible_and_opens_at_full_size(site, browser):
    for width in (1280, 390):
        w = Watch(browser, viewport={"width": width, "height": 900})
        page = w.page()
        page.goto(url(site, PAYMENTS))
        figure = page.locator(".adrkit-lifecycle")
        # the smallest text of the drawing, as shown, is at least 10.5 px high
        smallest = figure.locator("svg").evaluate(
            "svg => Math.min(...[...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect().height)"
            ".filter(h => h > 0))")
        assert smallest >= 10.5, (width, smallest)
        assert figure.evaluate("f => f.scrollWidth > f.clientWidth")          # it scrolls ...
        assert "is-scrollable" in figure.get_attribute("class")               # ... and says so
        assert figure.get_attribute("tabindex") == "0"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
        figure.get_by_role("button", name=re.compile("^View full size")).click()
        dialog = page.locator("dialog.adr-full")
        assert dialog.is_visible() and dialog.locator("svg").count() == 1
        page.keyboard.press("Escape")
        assert not dialog.is_visible()
        w.close()


def test_the_graph_keeps_its_labels_legible_on_a_phone(site, browser):
    w = Watch(browser, viewport={"width": 390, "height": 800})
    page = w.page()
    page.goto(url(site, "graph.html"))
    smallest = page.locator(".graph-scroll svg").evaluate(
        "svg => Math.min(...[...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect().height)"
        ".filter(h => h > 0))")
    assert smallest >= 10.5, smallest
    box = page.locator(".graph-scroll")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth") and box.get_attribute("tabindex") == "0"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    legend = page.locator(".graph-legend").inner_text()
    assert "draft (dashed)" in legend and "superseded (double border)" in legend
    assert "0009 · draft, not published" in page.locator(".graph-scroll svg").text_content()
    relation = "0005 Guard payments with a circuit breaker and a work queue depends on 0003 Expose the orders API over REST"
    assert relation in [" ".join(t.split()) for t in page.locator(".relations li").all_inner_texts()]
    w.close()


def test_boxes_that_do_not_scroll_are_not_tab_stops(site, browser):
    w = Watch(browser, viewport={"width": 1280, "height": 900})
    page = w.page()
    for name in (LOAD_TEST, KAFKA, PAYMENTS):
        page.goto(url(site, name))
        boxes = page.locator(".adr-body .jp-OutputArea-output, .adr-body .jp-InputArea-editor, .adrkit-scroll")
        assert boxes.count() > 0
        for i in range(boxes.count()):
            box = boxes.nth(i)
            scrolls = box.evaluate("b => b.scrollWidth > b.clientWidth + 1")
            assert (box.get_attribute("tabindex") == "0") == scrolls, (name, i, scrolls)
    w.close()


def test_charts_fit_a_phone_and_follow_dark_mode(site, browser):
    w = Watch(browser, viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = w.page()
    page.goto(url(site, KAFKA))
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    for kind in ("totals", "tornado", "pugh"):
        svg = page.locator(f".adrkit-chart-{kind}")
        box = svg.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, kind
        # no text runs past the chart's right edge
        overflow = svg.evaluate("s => Math.max(...[...s.querySelectorAll('text')].map(t => "
                                "t.getBoundingClientRect().right)) - s.getBoundingClientRect().right")
        assert overflow <= 1, (kind, overflow)
        ink = svg.locator(".ac-title").first.evaluate("t => getComputedStyle(t).fill")
        assert ink == "rgb(230, 237, 243)", kind                                  # light text on dark
        assert svg.evaluate("s => getComputedStyle(s).backgroundColor") in ("rgba(0, 0, 0, 0)", "transparent")
    w.close()


def test_print_opens_collapsed_parts_and_fits_tables(site, browser):
    w = Watch(browser, viewport={"width": 700, "height": 1000})
    page = w.page()
    page.goto(url(site, KAFKA))
    page.emulate_media(media="print")
    pros = page.locator(".adrkit-tradeoff details", has=page.locator("summary:text-is('Pros and cons of the options')"))
    assert pros.locator("li").first.is_visible()
    assert page.locator(".adrkit-pugh").is_visible()
    assert not page.locator(".adr-bar").is_visible() and not page.locator(".whatif").is_visible()
    width = page.evaluate("document.querySelector('.adr-body').getBoundingClientRect().width")
    for table in page.locator(".adr-body table").all():
        assert table.evaluate("t => t.getBoundingClientRect().width") <= width + 1
    w.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_the_review_pages(site, browser, scheme):
    if not AXE.exists():
        pytest.skip("axe-core not installed: run scripts/setup.sh --test")
    w = Watch(browser, bypass_csp=True, color_scheme=scheme)
    page = w.page()
    for name in (KAFKA, RABBIT, PAYMENTS, LOAD_TEST, "graph.html", "timeline.html", "index.html"):
        page.goto(url(site, name))
        assert _axe(page) == [], name
    page.goto(url(site, KAFKA, "?w=Replay~0.9"))       # exploring, with the scores open
    page.locator(".whatif-scores summary").click()
    page.locator(".adr-toc-menu summary").click()
    assert _axe(page) == [], "exploring"
    w.close()
