"""The trade-off editor built with no front end: simulated edits, the file on disk,
reloads, outside changes (merged, or a conflict per field), refused edits in words,
undo, in-place updates, and the static HTML in the output.

Each way an edit used to be lost has its own test here: two editors (tabs) on one
table, Overwrite reverting another section, Reload in one editor leaving the other
stale, a file changed on disk while the editor said "saved", and the static output
showing an unsaved version during a conflict."""
from __future__ import annotations

import html
import time

import pytest

pytest.importorskip("ipywidgets")

from adrkit.core.tradeoff import Tradeoff
from adrkit.storage.datafile import DataFile, load_tradeoff, read_data
from adrkit.widgets import tradeoff_editor
from adrkit.widgets.lifecycle import LifecycleEditor
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
    for name, weight in (("Transactions", "5"), ("Schema flexibility", "2"), ("Ops effort", "3")):
        ed.new_criterion_name.value = name
        ed.new_criterion_weight.value = weight
        ed.add_criterion_button.click()
    scores = {"PostgreSQL": (5, 3, 3), "MongoDB": (3, 5, 3), "DynamoDB": (3, 4, 5)}
    for opt, values in scores.items():
        for crit, value in zip(("Transactions", "Schema flexibility", "Ops effort"), values):
            ed.score_boxes[(opt, crit)].value = str(value)
    new = ed.new_argument["PostgreSQL"]
    new["kind"].value, new["text"].value, new["criterion"].value = "good", "ACID transactions", "Transactions"
    new["add"].click()
    new = ed.new_argument["PostgreSQL"]
    new["kind"].value, new["text"].value = "bad", "Less flexible schema evolution"
    new["add"].click()
    ed.baseline.value = "MongoDB"
    ed.chosen.value = "PostgreSQL"
    ed.because.value = "orders need multi-row transactions."


def outside(path, old: str, new: str) -> str:
    """Someone else edits the file (the shell, another kernel, git)."""
    text = path.read_text(encoding="utf-8").replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


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
    assert "1. PostgreSQL (4.00)" in ed.summary.value
    assert "Pugh vs MongoDB" in ed.summary.value
    assert "4.00" in ed.report_html and "Sensitivity" in ed.report_html
    ed.criterion_rows["Transactions"]["weight"].value = "3.9"
    assert ed.model.ranking().winner == "DynamoDB"
    assert load_tradeoff(path).criterion("Transactions").weight == 3.9
    assert "1. DynamoDB" in ed.summary.value
    assert ed.flush() is True


def test_edits_update_the_controls_in_place(path):
    ed = TradeoffEditor(path)
    build(ed)
    weight = ed.criterion_rows["Transactions"]["weight"]
    score = ed.score_boxes[("MongoDB", "Ops effort")]
    panel = ed.arguments.children[0]
    ed.arguments.selected_index = 0  # the PostgreSQL panel is open
    ed.new_option_name.value = "Cassandra"
    ed.add_option_button.click()
    ed.new_argument["PostgreSQL"]["kind"].value = "good"
    ed.new_argument["PostgreSQL"]["text"].value = "mature tooling"
    ed.new_argument["PostgreSQL"]["add"].click()
    # the same widgets, still showing the model: nothing was rebuilt
    assert ed.criterion_rows["Transactions"]["weight"] is weight
    assert ed.score_boxes[("MongoDB", "Ops effort")] is score
    assert ed.arguments.children[0] is panel and ed.arguments.selected_index == 0
    assert ed.arguments.titles[0] == "PostgreSQL · 2 good, 1 bad"
    assert ed.new_argument["PostgreSQL"]["text"].value == ""
    assert ("Cassandra", "Transactions") in ed.score_boxes
    # a rename keeps the row's widgets too
    ed.option_rows["MongoDB"]["name"].value = "Mongo"
    assert ed.score_boxes[("Mongo", "Ops effort")] is score
    ed.criterion_rows["Transactions"]["name"].value = "ACID"
    assert ed.criterion_rows["ACID"]["weight"] is weight and ed.score_boxes[("Mongo", "ACID")].value == "3"


def test_rename_remove_and_move_keep_the_table_consistent(path):
    ed = TradeoffEditor(path)
    build(ed)
    ed.option_rows["MongoDB"]["name"].value = "Mongo"
    assert load_tradeoff(path).baseline == "Mongo"
    ed.criterion_rows["Transactions"]["name"].value = "ACID"
    assert load_tradeoff(path).option("PostgreSQL").arguments[0].criterion == "ACID"
    ed.criterion_rows["Ops effort"]["remove"].click()
    ed.option_rows["DynamoDB"]["remove"].click()
    assert "Undo brings it back" in ed.message.value
    ed.argument_rows["PostgreSQL"][1]["remove"].click()
    saved = load_tradeoff(path)
    assert saved.criterion_names == ["ACID", "Schema flexibility"]
    assert saved.option_names == ["PostgreSQL", "Mongo"]
    assert [a.text for a in saved.option("PostgreSQL").arguments] == ["ACID transactions"]
    ed.option_rows["Mongo"]["up"].click()
    ed.criterion_rows["ACID"]["down"].click()
    saved = load_tradeoff(path)
    assert saved.option_names == ["Mongo", "PostgreSQL"] and saved.criterion_names == ["Schema flexibility", "ACID"]


