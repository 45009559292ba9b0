"""The trade-off model: hand-computed ranking, Pugh, sensitivity and AHP; validation
messages; the data-file round trip; the HTML, markdown and code-comment forms."""
from __future__ import annotations

import math
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from adrkit.render.tradeoff import tradeoff_frame, tradeoff_html, tradeoff_markdown
from adrkit.storage.datafile import load_tradeoff, read_data, save_tradeoff
from adrkit.core.errors import NotFoundError, UsageError, ValidationError
from adrkit.core.tradeoff import Argument, Criterion, Option, Tradeoff, ahp_weights, load_tradeoffs
from adrkit.render.code_comments import comment_marker, tradeoff_comment


def orders() -> Tradeoff:
    """The orders datastore decision, small enough to compute by hand."""
    return Tradeoff.from_dict({
        "question": "Which datastore should the orders service use?",
        "criteria": [
            {"name": "Transactions", "weight": 5},
            {"name": "Schema flexibility", "weight": 2},
            {"name": "Ops effort", "weight": 3},
        ],
        "options": [
            {"name": "PostgreSQL", "description": "relational, managed",
             "scores": {"Transactions": 5, "Schema flexibility": 3, "Ops effort": 3},
             "arguments": [{"good": "ACID transactions for financial data", "criterion": "Transactions"},
                           {"neutral": "the team knows it"},
                           {"bad": "Less flexible schema evolution", "criterion": "Schema flexibility"}]},
            {"name": "MongoDB", "scores": {"Transactions": 3, "Schema flexibility": 5, "Ops effort": 3},
             "arguments": [{"good": "documents match the order shape"}]},
            {"name": "DynamoDB", "scores": {"Transactions": 3, "Schema flexibility": 4, "Ops effort": 5}},
        ],
        "baseline": "MongoDB",
        "chosen": "PostgreSQL",
        "because": "orders need multi-row transactions.",
    })


def two(a: tuple, b: tuple, weights=(5, 3, 2)) -> Tradeoff:
    names = ("Latency", "Cost", "Ops")
    return Tradeoff(criteria=[Criterion(n, w) for n, w in zip(names, weights)],
                    options=[Option("A", scores=dict(zip(names, a))), Option("B", scores=dict(zip(names, b)))])


# --- ranking ------------------------------------------------------------------------------

def test_ranking_is_the_normalized_weighted_sum():
    # PostgreSQL (5*5 + 2*3 + 3*3)/10 = 4.0; DynamoDB (15+8+15)/10 = 3.8; MongoDB (15+10+9)/10 = 3.4
    ranking = orders().ranking()
    assert [(e.name, round(e.total, 9), e.rank) for e in ranking] == [
        ("PostgreSQL", 4.0, 1), ("DynamoDB", 3.8, 2), ("MongoDB", 3.4, 3)]
    assert ranking.winner == "PostgreSQL" and not ranking.tied


def test_ties_share_a_rank_and_leave_no_single_winner():
    t = orders()
    t.option("MongoDB").scores.update({"Transactions": 5, "Schema flexibility": 3})  # = PostgreSQL
    ranking = t.ranking()
    assert ranking.winners == ["PostgreSQL", "MongoDB"]
    assert ranking.winner is None and ranking.tied
    assert [e.rank for e in ranking] == [1, 1, 3]
    assert ranking.ties() == [["PostgreSQL", "MongoDB"]]
    sens = t.sensitivity()
    assert sens.verdict == "tied" and sens.winner is None
    assert '"PostgreSQL" and "MongoDB" tie' in sens.summary


def test_ties_below_first_place():
    t = two((5, 5, 5), (3, 3, 3))
    t.add_option("C").scores.update({"Latency": 3, "Cost": 3, "Ops": 3})
    assert [e.rank for e in t.ranking()] == [1, 2, 2]
    assert t.ranking().winner == "A"


def test_zero_weight_criterion_does_not_count():
    t = orders()
    t.set_weight("Transactions", 0)
    totals = t.totals()
    assert math.isclose(totals["PostgreSQL"], (2 * 3 + 3 * 3) / 5)
    assert t.ranking().winner == "DynamoDB"


# --- Pugh -----------------------------------------------------------------------------------

