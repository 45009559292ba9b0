"""The lifecycle editor, built with no front end: edits reach the data file, a reload
shows the same, a bad edit is refused with a message and the file untouched, an
outside change is detected and never overwritten silently."""
from __future__ import annotations

import html

import pytest

from adrkit.storage.datafile import read_data
from adrkit.core.requestflow import Lifecycle, Retry
from adrkit.widgets import lifecycle_editor
from adrkit.widgets.lifecycle import LifecycleEditor


@pytest.fixture
def path(tmp_path):
    return tmp_path / "0007-use-queues.yaml"


def stored(path, name="main"):
    return Lifecycle.from_dict(read_data(path)["lifecycles"][name], name=name)


def test_starts_from_the_default_without_writing(path):
    ed = LifecycleEditor(path)
    assert ed.model == Lifecycle.default()
    assert not path.exists() and not ed.stored
    assert "not saved yet" in ed.header.value
    assert list(ed.stage_list.options) == Lifecycle.default().stage_names()
    assert ed.save() and stored(path) == Lifecycle.default()


def test_edits_reach_the_file_and_a_reload_shows_the_same(path):
    ed = LifecycleEditor(path)
    ed.select("Auth")
    assert ed.add_stage("Rate Limit")
    assert ed.selected == "Rate Limit"
    assert ed.add_exit("Return 429", "429", "too many requests")
    ed.select("Business Logic")
    assert ed.rename_stage("Charge Payment")
    assert ed.set_annotation("circuit-breaker", "target=Payment API, failures=3, reset=1m")
    assert ed.set_annotation("retry", "attempts=3, delay=100ms, jitter=true")
    assert ed.set_annotation("idempotency", "Idempotency-Key header")
    assert ed.set_annotation("timeout", "2s")
    assert ed.set_taps(["trace"])
    assert ed.set_note("calls the PSP")
    assert ed.move_stage(-1)
    ed.select("Response")
    assert ed.add_stage("Send Receipt") and ed.move_stage(-1)
    assert ed.set_annotation("queue", "name=receipts, worker=Mailer, dead-letter=receipts-dlq, max-attempts=5")
    ed.select("Validation")
    assert ed.remove_stage()
    assert ed.set_title("Checkout")

    on_disk = stored(path)
    assert on_disk == ed.model
    assert on_disk.stage_names() == ["Request", "Auth", "Charge Payment", "Rate Limit", "Send Receipt",
                                     "Response"]
    assert on_disk.stage("Charge Payment").retry == Retry(3, "exponential", "100ms", True)
    assert [e.source for e in on_disk.exits] == ["Auth", "Charge Payment", "Rate Limit"]

    again = lifecycle_editor(path)
    assert again.model == ed.model
    assert list(again.stage_list.options) == on_disk.stage_names()


def test_controls_drive_the_same_edits(path):
    ed = LifecycleEditor(path)
    ed.stage_list.value = "Auth"
    assert ed.selected == "Auth" and ed.stage_heading.value == "<b>Stage: Auth</b>"
    ed.new_stage_name.value = "Rate Limit"
    ed.add_stage_button.click()
    assert ed.new_stage_name.value == ""
    assert stored(path).stage_names()[3] == "Rate Limit"
    ed.tap_boxes["metrics"].value = True
    assert stored(path).stage("Rate Limit").taps == ("metrics",)
    ed.exit_label.value, ed.exit_status.value, ed.exit_when.value = "Return 429", "429", "over quota"
    ed.add_exit_button.click()
    assert ed.exit_list.options == (("Return 429 (when over quota)", "Return 429"),)
    ed.annotation_kind.value = "cache"
    ed.annotation_settings.value = "ttl=5m, store=Redis"
    ed.set_annotation_button.click()
    assert stored(path).stage("Rate Limit").cache.ttl == "5m"
    assert "read-through cache (Redis), TTL 5m" in ed.annotation_summary.value
    ed.clear_annotation_button.click()
    assert stored(path).stage("Rate Limit").cache is None
    ed.up_button.click()
    assert stored(path).stage_names()[2] == "Rate Limit"
    ed.rename_text.value = "Throttle"
    ed.rename_button.click()
    assert stored(path).exits[-1].source == "Throttle"
    ed.exit_list.value = "Return 429"
    ed.remove_exit_button.click()
    ed.remove_stage_button.click()
    assert "Throttle" not in stored(path).stage_names()
    assert ed.message.value == ""


