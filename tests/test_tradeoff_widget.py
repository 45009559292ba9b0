"""The trade-off editor built with no front end: simulated edits, the file on disk,
reloads, an outside change, refused edits, and the static HTML in the output."""
from __future__ import annotations

import html

import pytest

pytest.importorskip("ipywidgets")

from adrkit.storage.datafile import load_tradeoff, read_data
from adrkit.core.tradeoff import Tradeoff
from adrkit.widgets import tradeoff_editor
from adrkit.widgets.tradeoff import TradeoffEditor

STEM = "0007-use-postgresql-for-orders"


@pytest.fixture
def path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / f"{STEM}.ipynb").write_text("{}")
    return tmp_path / f"{STEM}.yaml"


def build(ed: TradeoffEditor) -> None:
    """Type the orders table in, the way a user would."""
    ed.question.value = "Which datastore should the orders service use?"
    for name in ("PostgreSQL", "MongoDB", "DynamoDB"):
        ed.new_option_name.value = name
        ed.add_option_button.click()
    for name, weight in (("Transactions", 5), ("Schema flexibility", 2), ("Ops effort", 3)):
        ed.new_criterion_name.value = name
        ed.new_criterion_weight.value = weight
        ed.add_criterion_button.click()
    scores = {"PostgreSQL": (5, 3, 3), "MongoDB": (3, 5, 3), "DynamoDB": (3, 4, 5)}
    for opt, values in scores.items():
        for crit, value in zip(("Transactions", "Schema flexibility", "Ops effort"), values):
            ed.score_boxes[(opt, crit)].value = value
    new = ed.new_argument["PostgreSQL"]
    new["kind"].value, new["text"].value, new["criterion"].value = "good", "ACID transactions", "Transactions"
    new["add"].click()
    new = ed.new_argument["PostgreSQL"]
    new["kind"].value, new["text"].value = "bad", "Less flexible schema evolution"
    new["add"].click()
    ed.baseline.value = "MongoDB"
    ed.chosen.value = "PostgreSQL"
    ed.because.value = "orders need multi-row transactions."


def test_found_by_stem_and_every_edit_reaches_the_file(path):
    ed = tradeoff_editor(STEM)
    assert ed.path.resolve() == path.resolve()
    assert not path.exists()  # opening alone writes nothing
    build(ed)
    assert ed.error is None and not ed.dirty
    on_disk = load_tradeoff(path)
    assert on_disk == ed.model
    assert on_disk.ranking().names == ["PostgreSQL", "DynamoDB", "MongoDB"]
    assert on_disk.option("PostgreSQL").arguments[0].criterion == "Transactions"
    assert on_disk.chosen == "PostgreSQL" and on_disk.baseline == "MongoDB"
    # the rendered ranking follows the model
    assert "1. PostgreSQL (4.00)" in ed.summary.value
    assert "Pugh vs MongoDB" in ed.summary.value
    assert "4.00" in ed.report_html and "Sensitivity" in ed.report_html
    # a weight edit re-ranks live and is saved at once
    ed.criterion_rows["Transactions"]["weight"].value = 3.9
    assert ed.model.ranking().winner == "DynamoDB"
    assert load_tradeoff(path).criterion("Transactions").weight == 3.9
    assert "1. DynamoDB" in ed.summary.value
    assert ed.flush() is True


def test_rename_and_remove_keep_the_table_consistent(path):
    ed = TradeoffEditor(path)
    build(ed)
    ed.option_rows["MongoDB"]["name"].value = "Mongo"
    assert load_tradeoff(path).baseline == "Mongo"
    assert ("Mongo", "Transactions") in ed.score_boxes  # controls rebuilt under the new name
    ed.criterion_rows["Transactions"]["name"].value = "ACID"
    assert load_tradeoff(path).option("PostgreSQL").arguments[0].criterion == "ACID"
    ed.criterion_rows["Ops effort"]["remove"].click()
    ed.option_rows["DynamoDB"]["remove"].click()
    ed.argument_rows["PostgreSQL"][1]["remove"].click()
    saved = load_tradeoff(path)
    assert saved.criterion_names == ["ACID", "Schema flexibility"]
    assert saved.option_names == ["PostgreSQL", "Mongo"]
    assert [a.text for a in saved.option("PostgreSQL").arguments] == ["ACID transactions"]