def test_pugh_against_the_baseline():
    pugh = orders().pugh()
    assert pugh.baseline == "MongoDB"
    pg = pugh.row("PostgreSQL")
    assert pg.marks == {"Transactions": 1, "Schema flexibility": -1, "Ops effort": 0}
    assert (pg.better, pg.same, pg.worse, pg.net, pg.weighted) == (1, 1, 1, 0, 5 - 2)
    dyn = pugh.row("DynamoDB")
    assert dyn.marks == {"Transactions": 0, "Schema flexibility": -1, "Ops effort": 1}
    assert (dyn.better, dyn.same, dyn.worse, dyn.weighted) == (1, 1, 1, 3 - 2)
    assert [r.option for r in pugh.rows] == ["PostgreSQL", "DynamoDB"]


def test_pugh_with_another_baseline_and_without_one():
    assert orders().pugh("PostgreSQL").row("MongoDB").weighted == -5 + 2
    t = orders()
    t.baseline = None
    with pytest.raises(ValidationError, match="no baseline"):
        t.pugh()


# --- sensitivity ----------------------------------------------------------------------------

def test_sensitivity_by_hand_for_the_orders_table():
    sens = orders().sensitivity()
    assert sens.winner == "PostgreSQL" and sens.runner_up == "DynamoDB"
    assert math.isclose(sens.margin, 0.2)
    # Transactions 5 -> 4: PostgreSQL (20+6+9)/9 = DynamoDB (12+8+15)/9 = 35/9
    tx = sens.of("Transactions")
    assert math.isclose(tx.change, -1) and math.isclose(tx.percent, -20) and tx.challenger == "DynamoDB"
    assert tx.up is None  # raising it only widens the lead
    # Ops effort 3 -> 4: PostgreSQL 25+6+12 = 43 = DynamoDB 15+8+20
    ops = sens.of("Ops effort")
    assert math.isclose(ops.change, 1) and ops.challenger == "DynamoDB"
    # Schema flexibility 2 -> 4: PostgreSQL 25+12+9 = 46 = DynamoDB 15+16+15
    flex = sens.of("Schema flexibility")
    assert math.isclose(flex.change, 2) and math.isclose(flex.percent, 100)
    assert sens.verdict == "sensitive" and sens.most_sensitive.criterion == "Transactions"
    assert "−20 %" in sens.summary and "(5 → 4)" in sens.summary


def test_a_ten_percent_weight_change_flips_the_winner():
    # A: 5*1 + 3*5 + 2*1 = 22; B: 5*2 + 3*1 + 2*4 = 21. Cost 3 -> 2.75 ties them (-8.33 %).
    t = two((1, 5, 1), (2, 1, 4))
    sens = t.sensitivity()
    assert sens.winner == "A" and sens.verdict == "fragile"
    cost = sens.of("Cost")
    assert math.isclose(cost.change, -0.25) and math.isclose(cost.percent, -100 / 12)
    assert cost.challenger == "B"
    assert math.isclose(sens.of("Latency").change, 1.0)      # +20 %
    assert math.isclose(sens.of("Ops").change, 1 / 3)        # +16.7 %
    # and really: Cost weight 3 -> 2.7 (-10 %) gives A 5+13.5+2 = 20.5 < B 10+2.7+8 = 20.7
    assert t.with_weight("Cost", 2.7).ranking().winner == "B"
    assert t.with_weight("Cost", 2.8).ranking().winner == "A"   # -6.7 % is not enough
    assert "Fragile" in sens.summary


def test_a_dominant_option_cannot_be_flipped_by_any_weight():
    t = two((5, 4, 3), (4, 4, 1))
    sens = t.sensitivity()
    assert sens.verdict == "robust" and sens.most_sensitive is None
    for w in sens.weights:
        assert w.flip is None and w.change is None and w.percent is None
        assert w.describe() == "no change of this weight alone flips it"
    assert "no change of any single weight" in sens.summary
    for weight in (0, 0.001, 1, 1000):  # check it really holds for extreme weights
        for name in ("Latency", "Cost", "Ops"):
            assert t.with_weight(name, weight).ranking().winner == "A"