@pytest.mark.parametrize("bad_edit, words", [
    (lambda ed: ed.add_stage("auth"), "duplicate stage name"),
    (lambda ed: ed.rename_stage("Validation"), "duplicate stage name"),
    (lambda ed: ed.add_exit("", "abc"), "not an HTTP status code"),
    (lambda ed: ed.set_annotation("retry", "attempts=zero"), "whole number"),
    (lambda ed: ed.set_annotation("timeout", "soon"), "not a duration"),
    (lambda ed: ed.set_annotation("queue", "worker=W"), "queue needs"),
    (lambda ed: ed.set_annotation("cache", "ttl=5m, colour=red"), "unknown setting"),
])
def test_a_bad_edit_shows_a_message_and_leaves_the_file(path, bad_edit, words):
    ed = LifecycleEditor(path)
    ed.select("Auth")
    ed.save()
    before = path.read_bytes()
    model = ed.model.copy()
    assert bad_edit(ed) is False
    assert words.lower() in ed.message.value.lower() and "Not applied" in ed.message.value
    assert path.read_bytes() == before
    assert ed.model == model and not ed.dirty


def test_a_refused_control_edit_puts_the_control_back(path):
    ed = LifecycleEditor(path)
    ed.select("Auth")
    ed.note_text.value = "x" * 3
    ed.annotation_kind.value = "retry"
    ed.annotation_settings.value = "attempts=-2"
    ed.set_annotation_button.click()
    assert "whole number" in ed.message.value
    assert ed.annotation_settings.value == ""  # back to the model's (none)
    assert stored(path).stage("Auth").note == "xxx"


def test_the_last_stage_cannot_be_removed(path):
    ed = LifecycleEditor(path)
    for _ in range(4):
        assert ed.remove_stage()
    before = path.read_bytes()
    assert ed.remove_stage() is False
    assert "no stages" in ed.message.value and path.read_bytes() == before


def test_an_outside_change_is_shown_and_merged_with_the_next_edit(path):
    ed = LifecycleEditor(path)
    ed.save()
    other = path.read_text(encoding="utf-8").replace("Business Logic", "Domain Logic")
    path.write_text(other, encoding="utf-8")

    assert ed.check_disk()
    assert "changed on disk" in ed.message.value and "changed on disk" in ed.header.value
    assert "stage “Business Logic” removed" in ed.message.value and "stage “Domain Logic” added" in ed.message.value
    assert ed.reload_button.layout.display is None
    assert "Domain Logic" in ed.preview_html  # the static output shows what the file holds
    ed.select("Auth")
    ed.new_stage_name.value = "Rate Limit"
    ed.add_stage_button.click()
    saved = stored(path).stage_names()
    assert "Domain Logic" in saved and "Rate Limit" in saved and "Business Logic" not in saved
    assert ed.model.stage_names() == saved and ed.conflict is None
    assert "together with a change made elsewhere" in ed.message.value


