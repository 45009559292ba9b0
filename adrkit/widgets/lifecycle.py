"""The request-lifecycle editor: an ipywidgets 8 view over `adrkit.core.requestflow.Lifecycle`.

The editor holds no logic of its own. Each edit (`add_stage`, `add_exit`,
`set_annotation`, ... which the controls call, and which code and tests can call too)
calls a `Lifecycle` method on a copy of the model, which validates it; only a valid
result is taken and saved (see `adrkit.widgets.editor`: saving, merging an outside
change, conflicts per field, undo, watching the file). Enter in the "new stage",
"new name" and exit fields does what the button beside them does.

Displayed in a notebook, the editor shows two outputs: the controls (a widget) and the
diagram as the data file holds it, as static HTML with the SVG inline, updated live
through a display id, so the diagram shows after a reload with no kernel.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Callable

import ipywidgets as W

from adrkit.core.errors import UsageError
from adrkit.core.requestflow import (ANNOTATION_KINDS, TAPS, Lifecycle, annotation_fields, format_settings)
from adrkit.render.requestflow import lifecycle_html, lifecycle_text
from adrkit.widgets.editor import DataEditor, _wrap, button, text_input
from adrkit.widgets.style import card
from adrkit.widgets.locate import data_path_for

__all__ = ["LifecycleEditor", "lifecycle_editor"]


def lifecycle_editor(decision: str | Path, name: str = "main", **kwargs: Any) -> "LifecycleEditor":
    """The editor for lifecycle `name` of a decision (stem like '0007-use-x', a notebook
    path or a data-file path). Display it (or leave it last in a cell) to use it."""
    return LifecycleEditor(data_path_for(decision), name, **kwargs)


class LifecycleEditor(DataEditor):
    """Edit one request lifecycle of one decision. `widget` is the ipywidgets view,
    `model` the current Lifecycle, `preview_html` the static diagram of it."""

    kind = "lifecycles"
    label = "Request lifecycle"
    noun = "lifecycle"
    css_class = "adrkit-lifecycle"
    model: Lifecycle | None

    def __init__(self, path: str | Path, name: str = "main"):
        self.stored = False         # the file holds this lifecycle (else the default is shown)
        self.selected: str | None = None
        self._preview_key: str | None = None
        self._preview: str = ""
        super().__init__(path, name)

    # --- public actions -------------------------------------------------------------
    def select(self, stage: str) -> None:
        """Make `stage` the one the stage controls act on."""
        if self.model is not None:
            self.selected = self.model.stage(stage).name
            self._sync()

    def save(self) -> bool:
        """Write the lifecycle now (also the untouched default); True when the file holds it."""
        with self._lock:
            if self.model is not None and self.conflict is None:
                self._commit(self.model.copy(), "save the lifecycle", remember=False)
            return self.conflict is None and self.stored

    # --- the static render ------------------------------------------------------------
    @property
    def preview_html(self) -> str:
        """The diagram as static HTML (the SVG inline): what the saved notebook shows."""
        if self.saved_model is None:
            return self._unreadable_html()
        dot = self.saved_model.to_dot()
        if dot != self._preview_key:
            self._preview, self._preview_key = card(lifecycle_html(self.saved_model)), dot
        return self._preview

    @property
    def preview_text(self) -> str:
        if self.saved_model is None:
            return self._unreadable_text()
        return lifecycle_text(self.saved_model)

    def _renders(self) -> tuple[str, str]:
        return self.preview_html, self.preview_text

    # --- loading and saving ----------------------------------------------------------------
    def _load(self) -> None:
        self.stored = False
        super()._load()

    def _model_from(self, raw: dict[str, Any] | None) -> Lifecycle:
        if raw is None:
            return Lifecycle.default(self.name)
        model = Lifecycle.from_dict(raw, name=self.name, path=self.path)
        self.stored = True
        return model

    def _after_load(self) -> None:
        if self.model is not None and (self.selected is None or self.selected not in self.model.stage_names()):
            self.selected = self.model.stages[0].name
        self._sync()
        self._refresh()

    def _commit(self, candidate: Any, what: str, **kw: Any) -> bool:
        if not super()._commit(candidate, what, **kw):
            return False
        self.stored = True
        return True

    def _validate(self, model: Lifecycle) -> None:
        model.validate()

    def _after_change(self) -> None:
        m = self.model
        if m is not None and self.selected not in m.stage_names():
            self.selected = m.stages[0].name
        self._sync()

    def _stage_edit(self, change: Callable[[Lifecycle], Any], what: str, *,
                    select: Callable[[Lifecycle], str | None] | None = None) -> bool:
        """An edit of the selected stage (or the stages); `select` picks the stage to
        select afterwards."""
        chosen: dict[str, str | None] = {}

        def apply(m: Lifecycle) -> None:
            change(m)
            if select is not None:
                chosen["stage"] = select(m)

        def then() -> None:
            if "stage" in chosen:
                self.selected = chosen["stage"]
        return self._edit(apply, what, then=then)

    # --- edits the controls make (also called directly by tests and scripts) -------------
    def _stage(self) -> str:
        if not self.selected:
            raise UsageError("no stage is selected", fix="pick a stage in the list first")
        return self.selected

    def add_stage(self, name: str) -> bool:
        """Add a stage after the selected one."""
        after = self.selected
        clean = " ".join(str(name).split())
        return self._stage_edit(lambda m: m.add_stage(name, after=after), f"add stage “{clean}”",
                                select=lambda m: clean)

    def remove_stage(self) -> bool:
        stage = self._stage()
        names = self.model.stage_names() if self.model else []
        at = names.index(stage) if stage in names else 0
        return self._stage_edit(lambda m: m.remove_stage(stage), f"remove stage “{stage}”",
                                select=lambda m: m.stages[min(at, len(m.stages) - 1)].name if m.stages else None)

    def rename_stage(self, new: str) -> bool:
        stage = self._stage()
        clean = " ".join(str(new).split())
        return self._stage_edit(lambda m: m.rename_stage(stage, new), f"rename stage “{stage}” to “{clean}”",
                                select=lambda m: clean)

    def move_stage(self, offset: int) -> bool:
        stage = self._stage()

        def change(m: Lifecycle) -> None:
            m.move_stage(stage, max(0, min(m.index_of(stage) + offset, len(m.stages) - 1)))

        return self._stage_edit(change, f"move stage “{stage}”")

    def add_exit(self, label: str, status: Any = None, when: str = "") -> bool:
        stage = self._stage()
        return self._stage_edit(lambda m: m.add_exit(stage, label, status, when), f"add an exit to “{stage}”")

    def remove_exit(self, label: str) -> bool:
        stage = self._stage()
        return self._stage_edit(lambda m: m.remove_exit(stage, label), f"remove the exit “{label}”")

    def set_taps(self, taps: list[str]) -> bool:
        stage = self._stage()
        return self._stage_edit(lambda m: m.set_taps(stage, taps), f"change the taps of “{stage}”")

    def set_note(self, note: str) -> bool:
        stage = self._stage()
        return self._stage_edit(lambda m: m.set_note(stage, note), f"change the note of “{stage}”")

    def set_annotation(self, kind: str, settings: Any) -> bool:
        """Set an annotation of the selected stage from settings text
        ('attempts=3, backoff=exponential') or a mapping; None clears it."""
        stage = self._stage()
        return self._stage_edit(lambda m: m.set_annotation(stage, kind, settings), f"set {kind} on “{stage}”")

    def set_title(self, title: str) -> bool:
        return self._stage_edit(lambda m: setattr(m, "title", " ".join(str(title).split())), "change the title")

    # --- building the view ----------------------------------------------------------------
    def _build(self) -> None:
        g = self._guarded
        auto = W.Layout(width="auto")
        self.save_button = button("Save", "Write this lifecycle to the data file", icon="save", layout=auto)
        self.save_button.on_click(g(lambda _b: self.save()))
        self.save_button.add_class("adrkit-save")

        self.title_text = text_input("", description="Title", placeholder="e.g. Checkout request",
                                     layout=W.Layout(width="98%", max_width="520px"))
        self.title_text.observe(g(lambda c: self.set_title(c.new)), "value")

        # stages
        self.stage_list = W.Select(options=[], rows=7, layout=W.Layout(width="100%"))
        self.stage_list.observe(g(self._on_select), "value")
        self.up_button = button("Up", "Move the selected stage earlier", icon="arrow-up", layout=auto)
        self.down_button = button("Down", "Move the selected stage later", icon="arrow-down", layout=auto)
        self.remove_stage_button = button("Remove", "Remove the selected stage and its exits (Undo brings "
                                          "it back)", icon="trash", layout=auto)
        self.up_button.on_click(g(lambda _b: self.move_stage(-1)))
        self.down_button.on_click(g(lambda _b: self.move_stage(1)))
        self.remove_stage_button.on_click(g(lambda _b: self.remove_stage()))
        self.new_stage_name = text_input("", placeholder="new stage (Enter adds it)",
                                         layout=W.Layout(flex="1 1 140px", min_width="120px"))
        self.add_stage_button = button("Add stage", "Add a stage after the selected one", icon="plus", layout=auto)
        self.add_stage_button.on_click(g(lambda _b: self._add_stage()))
        self._on_enter(self.new_stage_name, self._add_stage)
        self.rename_text = text_input("", placeholder="new name",
                                      layout=W.Layout(flex="1 1 140px", min_width="120px"))
        self.rename_button = button("Rename", "Rename the selected stage (its exits follow)", icon="pencil",
                                    layout=auto)
        self.rename_button.on_click(g(lambda _b: self._rename_stage()))
        self._on_enter(self.rename_text, self._rename_stage)

        # the selected stage
        self.stage_heading = W.HTML()
        self.tap_boxes = {tap: W.Checkbox(value=False, description=tap, indent=False,
                                          layout=W.Layout(width="auto")) for tap in TAPS}
        for box in self.tap_boxes.values():
            box.observe(g(lambda _c: self.set_taps([t for t, b in self.tap_boxes.items() if b.value])), "value")
        self.note_text = text_input("", description="Note", placeholder="shown in the stage's box",
                                    layout=W.Layout(width="98%"))
        self.note_text.observe(g(lambda c: self.set_note(c.new)), "value")

        self.exit_list = W.Select(options=[], rows=3, layout=W.Layout(flex="1 1 200px", width="auto"))
        self.remove_exit_button = button("Remove exit", "Remove the exit picked in the list", icon="trash",
                                         layout=auto)
        self.remove_exit_button.on_click(g(
            lambda _b: self.exit_list.value is not None and self.remove_exit(self.exit_list.value)))
        self.exit_label = text_input("", placeholder="label, e.g. Return 404",
                                     layout=W.Layout(flex="2 1 140px", min_width="120px"))
        self.exit_status = text_input("", placeholder="status", layout=W.Layout(flex="0 1 70px", min_width="60px"))
        self.exit_when = text_input("", placeholder="when, e.g. not found",
                                    layout=W.Layout(flex="2 1 140px", min_width="120px"))
        self.add_exit_button = button("Add exit", "Add a failure exit leaving from this stage", icon="plus",
                                      layout=auto)
        self.add_exit_button.on_click(g(lambda _b: self._add_exit()))
        self._on_enter(self.exit_when, self._add_exit)

        self.annotation_kind = W.Dropdown(options=list(ANNOTATION_KINDS), value=ANNOTATION_KINDS[0],
                                          layout=W.Layout(width="150px"))
        self.annotation_kind.observe(g(lambda _c: self._sync()), "value")
        self.annotation_settings = text_input("", layout=W.Layout(flex="3 1 200px", min_width="160px"))
        self.set_annotation_button = button("Set", "Set this annotation on the stage", icon="check", layout=auto)
        self.clear_annotation_button = button("Clear", "Remove this annotation from the stage", layout=auto)
        self.set_annotation_button.on_click(g(lambda _b: self.set_annotation(
            self.annotation_kind.value, self.annotation_settings.value)))
        self.clear_annotation_button.on_click(g(lambda _b: self.set_annotation(self.annotation_kind.value, None)))
        self.annotation_summary = W.HTML()

        stage_panel = W.VBox([
            self.stage_heading,
            _wrap([W.HTML("Taps:"), *self.tap_boxes.values()]),
            self.note_text,
            W.HTML("<b>Failure exits</b>"),
            _wrap([self.exit_list, self.remove_exit_button]),
            _wrap([self.exit_label, self.exit_status, self.exit_when, self.add_exit_button]),
            W.HTML("<b>Annotations</b>"),
            _wrap([self.annotation_kind, self.annotation_settings, self.set_annotation_button,
                   self.clear_annotation_button]),
            self.annotation_summary,
        ], layout=W.Layout(flex="3 1 320px", padding="0 0 0 8px", min_width="0"))
        stage_column = W.VBox([
            W.HTML("<b>Stages</b> (the happy path, in order)"),
            self.stage_list,
            _wrap([self.up_button, self.down_button, self.remove_stage_button]),
            _wrap([self.new_stage_name, self.add_stage_button]),
            _wrap([self.rename_text, self.rename_button]),
        ], layout=W.Layout(flex="1 1 240px", min_width="0"))
        self.widget = self._frame([self.save_button], [self.title_text, _wrap([stage_column, stage_panel],
                                                                               align_content="flex-start")],
                                  "adrkit-lifecycle-editor")
        # stable hooks for styling and for browser tests
        self.stage_list.add_class("adrkit-stage-list")
        self.new_stage_name.add_class("adrkit-new-stage")
        self.add_stage_button.add_class("adrkit-add-stage")
        self.exit_label.add_class("adrkit-exit-label")
        self.add_exit_button.add_class("adrkit-add-exit")

    def _add_stage(self) -> None:
        if self.new_stage_name.value.strip() and self.add_stage(self.new_stage_name.value):
            self._clear(self.new_stage_name)

    def _rename_stage(self) -> None:
        if self.rename_text.value.strip() and self.rename_stage(self.rename_text.value):
            self._clear(self.rename_text)

    def _add_exit(self) -> None:
        if self.add_exit(self.exit_label.value, self.exit_status.value, self.exit_when.value):
            self._clear(self.exit_label, self.exit_status, self.exit_when)

    def _clear(self, *boxes: W.Text) -> bool:
        self._quietly(lambda: [setattr(box, "value", "") for box in boxes])
        return True

    def _on_select(self, change: Any) -> None:
        if change.new is not None:
            self.selected = change.new
            self._sync()

    # --- showing the model ----------------------------------------------------------------
    def _sync(self) -> None:
        """Put every control back to the model's state (after any change or refusal)."""
        m = self.model
        self._syncing = True
        try:
            enabled = m is not None
            for control in (self.stage_list, self.up_button, self.down_button, self.remove_stage_button,
                            self.add_stage_button, self.rename_button, self.add_exit_button,
                            self.remove_exit_button, self.set_annotation_button,
                            self.clear_annotation_button, self.note_text, self.title_text, self.save_button,
                            *self.tap_boxes.values()):
                control.disabled = not enabled
            if m is None:
                self.stage_list.options = []
                self.exit_list.options = []
                return
            self.title_text.value = m.title
            self.stage_list.options = m.stage_names()
            self.stage_list.value = self.selected if self.selected in m.stage_names() else None
            stage = m.stage(self.selected) if self.selected in m.stage_names() else None
            if stage is None:
                return
            self.stage_heading.value = f"<b>Stage: {html.escape(stage.name)}</b>"
            for tap, box in self.tap_boxes.items():
                box.value = tap in stage.taps
            self.note_text.value = stage.note
            self.exit_list.options = [(e.display + (f" (when {e.when})" if e.when else ""), e.label)
                                      for e in m.exits_from(stage.name)]
            kind = self.annotation_kind.value
            current = stage.annotations().get(kind)
            self.annotation_settings.value = format_settings(kind, current)
            self.annotation_settings.placeholder = ", ".join(f"{f}=..." for f in annotation_fields(kind))
            notes = [html.escape(a.describe()) for a in stage.annotations().values()]
            self.annotation_summary.value = ("<small>" + "<br>".join(notes) + "</small>") if notes else \
                "<small><i>no annotations on this stage</i></small>"
        finally:
            self._syncing = False

    def _title(self) -> str:
        return self.model.title if self.model and self.model.title else self.label

    def _state(self) -> str:
        if self.model is not None and not (self.conflict or self.stale or self.stored):
            return "the default, not saved yet: any edit or Save writes it"
        return super()._state()

    def _redraw(self) -> None:
        """Show the Save button while the file does not hold the lifecycle."""
        self.save_button.layout.display = None if (self.model is not None and not self.stored
                                                   and self.conflict is None) else "none"

    def _field_words(self, path: tuple[str, ...]) -> str:
        """A field of the lifecycle in words: 'Auth retry', 'the failure exits', ..."""
        if not path:
            return "the lifecycle"
        head, rest = path[0], path[1:]
        if head == "stages" and rest:
            if rest[0] == "(order)":
                return "the order of the stages"
            return f"stage “{rest[0]}”" if len(rest) == 1 else f"{rest[0]} {rest[1]}"
        return {"exits": "the failure exits", "title": "the title"}.get(head, head)