def test_decrease_cannot_go_below_zero():
    # B beats A only on Cost; lowering Latency (A's strength) to 0 still leaves A ahead.
    t = two((5, 3, 5), (1, 4, 1), weights=(1, 1, 5))
    lat = t.sensitivity().of("Latency")
    assert lat.down is None
    assert t.with_weight("Latency", 0).ranking().winner == "A"


def test_zero_weight_criterion_reports_absolute_change():
    t = two((5, 1, 3), (4, 5, 3), weights=(1, 0, 1))
    cost = t.sensitivity().of("Cost")
    assert cost.percent is None and math.isclose(cost.change, 0.25)  # (8-7.75)... A 5+3=8, B 4+3=7 -> 1/4
    assert t.with_weight("Cost", 0.3).ranking().winner == "B"


def test_chosen_option_not_top_ranked_is_said():
    t = orders()
    t.chosen = "MongoDB"
    notes = t.validate()
    assert any('chosen option "MongoDB" is not the top-ranked one ("PostgreSQL")' in n for n in notes)
    assert "not the top-ranked" in tradeoff_html(t)
    assert "not the top-ranked" in tradeoff_markdown(t)


def test_one_option_or_no_criteria_is_incomplete_not_an_error():
    t = Tradeoff()
    assert t.validate() == []
    assert t.sensitivity().verdict == "incomplete"
    t.add_option("Only")
    assert t.ranking().winner == "Only"
    assert "Add at least one option and one criterion" in tradeoff_html(t)


# --- AHP ---------------------------------------------------------------------------------------

def test_ahp_textbook_matrix():
    # Saaty's classic 3x3: [[1,3,5],[1/3,1,3],[1/5,1/3,1]]
    r = ahp_weights(["a", "b", "c"], [("a", "b", 3), ("a", "c", 5), ("b", "c", 3)])
    assert [round(r.weights[k], 3) for k in "abc"] == [0.637, 0.258, 0.105]
    assert math.isclose(r.lambda_max, 3.0385, abs_tol=1e-3)
    assert math.isclose(r.cr, 0.0332, abs_tol=1e-3) and r.consistent


def test_ahp_consistent_matrix_has_zero_ratio():
    r = ahp_weights(["a", "b", "c"], [("a", "b", 2), ("a", "c", 4), ("b", "c", 2)])
    assert [round(r.weights[k], 6) for k in "abc"] == [round(4 / 7, 6), round(2 / 7, 6), round(1 / 7, 6)]
    assert abs(r.cr) < 1e-9


def test_ahp_inconsistent_comparisons_warn():
    t = orders()
    t.pairwise = []
    t.set_judgement("Transactions", "Schema flexibility", 9)
    t.set_judgement("Schema flexibility", "Ops effort", 9)
    t.set_judgement("Transactions", "Ops effort", 1 / 9)
    result = t.ahp()
    assert result.cr >= 0.10 and not result.consistent
    assert any("inconsistent: consistency ratio" in n for n in t.validate())


def test_ahp_boundary_is_a_warning_at_point_ten(monkeypatch):
    from adrkit.core.tradeoff import analysis as mod

    t = orders()
    t.set_judgement("Transactions", "Ops effort", 2)
    monkeypatch.setattr(mod, "ahp_weights", lambda *a, **k: mod.AhpResult(
        {c: 1 / 3 for c in t.criterion_names}, 3.116, 0.058, 0.10, 3))
    assert not t.ahp().consistent
    assert any("0.10 or more" in n for n in t.warnings())


def test_apply_ahp_sets_weights_and_round_trips():
    t = orders()
    t.set_judgement("Transactions", "Schema flexibility", 3)
    t.set_judgement("Transactions", "Ops effort", 5)
    t.set_judgement("Schema flexibility", "Ops effort", 3)
    t.apply_ahp()
    assert [c.weight for c in t.criteria] == [0.637, 0.2583, 0.1047]
    assert not any("differ" in n for n in t.warnings())
    again = Tradeoff.from_dict(t.to_dict())
    assert again == t and again.judgement("Ops effort", "Transactions") == pytest.approx(1 / 5)