def test_an_outside_change_to_the_same_field_is_a_conflict(path):
    ed = LifecycleEditor(path)
    ed.select("Auth")
    ed.set_note("checks the JWT")
    theirs = path.read_text(encoding="utf-8").replace("checks the JWT", "checks the session cookie")
    path.write_text(theirs, encoding="utf-8")
    assert ed.set_note("checks the token") is True  # taken here, not saved
    assert path.read_text(encoding="utf-8") == theirs
    assert ed.dirty and ed.conflict is not None
    assert "Auth note: theirs “checks the session cookie”, yours “checks the token”" in \
        html.unescape(ed.conflict_rows.children[1].children[0].value).replace("<b>", "").replace("</b>", "")
    assert ed.overwrite_button.layout.display is None and ed.conflict_box.layout.display is None
    assert "checks the session cookie" in ed.preview_text  # the static output keeps the file's version
    ed.reload()
    assert ed.model.stage("Auth").note == "checks the session cookie"
    assert not ed.dirty and ed.conflict is None and ed.message.value == ""


def test_use_mine_replaces_only_the_conflicting_field(path):
    ed = LifecycleEditor(path)
    ed.select("Auth")
    ed.set_note("mine before")
    text = path.read_text(encoding="utf-8").replace("mine before", "theirs").replace("Validation", "Checks")
    path.write_text(text + "# someone else\n", encoding="utf-8")
    ed.set_note("mine")
    assert ed.conflict is not None and len(ed.conflict.conflicts) == 1
    ed.overwrite_button.click()
    saved = stored(path)
    assert saved.stage("Auth").note == "mine" and "Checks" in saved.stage_names()
    assert ed.conflict is None

def test_a_broken_file_is_shown_and_not_edited(path):
    path.write_text("lifecycles:\n  main:\n    stages: []\n", encoding="utf-8")
    ed = LifecycleEditor(path)
    assert ed.model is None and "Cannot edit" in ed.message.value and "no stages" in ed.message.value
    assert ed.stage_list.disabled
    assert ed.add_stage("X") is False
    assert "could not be read" in ed.preview_html
    path.write_text("lifecycles:\n  main:\n    stages: [A]\n", encoding="utf-8")
    ed.reload_button.click()
    assert ed.model.stage_names() == ["A"]


def test_errors_in_callbacks_are_shown_in_the_widget(path, monkeypatch):
    ed = LifecycleEditor(path)
    monkeypatch.setattr(Lifecycle, "add_stage", lambda *a, **k: 1 / 0)
    ed.new_stage_name.value = "X"
    ed.add_stage_button.click()  # must not raise
    assert "Internal error (ZeroDivisionError" in ed.message.value and "<details>" in ed.message.value


def test_other_lifecycles_and_tables_in_the_file_are_kept(path):
    from adrkit.storage.datafile import DataFile

    DataFile(path).put("tradeoffs", "main", {"question": "Which queue?"})
    ed = LifecycleEditor(path, name="payments")
    ed.add_stage("Audit")
    data = read_data(path)
    assert data["tradeoffs"]["main"] == {"question": "Which queue?"}
    assert {"name": "Audit"} in data["lifecycles"]["payments"]["stages"]


def test_preview_is_static_html_with_the_svg(path):
    ed = LifecycleEditor(path)
    assert "<svg" in ed.preview_html and "Business Logic" in ed.preview_html
    assert ed._bundle()["text/plain"].startswith("Request lifecycle 'main'")
    ed.select("Auth")
    ed.add_stage("Rate Limit")
    assert "Rate Limit" in ed.preview_html


def test_display_shows_controls_and_a_live_static_output(path, monkeypatch):
    import IPython.display

    shown, updates = [], []

    class Handle:
        def update(self, obj, raw=False):
            updates.append(obj)

    def fake_display(obj, raw=False, display_id=None, metadata=None):
        shown.append(obj)
        return Handle() if display_id else None

    monkeypatch.setattr(IPython.display, "display", fake_display)
    ed = LifecycleEditor(path)
    ed._ipython_display_()
    assert shown[0]["application/vnd.jupyter.widget-view+json"]["model_id"] == ed.widget.model_id
    assert "run the cell to edit" in shown[0]["text/plain"]
    assert "<svg" in shown[1]["text/html"]
    ed.select("Auth")
    ed.add_stage("Rate Limit")
    assert updates and "Rate Limit" in updates[-1]["text/html"]
