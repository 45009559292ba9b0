"""The site's what-if script computes what adrkit computes: on a few hundred generated
trade-off tables, the browser (Debian's Chromium through Playwright) and Python give the
same totals, ranks, winners, every flip of the sensitivity with its verdict and
summary, the same Pugh view, the same chart models and the same HTML of the whole
trade-off (tables, charts, sentences)."""
from __future__ import annotations

import json
import math
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adrkit.core.tradeoff import Argument, Criterion, Option, Tradeoff
from adrkit.core.wording import fine, num, signed
from adrkit.render.charts import chart_models
from adrkit.render.tradeoff import tradeoff_html

from test_site_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.browser

ASSETS = Path(__file__).resolve().parents[1] / "adrkit" / "publish" / "assets"
SCRIPTS = ("adrkit-tradeoff.js", "adrkit-tradeoff-draw.js")


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    """A blank page with the two trade-off scripts loaded, from file://."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    folder = tmp_path_factory.mktemp("parity")
    page_file = folder / "harness.html"
    page_file.write_text("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>h</title></head><body>"
                         + "".join(f'<script src="{(ASSETS / n).as_uri()}"></script>' for n in SCRIPTS)
                         + "</body></html>", encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(page_file.as_uri())
        assert page.evaluate("typeof window.AdrkitTradeoff.tradeoffNodes") == "function"
        yield page
        browser.close()
        assert errors == []


# --- generated tables ---------------------------------------------------------------------

_WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=36)
NAMES = _WORDS.map(lambda s: " ".join(s.split())).filter(bool)
SCALES = st.one_of(st.sampled_from([(1.0, 5.0), (0.0, 10.0), (-2.0, 2.0), (0.0, 1.0), (1.0, 9.0), (-5.0, 5.0)]),
                   st.tuples(st.floats(-1000, 1000, allow_subnormal=False), st.floats(0.001, 2000)).map(lambda p: (p[0], p[0] + p[1])))
# Subnormal numbers (below 2.2e-308) are left out: nobody types them, and the two float
# libraries may differ in their last bit there.
WEIGHTS = st.one_of(st.integers(0, 10).map(float), st.floats(0, 100, allow_subnormal=False),
                    st.sampled_from([0.0, 0.1, 1 / 3, 0.25, 0.5, 2.5, 1e-6, 1e6]))


@st.composite
def tables(draw) -> Tradeoff:
    crit = draw(st.lists(NAMES, min_size=1, max_size=6, unique=True))
    opts = draw(st.lists(NAMES, min_size=1, max_size=6, unique=True))
    low, high = draw(SCALES)
    score = st.one_of(st.sampled_from([low, high, (low + high) / 2]), st.floats(low, high, allow_subnormal=False),
                      st.integers(math.ceil(low), math.floor(high)).map(float) if math.ceil(low) <= math.floor(high)
                      else st.just(low))
    weights = draw(st.lists(WEIGHTS, min_size=len(crit), max_size=len(crit)))
    if not any(w > 0 for w in weights):
        weights[0] = 1.0
    options = [Option(name, scores={c: draw(score) for c in crit}) for name in opts]
    if len(options) > 1 and draw(st.booleans()):      # a tie, or a near one
        options[1].scores = dict(options[0].scores)
    for o in options:
        if draw(st.integers(0, 3)) == 0:
            o.description = draw(NAMES)
        for _ in range(draw(st.integers(0, 2))):
            o.arguments.append(Argument(draw(st.sampled_from(["good", "neutral", "bad"])), draw(NAMES),
                                        draw(st.one_of(st.none(), st.sampled_from(crit)))))
    t = Tradeoff(question=draw(st.one_of(st.just(""), NAMES)),
                 criteria=[Criterion(c, w, draw(st.one_of(st.just(""), NAMES))) for c, w in zip(crit, weights)],
                 options=options, scale=(low, high))
    t.baseline = draw(st.one_of(st.none(), st.sampled_from(opts)))
    t.chosen = draw(st.one_of(st.none(), st.sampled_from(opts)))
    t.because = draw(st.one_of(st.just(""), NAMES))
    assert not t.problems(), t.problems()
    return t


# --- the two sides ------------------------------------------------------------------------

def python_side(t: Tradeoff) -> dict:
    ranking = t.ranking()
    sens = t.sensitivity()
    out = {
        "totals": list(t.totals().values()),
        "ranking": [[e.name, e.total, e.rank] for e in ranking],
        "winners": ranking.winners,
        "sensitivity": {
            "winner": sens.winner, "tied": list(sens.tied), "runnerUp": sens.runner_up, "margin": sens.margin,
            "verdict": sens.verdict, "summary": sens.summary,
            "weights": [{"criterion": w.criterion, "weight": w.weight,
                         "up": [w.up.change, w.up.challenger] if w.up else None,
                         "down": [w.down.change, w.down.challenger] if w.down else None,
                         "percent": w.percent, "share": w.share, "describe": w.describe()} for w in sens.weights]},
        "models": chart_models(t),
    }
    if t.baseline and len(t.options) > 1:
        p = t.pugh()
        out["pugh"] = [[r.option, r.better, r.same, r.worse, r.weighted, [r.marks[c] for c in p.criteria]]
                       for r in p.rows]
    return out


JS_SIDE = """text => {
  const T = window.AdrkitTradeoff;
  const t = T.normalize(JSON.parse(text));   // as the page reads its data block
  const r = T.ranking(t), sens = T.sensitivity(t);
  const out = {
    totals: T.totals(t),
    ranking: r.entries.map(e => [e.name, e.total, e.rank]),
    winners: r.winners,
    sensitivity: {
      winner: sens.winner, tied: sens.tied, runnerUp: sens.runnerUp, margin: sens.margin,
      verdict: sens.verdict, summary: sens.summary,
      weights: sens.weights.map(w => ({criterion: w.criterion, weight: w.weight,
        up: w.up ? [w.up.change, w.up.challenger] : null, down: w.down ? [w.down.change, w.down.challenger] : null,
        percent: w.percent, share: w.share, describe: T.describeWeight(w)}))},
    models: T.chartModels(t),
  };
  if (t.baseline && t.options.length > 1) {
    const p = T.pugh(t);
    out.pugh = p.rows.map(row => [row.option, row.better, row.same, row.worse, row.weighted,
                                  p.criteria.map(c => row.marks[c])]);
  }
  const holder = document.createElement("div");
  holder.className = "adrkit-tradeoff";
  (T.tradeoffNodes(t) || []).forEach(n => holder.appendChild(n));
  out.html = holder.outerHTML;
  return out;
}"""


class _Tree(HTMLParser):
    """An HTML fragment as nested [tag, attributes, children], text squashed; <style>
    and whitespace-only text left out."""

    VOID = {"br", "img", "input", "hr", "meta", "link", "col", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = ["#root", {}, []]
        self.stack = [self.root]
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self.skip += 1
            return
        node = [tag, dict(attrs), []]
        self.stack[-1][2].append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        if tag == "style":
            self.skip -= 1
            return
        if tag not in self.VOID and len(self.stack) > 1 and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.skip or not data.strip():
            return
        children = self.stack[-1][2]
        if children and isinstance(children[-1], str):
            children[-1] = " ".join((children[-1] + data).split())
        else:
            children.append(" ".join(data.split()))


def tree(html: str) -> list:
    p = _Tree()
    p.feed(html)
    p.close()
    return p.root


def same_html(py_html: str, js_html: str) -> None:
    a, b = tree(py_html), tree(js_html)
    if a != b:  # show the first difference, not two pages of markup
        def walk(x, y, path):
            if isinstance(x, str) or isinstance(y, str):
                assert x == y, f"text at {path}: {x!r} != {y!r}"
                return
            assert x[0] == y[0], f"tag at {path}: {x[0]} != {y[0]}"
            assert x[1] == y[1], f"attributes of {path}/{x[0]}: {x[1]} != {y[1]}"
            for i, (cx, cy) in enumerate(zip(x[2], y[2])):
                walk(cx, cy, f"{path}/{x[0]}[{i}]")
            assert len(x[2]) == len(y[2]), f"children of {path}/{x[0]}: {len(x[2])} != {len(y[2])}"
        walk(a, b, "")


def _floats(value):
    """Numbers as floats: the browser hands back an integral number as an int written in
    its shortest form (2**55 comes back as 36028797018963970), the same double once read
    as a float."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, list):
        return [_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    return value


def compare(js, t: Tradeoff) -> None:
    got = js.evaluate(JS_SIDE, json.dumps(t.to_dict()))
    want = python_side(t)
    html = got.pop("html")
    # numbers come back exact (the same IEEE operations in the same order)
    assert _floats(got["totals"]) == _floats(want["totals"])
    assert _floats(got["ranking"]) == _floats(want["ranking"])
    assert got["winners"] == want["winners"]
    assert _floats(got["sensitivity"]) == _floats(want["sensitivity"])
    assert _floats(got.get("pugh")) == _floats(want.get("pugh"))
    assert json.loads(json.dumps(got["models"])) == json.loads(json.dumps(want["models"]))
    same_html(tradeoff_html(t), html)


# --- the tests --------------------------------------------------------------------------------

def _example() -> Tradeoff:
    return Tradeoff(question="Which broker?", criteria=[Criterion("Ops", 3), Criterion("Replay", 5, "read back")],
                    options=[Option("Kafka", scores={"Ops": 4, "Replay": 5}),
                             Option("RabbitMQ", "topic exchanges", scores={"Ops": 4, "Replay": 1},
                                    arguments=[Argument("bad", "no replay", "Replay")]),
                             Option("SNS + SQS", scores={"Ops": 5, "Replay": 1})],
                    baseline="SNS + SQS", chosen="Kafka", because="replay")


_HUGE_FLIP = Tradeoff(criteria=[Criterion("a", 0.0), Criterion("b", 2.0)],
                     options=[Option("x", scores={"a": 1.0, "b": 1.0}), Option("y", scores={"a": 2.0, "b": 1.0}),
                              Option("z", scores={"a": 1.0, "b": 1.9999999999999998})])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
@example(_example())
@example(_HUGE_FLIP)
def test_the_browser_computes_and_draws_what_python_does(js, t):
    compare(js, t)


def test_the_example_tables_match(js):
    from adrkit.core.tradeoff import load_tradeoffs
    from adrkit.storage.datafile import read_data

    folder = Path(__file__).resolve().parents[1] / "notebooks" / "orders-service" / "decisions"
    found = 0
    for path in sorted(folder.glob("*.yaml")):
        for t in load_tradeoffs(read_data(path)).values():
            compare(js, t)
            found += 1
    assert found >= 5


EDGE_NUMBERS = [0.0, -0.0, 0.125, 0.375, 2.5, 3.5, -2.5, 0.005, 0.015, 1.005, 12.5, 0.5, 1e-7, -1e-7, 0.009999999999999998,
                0.01, 0.1, 0.09999999999999999, 1e-3, 9.999999999999999e-4, 123456.785, 1 / 3, 2 / 3, 1e15 + 0.5,
                766.6666666666666, -80.0, 1e21, 1e-300, 5e-324, 99.995, 0.045, 0.055]


@pytest.mark.parametrize("places", [0, 1, 2, 3])
def test_numbers_read_the_same(js, places):
    got = js.evaluate("([xs, p]) => xs.map(x => [window.AdrkitTradeoff.num(x, p), window.AdrkitTradeoff.fine(x, p), "
                      "window.AdrkitTradeoff.pyFixed(x, p)])", [EDGE_NUMBERS, places])
    want = [[num(x, places), fine(x, places), f"{x:.{places}f}"] for x in EDGE_NUMBERS]
    assert got == want
    assert js.evaluate("xs => xs.map(x => window.AdrkitTradeoff.signed(x))", EDGE_NUMBERS) == \
        [signed(x) for x in EDGE_NUMBERS]


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12), st.integers(0, 3))
def test_generated_numbers_read_the_same(js, x, places):
    got = js.evaluate("([x, p]) => [window.AdrkitTradeoff.num(x, p), window.AdrkitTradeoff.fine(x, p), "
                      "window.AdrkitTradeoff.signed(x)]", [x, places])
    assert got == [num(x, places), fine(x, places), signed(x)]