def test_pairwise_must_cover_every_pair():
    data = orders().to_dict()
    data["pairwise"] = [{"a": "Transactions", "b": "Ops effort", "ratio": 3}]
    with pytest.raises(ValidationError, match='no comparison of "Transactions" with "Schema flexibility"'):
        Tradeoff.from_dict(data).validate()
    data["pairwise"] = [["Transactions", "Ops effort", "1/3"], ["Transactions", "Schema flexibility", 2],
                        ["Schema flexibility", "Ops effort", 1]]
    assert Tradeoff.from_dict(data).judgement("Ops effort", "Transactions") == pytest.approx(3)


# --- validation ------------------------------------------------------------------------------

def _error(data: dict, where="tradeoffs.main") -> ValidationError:
    with pytest.raises(ValidationError) as info:
        Tradeoff.from_dict(data, path="d/0007-x.yaml", where=where).validate(
            path="d/0007-x.yaml", where=where)
    return info.value


@pytest.mark.parametrize("mutate, where, message, fix", [
    (lambda d: d["options"][0]["scores"].update({"Speed": 3}),
     'option "PostgreSQL", scores', 'score for "Speed", which is not a criterion', '"Transactions"'),
    (lambda d: d["options"][1]["scores"].update({"Ops effort": 7}),
     'option "MongoDB", scores', 'score 7 for "Ops effort" is outside the scale 1 to 5',
     "give a number from 1 to 5"),
    (lambda d: d["criteria"][1].update({"weight": -2}),
     'criterion "Schema flexibility", weight', "is -2", "0 or more"),
    (lambda d: [c.update({"weight": 0}) for c in d["criteria"]],
     "criteria", "every weight is 0", "above 0"),
    (lambda d: d["options"][2].update({"name": "MongoDB"}),
     "options", 'two options are named "MongoDB"', "its own name"),
    (lambda d: d.update({"chosen": "Cassandra"}),
     "chosen", 'chosen "Cassandra" is not one of the options', '"PostgreSQL", "MongoDB", "DynamoDB"'),
    (lambda d: d.update({"baseline": "Redis"}),
     "baseline", 'baseline "Redis" is not one of the options', "use one of"),
    (lambda d: d["options"][0]["scores"].pop("Ops effort"),
     'option "PostgreSQL", scores', 'no score for "Ops effort"', "under scores"),
    (lambda d: d["options"][0]["arguments"].append({"bad": "x", "criterion": "Vibes"}),
     'option "PostgreSQL", arguments', '"Vibes", which is not a criterion', "leave 'criterion' out"),
    (lambda d: d.update({"scale": {"min": 5, "max": 1}}),
     "scale", "runs from 5 to 1", "smaller 'min'"),
])
def test_validation_names_the_field_and_the_fix(mutate, where, message, fix):
    data = orders().to_dict()
    mutate(data)
    err = _error(data)
    assert err.where == f"tradeoffs.main, {where}"
    assert message in err.message
    assert fix in (err.fix or "")
    text = str(err)
    assert text.startswith("d/0007-x.yaml (tradeoffs.main, ") and "\n" not in text


@pytest.mark.parametrize("data, where, message", [
    ({"criteria": [{"name": "Cost", "weight": "high"}]}, 'criterion "Cost", weight', "weight must be a number"),
    ({"criteria": "Cost"}, "criteria", "'criteria' must be a list"),
    ({"options": [{"name": "A", "scores": {"Cost": "good"}}]}, 'option "A", scores, "Cost"', "must be a number"),
    ({"options": [{"scores": {}}]}, "options[1]", "name is missing"),
    ({"options": [{"name": "A", "arguments": [{"good": "x", "bad": "y"}]}]}, 'option "A", arguments[1]',
     "exactly one of good, neutral or bad"),
    ({"scale": [1]}, "scale", "scale must say its min and max"),
    ({"colour": "red"}, "colour", "unknown key 'colour'"),
    ({"criteria": [{"name": "Cost", "weight": True}]}, 'criterion "Cost", weight', "must be a number"),
])
def test_wrong_types_are_reported_when_reading(data, where, message):
    with pytest.raises(ValidationError) as info:
        Tradeoff.from_dict(data, path="x.yaml", where="tradeoffs.main")
    assert info.value.where == f"tradeoffs.main, {where}"
    assert message in info.value.message