def test_undo_takes_back_the_last_edits(path):
    ed = TradeoffEditor(path)
    build(ed)
    before = load_tradeoff(path)
    ed.option_rows["DynamoDB"]["remove"].click()
    assert "remove option “DynamoDB”" in ed.undo_button.tooltip and ed.undo_button.layout.display is None
    ed.criterion_rows["Ops effort"]["weight"].value = "1"
    ed.undo_button.click()
    ed.undo_button.click()
    assert load_tradeoff(path) == before == ed.model
    assert ("DynamoDB", "Ops effort") in ed.score_boxes


def test_reload_brings_back_the_same_state(path):
    ed = TradeoffEditor(path)
    build(ed)
    again = tradeoff_editor(str(path))  # re-running the cell (or after a kernel restart)
    assert again.model == ed.model
    assert again.score_boxes[("DynamoDB", "Ops effort")].value == "5"
    assert again.chosen.value == "PostgreSQL" and again.because.value == "orders need multi-row transactions."
    assert again.report_html == ed.report_html


# --- lost edits, one test each ------------------------------------------------------------------

def test_two_tabs_on_one_table_never_overwrite_each_other(path):
    a = TradeoffEditor(path)
    build(a)
    b = TradeoffEditor(path)  # the same cell run in a second tab
    b.criterion_rows["Ops effort"]["weight"].value = "4"
    # tab A, still showing weight 3, changes another field: merged, B's edit kept
    a.score_boxes[("MongoDB", "Ops effort")].value = "2"
    saved = load_tradeoff(path)
    assert saved.criterion("Ops effort").weight == 4 and saved.option("MongoDB").scores["Ops effort"] == 2
    assert a.model == saved and a.criterion_rows["Ops effort"]["weight"].value == "4"
    assert "Ops effort weight: 3 → 4" in html.unescape(a.message.value)
    # both change the same field: a conflict, and the file keeps B's value
    b.criterion_rows["Transactions"]["weight"].value = "4"
    a.criterion_rows["Transactions"]["weight"].value = "1"
    assert a.conflict is not None and load_tradeoff(path).criterion("Transactions").weight == 4
    assert [c.path for c in a.conflict.conflicts] == [("criteria", "Transactions", "weight")]


def test_use_mine_leaves_an_outside_change_to_another_section(path):
    ed = TradeoffEditor(path)
    build(ed)
    lifecycle = LifecycleEditor(path)
    lifecycle.save()
    ed.check_disk()  # another editor's write to another entry needs no attention here
    assert ed.stale == [] and "changed on disk" not in ed.header.value
    # someone else changes the lifecycle and the question; this editor changes the question too
    outside(path, "Business Logic", "Domain Logic")
    outside(path, "Which datastore", "Which store")
    ed.question.value = "Where do orders live?"
    assert ed.conflict is not None
    rows = html.unescape(ed.conflict_rows.children[1].children[0].value)
    assert "question" in rows and "theirs “Which store should the orders service use?”" in rows
    assert "yours “Where do orders live?”" in rows
    assert "replaces only the fields set to" in ed.conflict_rows.children[0].value
    ed.overwrite_button.click()
    data = read_data(path)
    assert data["tradeoffs"]["main"]["question"] == "Where do orders live?"
    assert "Domain Logic" in [s["name"] for s in data["lifecycles"]["main"]["stages"]]


def test_choices_per_field(path):
    ed = TradeoffEditor(path)
    build(ed)
    outside(path, "Which datastore", "Which store")
    outside(path, "orders need multi-row transactions.", "their reason")
    ed._edit(lambda m: (setattr(m, "question", "Mine?"), setattr(m, "because", "my reason")), "two fields")
    assert {c.path for c in ed.conflict.conflicts} == {("question",), ("because",)}
    ed._toggles[0].value = "mine"   # question: mine
    ed._toggles[1].value = "theirs"  # because: theirs
    ed.resolve_button.click()
    saved = load_tradeoff(path)
    assert saved.question == "Mine?" and saved.because == "their reason" and ed.model == saved