def test_reload_brings_back_the_same_state(path):
    ed = TradeoffEditor(path)
    build(ed)
    again = tradeoff_editor(str(path))  # re-running the cell (or after a kernel restart)
    assert again.model == ed.model
    assert again.score_boxes[("DynamoDB", "Ops effort")].value == 5
    assert again.chosen.value == "PostgreSQL" and again.because.value == "orders need multi-row transactions."
    assert again.report_html == ed.report_html


def test_outside_change_is_detected_and_not_overwritten(path):
    ed = TradeoffEditor(path)
    build(ed)
    theirs = path.read_text().replace("Which datastore", "Which store")
    path.write_text(theirs)
    ed.score_boxes[("MongoDB", "Ops effort")].value = 4
    assert ed.conflict and ed.dirty
    assert path.read_text() == theirs  # untouched
    assert "changed on disk since it was loaded" in ed.message.value
    assert "not saved" in ed.header.value
    assert ed.overwrite_button.layout.display is None  # the choice is offered
    assert ed.model.option("MongoDB").scores["Ops effort"] == 4  # the edit is kept, unsaved
    assert ed.flush() is False and path.read_text() == theirs
    ed.reload_button.click()  # take their version
    assert not ed.conflict and ed.model.question == "Which store should the orders service use?"
    assert ed.model.option("MongoDB").scores["Ops effort"] == 3
    ed.score_boxes[("MongoDB", "Ops effort")].value = 2  # now saves normally
    assert load_tradeoff(path).option("MongoDB").scores["Ops effort"] == 2


def test_overwrite_after_a_conflict(path):
    ed = TradeoffEditor(path)
    build(ed)
    path.write_text(path.read_text() + "# someone else\n")
    ed.chosen.value = "DynamoDB"
    assert ed.conflict
    ed.overwrite_button.click()
    assert not ed.conflict and load_tradeoff(path).chosen == "DynamoDB"
    assert "# someone else" not in path.read_text()


@pytest.mark.parametrize("edit, message", [
    (lambda ed: setattr(ed.score_boxes[("MongoDB", "Transactions")], "value", 9),
     'score 9 for "Transactions" is outside the scale 1 to 5'),
    (lambda ed: setattr(ed.criterion_rows["Ops effort"]["weight"], "value", -1),
     'the weight of "Ops effort" is -1'),
    (lambda ed: setattr(ed.option_rows["DynamoDB"]["name"], "value", "MongoDB"),
     'there is already an option named "MongoDB"'),
    (lambda ed: setattr(ed.scale_max, "value", 1), "the scale runs from 1 to 1"),
])
def test_invalid_edit_shows_a_message_and_leaves_the_file(path, edit, message):
    ed = TradeoffEditor(path)
    build(ed)
    before = path.read_bytes()
    model = ed.model.copy()
    edit(ed)
    assert message in html.unescape(ed.message.value) and message in ed.error
    assert "Not applied" in ed.message.value
    assert path.read_bytes() == before and ed.model == model
    # the controls show the model again, not the refused value
    assert ed.score_boxes[("MongoDB", "Transactions")].value == 3
    assert ed.criterion_rows["Ops effort"]["weight"].value == 3
    assert ed.scale_max.value == 5
    assert "DynamoDB" in ed.option_rows


def test_all_weights_zero_is_refused(path):
    ed = TradeoffEditor(path)
    build(ed)
    ed.criterion_rows["Schema flexibility"]["weight"].value = 0
    ed.criterion_rows["Ops effort"]["weight"].value = 0
    ed.criterion_rows["Transactions"]["weight"].value = 0
    assert "every weight is 0" in ed.message.value
    assert load_tradeoff(path).criterion("Transactions").weight == 5