def test_validate_counts_further_problems():
    data = orders().to_dict()
    data["chosen"] = "Nope"
    data["baseline"] = "Nope"
    err = _error(data)
    assert "1 more problem after this" in err.fix
    assert len(Tradeoff.from_dict(data).problems()) == 2


def test_ranking_refuses_an_invalid_table():
    t = orders()
    t.option("MongoDB").scores["Transactions"] = 6
    with pytest.raises(ValidationError, match="outside the scale"):
        t.ranking()
    html = tradeoff_html(t)
    assert "cannot be ranked yet" in html and "outside the scale" in html


def test_edits_keep_names_consistent():
    t = orders()
    t.rename_criterion("Transactions", "ACID")
    assert t.option("PostgreSQL").scores["ACID"] == 5
    assert t.option("PostgreSQL").arguments[0].criterion == "ACID"
    t.rename_option("MongoDB", "Mongo")
    assert t.baseline == "Mongo"
    t.remove_option("PostgreSQL")
    assert t.chosen is None
    t.remove_criterion("ACID")
    assert "ACID" not in t.option("Mongo").scores
    with pytest.raises(ValidationError, match='already an option named "Mongo"'):
        t.rename_option("DynamoDB", "Mongo")
    with pytest.raises(ValidationError, match="no name"):
        t.add_criterion("   ")
    c = t.add_criterion("Latency", 2)
    assert c.weight == 2 and t.option("Mongo").scores["Latency"] == 3
    t.validate()


# --- YAML / data file ------------------------------------------------------------------------

def test_round_trip_through_the_data_file(tmp_path):
    path = tmp_path / "0007-use-postgresql-for-orders.yaml"
    t = orders()
    save_tradeoff(t, path)
    text = path.read_text()
    assert "tradeoffs:\n  main:\n    question: Which datastore" in text
    assert "- good: ACID transactions for financial data\n        criterion: Transactions" in text
    assert "weight: 5\n" in text  # integers stay integers
    assert load_tradeoff(path) == t
    assert load_tradeoffs(read_data(path), path=path) == {"main": t}
    other = two((1, 2, 3), (3, 2, 1))
    save_tradeoff(other, path, "queue")
    assert set(load_tradeoffs(read_data(path))) == {"main", "queue"}
    assert load_tradeoff(path, "main") == t


def test_load_missing_table_names_the_choices(tmp_path):
    path = tmp_path / "0001-x.yaml"
    save_tradeoff(orders(), path)
    with pytest.raises(NotFoundError) as info:
        load_tradeoff(path, "other")
    assert "use one of main" in str(info.value)


def test_save_refuses_an_invalid_table_and_leaves_the_file(tmp_path):
    path = tmp_path / "0001-x.yaml"
    save_tradeoff(orders(), path)
    before = path.read_bytes()
    t = orders()
    t.chosen = "Oracle"
    with pytest.raises(ValidationError, match="tradeoffs.main, chosen"):
        save_tradeoff(t, path)
    assert path.read_bytes() == before


def test_load_tradeoffs_of_an_empty_file():
    assert load_tradeoffs({}) == {}
    assert load_tradeoffs({"tradeoffs": None}) == {}
    with pytest.raises(ValidationError, match="must map names"):
        load_tradeoffs({"tradeoffs": ["a"]})


def test_string_arguments_are_read():
    t = Tradeoff.from_dict({"options": [{"name": "A", "arguments": ["Good, because fast", "Bad, because costly"]}]})
    assert t.option("A").arguments == [Argument("good", "fast"), Argument("bad", "costly")]


# --- representations --------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_an_accessible_static_table():
    t = orders()
    out = tradeoff_html(t)
    p = _Tags()
    p.feed(out)
    tags = [name for name, _ in p.tags]
    assert "script" not in tags and "iframe" not in tags
    assert not any(k.startswith("on") for _, attrs in p.tags for k in attrs)
    assert tags.count("caption") == tags.count("table") == 3  # scores, sensitivity, Pugh
    ths = [attrs for name, attrs in p.tags if name == "th"]
    assert ths and all(a.get("scope") in ("col", "row") for a in ths)
    text = "".join(p.text)
    assert "Which datastore should the orders service use?" in text
    assert "★ top-ranked" in text and "✓ chosen" in text and "baseline" in text
    assert "4.00" in text and "3.80" in text and "3.40" in text
    assert "Chosen option: \"PostgreSQL\", because orders need multi-row transactions." in text
    assert "Sensitive:" in text and "Pugh matrix against the baseline" in text
    assert "Good, because ACID transactions for financial data" in text