def test_reload_in_one_editor_does_not_let_the_other_save_over_a_change(path):
    trade = TradeoffEditor(path)
    build(trade)
    life = LifecycleEditor(path)
    life.select("Auth")
    life.set_note("checks the JWT")
    outside(path, "checks the JWT", "checks the session cookie")
    trade.reload_button.click()
    assert life.set_note("checks the token")  # kept in the editor ...
    assert life.conflict is not None  # ... but not saved over theirs
    assert "checks the session cookie" in path.read_text(encoding="utf-8")


def test_a_change_on_disk_shows_at_once_without_an_edit(path):
    ed = TradeoffEditor(path)
    build(ed)
    assert "saved" in ed.header.value
    data = read_data(path)
    data["tradeoffs"]["main"]["options"] = [o for o in data["tradeoffs"]["main"]["options"]
                                            if o["name"] != "DynamoDB"]
    DataFile(path).put("tradeoffs", "main", data["tradeoffs"]["main"])  # as another kernel would
    assert ed.check_disk()
    assert "changed on disk" in ed.header.value and "saved" not in ed.header.value.split("·")[-1]
    assert "option “DynamoDB” removed" in ed.message.value and "Reload" in ed.message.value
    assert ed.reload_button.layout.display is None
    assert "DynamoDB" not in ed.report_html  # the static output follows the file
    ed.reload_button.click()
    assert "DynamoDB" not in ed.option_rows and "changed on disk" not in ed.header.value


def test_the_watcher_notices_a_change_by_itself(path, monkeypatch):
    import IPython.display

    from adrkit.widgets import watch

    monkeypatch.setattr(watch, "INTERVAL", 0.05)
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: None)
    ed = TradeoffEditor(path)
    build(ed)
    ed._ipython_display_()
    time.sleep(0.2)
    outside(path, "Which datastore", "Which store")
    deadline = time.monotonic() + 5
    while not ed.stale and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ed.stale and "question" in ed.message.value


def test_during_a_conflict_the_static_output_shows_the_file(path):
    ed = TradeoffEditor(path)
    build(ed)
    outside(path, "chosen: PostgreSQL", "chosen: DynamoDB")
    ed.chosen.value = "MongoDB"
    assert ed.conflict is not None and ed.model.chosen == "MongoDB"
    assert 'Chosen option: "DynamoDB"' in html.unescape(ed.report_html)
    assert "MongoDB" not in ed.report_html.split("Chosen option")[1][:40]


# --- refused edits ---------------------------------------------------------------------------------

@pytest.mark.parametrize("edit, message", [
    (lambda ed: setattr(ed.score_boxes[("MongoDB", "Transactions")], "value", "9"),
     "MongoDB score on Transactions must be from 1 to 5, not 9"),
    (lambda ed: setattr(ed.criterion_rows["Ops effort"]["weight"], "value", "-1"),
     "Ops effort weight must be 0 or more"),
    (lambda ed: setattr(ed.criterion_rows["Ops effort"]["weight"], "value", "high"),
     "Ops effort weight must be a number, not “high”"),
    (lambda ed: setattr(ed.option_rows["DynamoDB"]["name"], "value", "MongoDB"),
     "There is already an option named “MongoDB”"),
    (lambda ed: setattr(ed.option_rows["DynamoDB"]["name"], "value", " mongodb "),
     "There is already an option named “MongoDB”"),
    (lambda ed: ed.add_criterion("ops  EFFORT"), "There is already a criterion named “Ops effort”"),
    (lambda ed: ed.set_scale(1, 1), "The scale must run from a lower to a higher number"),
])
def test_invalid_edit_shows_a_message_in_words_and_leaves_the_file(path, edit, message):
    ed = TradeoffEditor(path)
    build(ed)
    ed.score_boxes[("MongoDB", "Transactions")].value = "x"  # an earlier refusal ...
    before = path.read_bytes()
    model = ed.model.copy()
    edit(ed)
    assert message in html.unescape(ed.message.value) and message in ed.error
    assert "“x”" not in ed.message.value  # ... whose message this one replaced
    assert "Not applied" in ed.message.value and str(path) not in ed.message.value
    assert path.read_bytes() == before and ed.model == model
    # the controls show the model again, not the refused value
    assert ed.score_boxes[("MongoDB", "Transactions")].value == "3"
    assert ed.criterion_rows["Ops effort"]["weight"].value == "3"
    assert ed.scale_max.value == "5"
    assert "DynamoDB" in ed.option_rows


def test_all_weights_zero_is_refused(path):
    ed = TradeoffEditor(path)
    build(ed)
    for name in ("Schema flexibility", "Ops effort", "Transactions"):
        ed.criterion_rows[name]["weight"].value = "0"
    assert "every weight is 0" in ed.message.value.lower()
    assert load_tradeoff(path).criterion("Transactions").weight == 5