def test_a_bug_in_a_callback_is_shown_in_the_widget(path, monkeypatch):
    ed = TradeoffEditor(path)
    build(ed)
    monkeypatch.setattr(Tradeoff, "set_score", lambda *a: 1 / 0)
    ed.score_boxes[("MongoDB", "Transactions")].value = 4
    assert "Internal error (ZeroDivisionError" in ed.message.value
    assert "Traceback" in ed.message.value  # in a collapsed details element


def test_broken_file_is_reported_and_never_written(path):
    path.write_text("tradeoffs:\n  main:\n    criteria: [{name: Cost, weight: high}]\n")
    before = path.read_bytes()
    ed = TradeoffEditor(path)
    assert ed.model is None
    assert "weight must be a number" in ed.message.value and "Reload" in ed.message.value
    assert ed.reload_button.layout.display is None
    ed.flush()
    assert path.read_bytes() == before
    path.write_text("tradeoffs:\n  main:\n    criteria: [{name: Cost, weight: 2}]\n")
    ed.reload_button.click()
    assert ed.model is not None and ed.model.criterion("Cost").weight == 2


def test_unparseable_yaml_is_reported(path):
    path.write_text("tradeoffs: [unclosed\n")
    ed = TradeoffEditor(path)
    assert ed.model is None and "does not parse as YAML" in ed.message.value
    assert "could not be read" in ed.report_html


def test_file_with_rule_problems_loads_and_says_so(path):
    path.write_text("tradeoffs:\n  main:\n    options: [{name: A, scores: {Speed: 3}}]\n")
    ed = TradeoffEditor(path)
    assert ed.model is not None
    assert 'score for "Speed", which is not a criterion' in html.unescape(ed.message.value)


def test_pairwise_weights(path):
    ed = TradeoffEditor(path)
    build(ed)
    ed.pairwise_boxes[("Transactions", "Schema flexibility")].value = 3.0
    ed.pairwise_boxes[("Transactions", "Ops effort")].value = 5.0
    ed.pairwise_boxes[("Schema flexibility", "Ops effort")].value = 3.0
    assert "consistency ratio 0.03" in ed.pairwise_status.value
    ed.apply_pairwise_button.click()
    saved = load_tradeoff(path)
    assert [c.weight for c in saved.criteria] == [0.637, 0.2583, 0.1047]
    assert len(saved.pairwise) == 3
    ed.clear_pairwise_button.click()
    assert load_tradeoff(path).pairwise == []


def test_two_tables_in_one_file_do_not_conflict(path):
    main = TradeoffEditor(path)
    other = TradeoffEditor(path, "queue")
    build(main)
    other.new_option_name.value = "Kafka"
    other.add_option_button.click()
    assert not other.conflict
    main.chosen.value = "MongoDB"
    assert not main.conflict
    data = read_data(path)
    assert set(data["tradeoffs"]) == {"main", "queue"}


class _Handle:
    def __init__(self):
        self.updates = []

    def update(self, obj, **kw):
        self.updates.append((obj, kw))


def test_display_shows_the_widget_and_the_static_table(path, monkeypatch):
    import IPython.display

    shown = []

    def fake_display(obj, **kw):
        shown.append((obj, kw))
        return _Handle() if kw.get("display_id") else None

    monkeypatch.setattr(IPython.display, "display", fake_display)
    ed = TradeoffEditor(path)
    ed._ipython_display_()
    assert shown[0][0] is ed.widget
    bundle, kw = shown[1]
    assert kw == {"raw": True, "display_id": True}
    assert bundle["text/html"] == ed.report_html and "text/plain" in bundle
    build(ed)
    handle = ed._handles[0]
    bundle, kw = handle.updates[-1]
    assert kw == {"raw": True}
    assert bundle["text/html"] == ed.report_html and "PostgreSQL" in bundle["text/html"]
    assert "1. PostgreSQL  4.00" in bundle["text/plain"]