def test_html_escapes_everything():
    t = Tradeoff.from_dict({
        "question": "<script>alert(1)</script>",
        "criteria": [{"name": "<b>Cost</b>", "weight": 1, "description": '"quoted" & <i>'}],
        "options": [{"name": "A & <B>", "description": "<img src=x onerror=alert(1)>",
                     "scores": {"<b>Cost</b>": 4},
                     "arguments": [{"good": "<script>x</script>"}]},
                    {"name": "C", "scores": {"<b>Cost</b>": 2}}],
        "baseline": "C", "chosen": "A & <B>", "because": "</table><script>",
    })
    out = tradeoff_html(t)
    assert "<script" not in out and "<img" not in out and "<b>" not in out and "<i>" not in out
    assert "&lt;script&gt;" in out and "A &amp; &lt;B&gt;" in out


def test_markdown_follows_madr():
    md = tradeoff_markdown(orders())
    assert md.startswith("## Considered Options\n")
    assert "\n* PostgreSQL\n* MongoDB\n* DynamoDB\n" in md
    assert "\n## Decision Outcome\n\nChosen option: \"PostgreSQL\", because orders need multi-row transactions.\n" in md
    assert "\n## Pros and Cons of the Options\n\n### PostgreSQL\n\nrelational, managed\n\n" \
           "* Good, because ACID transactions for financial data\n* Neutral, because the team knows it\n" \
           "* Bad, because Less flexible schema evolution\n" in md
    assert "| Option | Transactions (weight 5, 50 %) | Schema flexibility (weight 2, 20 %) | " \
           "Ops effort (weight 3, 30 %) | Weighted total | Rank |" in md
    assert "| **PostgreSQL** (chosen) | 5 | 3 | 3 | 4.00 | 1 |" in md
    assert "| MongoDB (baseline) | 3 | 5 | 3 | 3.40 | 3 |" in md
    sub = tradeoff_markdown(orders(), 3)
    assert sub.startswith("### Considered Options") and "\n#### PostgreSQL\n" in sub
    with pytest.raises(UsageError):
        tradeoff_markdown(orders(), 7)


def test_markdown_escapes_table_pipes_and_handles_no_choice():
    t = two((5, 5, 5), (1, 1, 1))
    t.rename_option("A", "A|B")
    md = tradeoff_markdown(t)
    assert "**A\\|B**" in md
    assert 'No option chosen yet; the weighted ranking puts "A|B" first.' in md


def test_code_comment_form():
    assert tradeoff_comment(orders(), "java") == (
        "// Using PostgreSQL over DynamoDB because:\n"
        "// + ACID transactions for financial data\n"
        "// - Less flexible schema evolution\n")
    assert tradeoff_comment(orders(), "python", over="MongoDB").splitlines()[0] == \
        "# Using PostgreSQL over MongoDB because:"
    assert tradeoff_comment(orders(), ".sql").startswith("-- Using PostgreSQL")
    assert tradeoff_comment(orders(), "html").splitlines()[1] == "<!-- + ACID transactions for financial data -->"
    assert tradeoff_comment(orders(), "go", over=["MongoDB", "DynamoDB"]).startswith(
        "// Using PostgreSQL over MongoDB and DynamoDB because:")
    assert comment_marker("main.rs") == ("// ", "")
    with pytest.raises(UsageError, match="no comment marker known for language 'klingon'"):
        tradeoff_comment(orders(), "klingon")
    with pytest.raises(ValidationError, match='no option named "Oracle"'):
        tradeoff_comment(orders(), "go", over="Oracle")