def test_changing_the_scale_offers_to_rescale(path):
    ed = TradeoffEditor(path)
    build(ed)
    ed.scale_max.value = "9"
    assert ed.rescale_box.layout.display is None and "rescale the scores" in ed.rescale_note.value
    assert load_tradeoff(path).scale == (1, 5)
    ed.rescale_button.click()
    saved = load_tradeoff(path)
    assert saved.scale == (1, 9) and saved.option("PostgreSQL").scores["Transactions"] == 9
    assert saved.option("MongoDB").scores["Transactions"] == 5 and ed.rescale_box.layout.display == "none"
    ed.scale_max.value = "10"
    ed.keep_scores_button.click()
    assert load_tradeoff(path).scale == (1, 10) and load_tradeoff(path).option("MongoDB").scores["Transactions"] == 5


def test_enter_in_a_new_field_adds(path):
    ed = TradeoffEditor(path)
    box = ed.new_option_name
    box._handle_custom_msg({"event": "submit"}, [])  # Enter arrives before the typed value
    box.value = "Redis"
    assert ed.model.option_names == ["Redis"] and box.value == ""
    box.value = "Valkey"  # typed, then the field was left: not added until Enter or the button
    assert ed.model.option_names == ["Redis"]
    box._handle_custom_msg({"event": "submit"}, [])
    assert ed.model.option_names == ["Redis", "Valkey"]


def test_a_bug_in_a_callback_is_shown_in_the_widget(path, monkeypatch):
    ed = TradeoffEditor(path)
    build(ed)
    monkeypatch.setattr(Tradeoff, "set_score", lambda *a: 1 / 0)
    ed.score_boxes[("MongoDB", "Transactions")].value = "4"
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
    assert ed.pairwise.titles[0].endswith("3 pairs, none compared")
    ed.pairwise_boxes[("Transactions", "Schema flexibility")].value = 3.0
    ed.pairwise_boxes[("Transactions", "Ops effort")].value = 5.0
    ed.pairwise_boxes[("Schema flexibility", "Ops effort")].value = 3.0
    assert "consistency ratio 0.03" in ed.pairwise_status.value
    assert ed.pairwise.titles[0].endswith("3 of 3 pairs compared")
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
    assert other.conflict is None
    main.chosen.value = "MongoDB"
    assert main.conflict is None
    data = read_data(path)
    assert set(data["tradeoffs"]) == {"main", "queue"}


def test_the_widget_shows_charts_of_the_totals_and_the_sensitivity(path):
    ed = TradeoffEditor(path)
    build(ed)
    chart = ed.chart.value
    assert "Weighted totals" in chart and chart.count("<svg") >= 2  # totals and tornado, as on the page
    assert "PostgreSQL" in chart and "Transactions" in chart


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
    view, kw = shown[0]
    assert view["application/vnd.jupyter.widget-view+json"]["model_id"] == ed.widget.model_id
    assert kw["metadata"] == {"adrkit": {"editor": "tradeoffs"}}
    bundle, kw = shown[1]
    assert kw == {"raw": True, "display_id": True}
    assert bundle["text/html"] == ed.report_html and "text/plain" in bundle
    build(ed)
    handle = ed._handles[0]
    bundle, kw = handle.updates[-1]
    assert kw == {"raw": True}
    assert bundle["text/html"] == ed.report_html and "PostgreSQL" in bundle["text/html"]
    assert "1. PostgreSQL  4.00" in bundle["text/plain"]


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_messages_and_diagram_lines_have_enough_contrast_in_both_themes():
    import re

    from adrkit.core.requestflow.dot import COLORS
    from adrkit.widgets.style import CARD_STYLE, STYLE

    light_bg, dark_bg = "#ffffff", "#111111"  # JupyterLab's notebook backgrounds (light, dark)
    dark = 'body[data-jp-theme-light="false"]'
    for cls in ("adrkit-bad", "adrkit-alert", "adrkit-note", "adrkit-warn"):
        light_rule = re.search(r"\n\.adrkit-editor[^{]*\." + cls + r"[^{]*\{\s*color: (#[0-9a-f]{6})", STYLE)
        dark_rule = re.search(re.escape(dark) + r" \.adrkit-editor[^{]*\." + cls + r"[^{]*\{\s*color: (#[0-9a-f]{6})",
                              STYLE)
        assert _contrast(light_rule.group(1), light_bg) >= 4.5, cls
        assert _contrast(dark_rule.group(1), dark_bg) >= 4.5, cls
    # the diagram sits on a white card in both themes: exit labels and tap lines against white
    assert _contrast(COLORS["exit"][2], light_bg) >= 4.5
    tap_line = re.search(r"g\.edge\.tap path[^{]*\{ stroke: (#[0-9a-f]{6})", CARD_STYLE).group(1)
    assert _contrast(tap_line, light_bg) >= 4.5