def test_to_frame():
    frame = tradeoff_frame(orders())
    assert list(frame.index) == ["PostgreSQL", "DynamoDB", "MongoDB"]
    assert list(frame.columns) == ["Transactions", "Schema flexibility", "Ops effort", "weighted total", "rank"]
    assert frame.loc["DynamoDB", "weighted total"] == pytest.approx(3.8)
    assert frame.loc["MongoDB", "rank"] == 3


def test_importing_the_model_stays_light():
    code = ("import sys, adrkit, adrkit.core.tradeoff, adrkit.storage.datafile; "
            "heavy = [m for m in ('pandas', 'ipywidgets', 'graphviz', 'nbconvert', 'numpy') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_sensitivity_summary_wording_is_one_line():
    for t in (orders(), two((1, 5, 1), (2, 1, 4)), two((5, 4, 3), (4, 4, 1))):
        s = t.sensitivity().summary
        assert "\n" not in s and re.match(r'^"[AP]', s)


# --- number formatting ----------------------------------------------------------------------

def test_whole_percentages_keep_their_zeros():
    from adrkit.core.wording import num as _num
    assert [_num(x, 0) for x in (20.3, 9.96, 50.4, 100.2)] == ["20", "10", "50", "100"]
    assert _num(2.50) == "2.5" and _num(3.0) == "3" and _num(0.3, 0) == "0.3"
    t = Tradeoff(criteria=[Criterion("Cost", 2.03), Criterion("Speed", 7.97)],
                 options=[Option("A", scores={"Cost": 1, "Speed": 2}),
                          Option("B", scores={"Cost": 3, "Speed": 1})])
    html_out, md = tradeoff_html(t), tradeoff_markdown(t)
    assert "weight 2.03 (20 %)" in html_out and "weight 7.97 (80 %)" in html_out
    assert "(2 %)" not in html_out and "(8 %)" not in html_out
    assert "Cost (weight 2.03, 20 %)" in md and "Speed (weight 7.97, 80 %)" in md


def test_small_amounts_never_print_as_zero_or_minus_zero():
    from adrkit.core.wording import num as _num, signed as _signed
    assert _signed(-0.004) == "−0.004" and _signed(0.004) == "+0.004"
    assert _signed(0) == "" and _signed(-0.0) == ""
    assert _num(0.004) == "0.004" and _num(-0.004) == "-0.004"
    assert _signed(-8.333) == "−8.33" and _signed(12.34) == "+12.3"   # unchanged elsewhere


# --- sensitivity of zero weights ----------------------------------------------------------------

def zero_weight_flip() -> Tradeoff:
    # X: 10*5 + 0*1 + 1*1 = 51; Y: 10*4.99 + 0*5 + 1*1.05 = 50.95; margin 0.05/11.
    # Raising B from 0 to 0.05/4 = 0.0125 brings Y level (0.0125 / 11.0125 = 0.114 % of the total).
    names = ("A", "B", "D")
    return Tradeoff(criteria=[Criterion(n, w) for n, w in zip(names, (10, 0, 1))],
                    options=[Option("X", scores={"A": 5, "B": 1, "D": 1}),
                             Option("Y", scores={"A": 4.99, "B": 5, "D": 1.05})])


def test_a_zero_weight_that_flips_the_winner_is_judged_by_its_share_of_the_total():
    t = zero_weight_flip()
    sens = t.sensitivity()
    assert sens.winner == "X" and math.isclose(sens.margin, 0.05 / 11)
    b = sens.of("B")
    assert b.percent is None and math.isclose(b.change, 0.0125)
    assert math.isclose(b.share, 0.0125 / 11.0125 * 100) and math.isclose(b.size, b.share)
    assert math.isclose(sens.of("A").percent, -50)
    assert sens.most_sensitive.criterion == "B"
    assert sens.verdict == "fragile"
    assert t.with_weight("B", 0.013).ranking().winner == "Y"
    assert t.with_weight("B", 0.012).ranking().winner == "X"
    assert '"X" leads by 0.0045 ' in sens.summary
    assert ('Fragile: giving "B" a weight of 0.0125 (0.114 % of the total) brings "Y" level, '
            "and any more makes it win.") in sens.summary
    assert b.describe() == "giving it a weight of 0.0125 (0.114 % of the total) brings Y level; any more and it wins"
    out = tradeoff_html(t)
    assert "<td>+0.0125 (0.114 % of the total)</td><td>0.0125</td>" in out
    assert "Sensitivity: fragile." in out
    assert "Fragile: giving" in tradeoff_markdown(t)


def test_a_zero_weight_needing_a_large_share_does_not_make_the_win_fragile():
    # Raising Cost from 0 to 1 (half the total) only brings B level: robust from Cost,
    # while the Latency/Ops changes decide the verdict as before.
    t = two((5, 1, 3), (4, 5, 3), weights=(1, 0, 1))
    cost = t.sensitivity().of("Cost")
    assert math.isclose(cost.share, 0.25 / 2.25 * 100)   # 11.1 %: sensitive, not fragile
    t = two((5, 1, 3), (4, 2, 3), weights=(1, 0, 1))   # A 8, B 7: Cost 0 -> 1 ties them
    sens = t.sensitivity()
    cost = sens.of("Cost")
    assert math.isclose(cost.change, 1) and math.isclose(cost.share, 100 / 3)
    assert sens.verdict == "sensitive" and sens.most_sensitive.criterion == "Cost"
    assert 'giving "Cost" a weight of 1 (33.3 % of the total)' in sens.summary
    t = two((5, 1, 3), (4, 1.5, 3), weights=(1, 0, 1))  # Cost 0 -> 2 ties: half the total
    sens = t.sensitivity()
    assert math.isclose(sens.of("Cost").share, 50) and sens.verdict == "sensitive"
    t = two((5, 1, 3), (4, 1.4, 3), weights=(1, 0, 1))  # Cost 0 -> 2.5: 55.6 % of the total
    sens = t.sensitivity()
    assert sens.verdict == "robust" and "the closest call" in sens.summary


# --- code comments: breaking out and ties -------------------------------------------------------

def test_comment_text_cannot_close_a_block_comment():
    t = orders()
    t.add_argument("PostgreSQL", "good", "fast */ body{display:none} /*")
    t.add_argument("PostgreSQL", "bad", "slow --> <script>alert(1)</script> <!-- and --!> too")
    css = tradeoff_comment(t, "css")
    for line in css.splitlines():
        assert line.startswith("/* ") and line.endswith(" */") and "*/" not in line[3:-3]
    assert "/* + fast * / body{display:none} /* */" in css
    html_out = tradeoff_comment(t, "html")
    for line in html_out.splitlines():
        assert line.startswith("<!-- ") and line.endswith(" -->")
        assert "-->" not in line[5:-4] and "--!>" not in line[5:-4]
    t.add_argument("PostgreSQL", "good", 'nested (* and *) and "quote')
    ml = tradeoff_comment(t, "ocaml")
    for line in ml.splitlines():
        body = line[3:-3]
        assert "(*" not in body and "*)" not in body and '"' not in body
    t.add_argument("PostgreSQL", "good", r"see \u000a System.exit(1); and \\u000a")
    # an odd run of backslashes before u gets one more; an even run is left alone
    assert r"// + see \\u000a System.exit(1); and \\u000a" in tradeoff_comment(t, "java").splitlines()
    assert r"// + see \u000a System.exit(1); and \\u000a" in tradeoff_comment(t, "go").splitlines()
    t.add_argument("PostgreSQL", "bad", "ends in a backslash \\")
    assert tradeoff_comment(t, "c").splitlines()[-1] == "// - ends in a backslash"
    assert tradeoff_comment(t, "go").splitlines()[-1] == "// - ends in a backslash \\"


def test_comment_says_so_when_nothing_is_chosen_and_the_top_ties():
    t = two((5, 5, 5), (5, 5, 5))
    t.add_argument("A", "good", "known")
    t.add_argument("B", "bad", "new")
    assert t.ranking().tied and not t.chosen
    assert tradeoff_comment(t, "java") == (
        "// No winner yet: A and B tie on the weighted score.\n"
        "// A:\n// + known\n"
        "// B:\n// - new\n")
    assert "Using" not in tradeoff_comment(t, "py", over="B")
    with pytest.raises(ValidationError, match='no option named "C"'):
        tradeoff_comment(t, "go", over="C")
    t.chosen = "B"
    assert tradeoff_comment(t, "java").startswith("// Using B over A because:")
