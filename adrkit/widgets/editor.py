"""What every data editor shares: an ipywidgets 8 view over one entry of a decision's
data file, such as `tradeoffs.main` or `lifecycles.main`.

`DataEditor` keeps the model of that entry and writes it back after each accepted edit
through its own `adrkit.storage.datafile.DataFile`, whose base is what this editor last
read or wrote. So any other writer is noticed: another editor in this kernel, another
tab or kernel, the shell, `git pull`. A save over an outside change merges it field by
field (the outside change is kept and shown); a field changed both here and there is a
conflict that the user settles field by field, with each field's two values shown, and
nothing is written until then. While a conflict is open the notebook's static output
keeps showing what the file holds, so the notebook, the file and the site agree.

A displayed editor also watches its file (`adrkit.widgets.watch`): a change made
elsewhere shows at once, in words, with Reload. Every edit can be undone (the last
`UNDO_DEPTH` edits). Errors inside callbacks are shown in the widget, never lost in a
log; a refused value says why in words and the control goes back to the model's value.

Displayed in a notebook, an editor shows two outputs: the controls (a widget view,
marked for `adrkit.widgets.saved` so a saved notebook keeps a "run this cell to edit"
note instead of a dead view) and a static render of the entry as the file holds it
(HTML and plain text), updated live through a display id.

A subclass sets the class attributes, builds its controls and `widget` in `_build`,
and supplies `_model_from`, `_validate`, `_renders`, `_after_load` and `_sync`;
`_title`, `_state`, `_redraw` and `_field_words` have defaults it may replace.
"""
from __future__ import annotations

import datetime as _dt
import html
import threading
import traceback
from pathlib import Path
from typing import Any, Callable

import ipywidgets as W

from adrkit.core.errors import AdrkitError
from adrkit.formats.datamerge import MISSING, Change, Conflict
from adrkit.storage.datafile import DataConflict, DataFile, Saved
from adrkit.widgets import saved as saved_outputs
from adrkit.widgets.style import STYLE, alert, note

__all__ = ["DataEditor", "alert", "button", "text_input", "words", "UNDO_DEPTH"]

UNDO_DEPTH = 20


def text_input(value: str = "", **kw: Any) -> W.Text:
    return W.Text(value=value, continuous_update=False, **kw)


def button(description: str, tooltip: str, **kw: Any) -> W.Button:
    return W.Button(description=description, tooltip=tooltip, **kw)


def words(exc: AdrkitError) -> str:
    """An error as a sentence for the widget: what is wrong and the fix, without the
    file's path or the field's address (the widget shows where it is)."""
    text = exc.message[:1].upper() + exc.message[1:]
    if exc.fix:
        text += f"; {exc.fix}"
    return " ".join(text.split())


def _value_words(value: Any) -> str:
    if value is MISSING or value is None:
        return "none"
    if isinstance(value, dict):
        return "set" if "name" not in value else f"“{value['name']}”"
    if isinstance(value, list):
        return ", ".join(_value_words(v) if isinstance(v, dict) else str(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"“{value}”" if isinstance(value, str) else str(value)


class DataEditor:
    """Edit entry `name` of section `kind` of a data file. `widget` is the ipywidgets
    view, `model` the current model (None while the file cannot be read)."""

    kind: str = ""          # the data file section: "tradeoffs" or "lifecycles"
    label: str = ""         # what the entry is, capitalised: "Trade-off table"
    noun: str = ""          # the short name in messages: "table"
    css_class: str = ""     # the class of the static render's outer element

    def __init__(self, path: str | Path, name: str = "main"):
        self.path = Path(path)
        self.name = name
        self.model: Any = None
        self.saved_model: Any = None            # the entry as the file holds it (the static output)
        self.datafile: DataFile | None = None
        self.conflict: DataConflict | None = None   # an open conflict (nothing saved meanwhile)
        self.stale: list[Change] = []          # outside changes to this entry not taken yet
        self.error: str | None = None          # the last message shown for a failed edit
        self.saved_at: str | None = None
        self.history: list[tuple[str, dict[str, Any]]] = []   # (what the edit did, the entry before it)
        self._lock = threading.RLock()
        self._syncing = False
        self._handles: list[Any] = []
        self._build_frame()
        self._build()
        self._guarded(self._load)()

    @property
    def where(self) -> str:
        """The entry's place in the data file, e.g. 'tradeoffs.main'."""
        return f"{self.kind}.{self.name}"

    @property
    def dirty(self) -> bool:
        """The model has an edit the file does not have (only while a conflict is open)."""
        return self.conflict is not None

    # --- public actions -------------------------------------------------------------
    def flush(self) -> bool:
        """True when the file holds the current model (nothing is left unsaved)."""
        return self.conflict is None and self.model is not None

    def reload(self) -> None:
        """Take the file's current state, dropping any unsaved edit."""
        with self._lock:
            self._load()

    def resolve(self, choices: dict[tuple[str, ...], str] | None = None) -> bool:
        """Save the open conflict with a choice per field ('mine' or 'theirs'; by default
        what the conflict panel's toggles say). True when saved."""
        with self._lock:
            if self.conflict is None or self.model is None:
                return False
            if choices is None:
                choices = {c.path: toggle.value for c, toggle in zip(self.conflict.conflicts, self._toggles)}
            return self._commit(self.model, "", prefer=choices, remember=False)

    def overwrite(self) -> bool:
        """Settle every conflicting field with this editor's value (the other fields and
        entries stay as the file has them)."""
        if self.conflict is None:
            return False
        return self.resolve({c.path: "mine" for c in self.conflict.conflicts})

    def keep_theirs(self) -> bool:
        """Settle every conflicting field with the file's value, keeping this editor's
        other changes."""
        if self.conflict is None:
            return False
        return self.resolve({c.path: "theirs" for c in self.conflict.conflicts})

    def undo(self) -> bool:
        """Undo the last edit (saved like any edit, so an outside change meanwhile is kept)."""
        with self._lock:
            if not self.history or self.model is None:
                return False
            what, entry = self.history.pop()
            try:
                candidate = self._model_from(entry)
            except AdrkitError as exc:
                self._show_error(words(exc))
                return False
            if self._commit(candidate, "", remember=False):
                self._after_change()
                self._say(note(f"Undone: {html.escape(what)}."))
                return True
            return False

    def check_disk(self) -> bool:
        """Look at the file now. True, and a notice in the widget, when this entry
        changed on disk since this editor read or wrote it."""
        with self._lock:
            if self.datafile is None or not self.datafile.changed_on_disk():
                return False
            try:
                now = self.datafile.snapshot()
            except AdrkitError as exc:
                self._say(alert(f"<strong>The data file on disk cannot be read</strong> ({html.escape(words(exc))}); "
                                "edits are not saved until it is fixed."))
                return True
            outside = self.datafile.outside_changes(self.kind, self.name, now)
            if not outside:
                if self.conflict is None:
                    self.datafile.rebase(now)  # only other entries changed: nothing to merge here
                return False
            if self.conflict is not None or outside == self.stale:
                return True
            self.stale = outside
            try:
                self.saved_model = self._model_from(now.entry(self.kind, self.name))
            except AdrkitError:
                pass
            self._say(alert(self._stale_note(outside)))
            self._refresh()
            return True

    # --- the static render ------------------------------------------------------------
    def _unreadable_html(self) -> str:
        return (f'<div class="{self.css_class}"><p>The {self.label.lower()} could not be read: '
                f"{html.escape(self.error or 'unknown problem')}</p></div>")

    def _unreadable_text(self) -> str:
        return f"{self.label} not readable: {self.error}"

    def _renders(self) -> tuple[str, str]:
        """The static HTML and plain text of the entry as the file holds it."""
        raise NotImplementedError

    # --- display ---------------------------------------------------------------------
    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(saved_outputs.live_bundle(self.widget, self.kind, self.where, self.path.name), raw=True,
                metadata=saved_outputs.live_metadata(self.kind))
        handle = display(self._bundle(), raw=True, display_id=True)
        if handle is not None:
            self._handles.append(handle)
        from adrkit.widgets.watch import watch

        watch(self)

    def _bundle(self) -> dict[str, str]:
        text_html, text_plain = self._renders()
        return {"text/html": text_html, "text/plain": text_plain}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path.name} {self.where}>"

    # --- messages ---------------------------------------------------------------------
    def _guarded(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a callback so any error shows in the widget instead of a log."""

        def run(*args: Any, **kwargs: Any) -> Any:
            if self._syncing:
                return None
            with self._lock:
                try:
                    return fn(*args, **kwargs)
                except AdrkitError as exc:
                    self._show_error(words(exc))
                except Exception as exc:  # a bug: show it in full, in the widget
                    detail = html.escape("".join(traceback.format_exception(exc)))
                    self._show_error(f"Internal error ({type(exc).__name__}: {exc}); please report it.",
                                     detail=detail)
                return None

        return run

    def _say(self, body: str) -> None:
        """Replace the message area's content (HTML)."""
        self.message.value = body

    def _show_error(self, message: str, *, detail: str | None = None) -> None:
        self.error = message
        body = f"<strong>Not applied:</strong> {html.escape(message)}"
        if detail:
            body += f"<details><summary>details</summary><pre>{detail}</pre></details>"
        self._say(alert(body))

    def _field_words(self, path: tuple[str, ...]) -> str:
        """A field's path in the entry, in words (subclasses name their own fields)."""
        return " › ".join(path) or "the whole entry"

    def _change_words(self, change: Change) -> str:
        what = self._field_words(change.path)
        if change.kind == "added":
            return f"{what} added"
        if change.kind == "removed":
            return f"{what} removed"
        if isinstance(change.before, (dict, list)) or isinstance(change.after, (dict, list)):
            return f"{what} changed"
        return f"{what}: {_value_words(change.before)} → {_value_words(change.after)}"

    def _changes_words(self, found: list[Change], limit: int = 6) -> str:
        shown = [html.escape(self._change_words(c)) for c in found[:limit]]
        more = len(found) - limit
        return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")

    def _stale_note(self, outside: list[Change]) -> str:
        return (f"<strong>{html.escape(self.path.name)} changed on disk</strong> (another tab, kernel or "
                f"program wrote {html.escape(self.where)}): {self._changes_words(outside)}. "
                "<em>Reload</em> shows their version; your next edit here is merged with it.")

    def _conflict_words(self, c: Conflict) -> str:
        return (f"<b>{html.escape(self._field_words(c.path))}</b>: theirs "
                f"{html.escape(_value_words(c.theirs))}, yours {html.escape(_value_words(c.mine))}")

    # --- loading and saving -------------------------------------------------------------
    def _load(self) -> None:
        self.model = self.saved_model = None
        self.conflict = None
        self.stale = []
        self.error = None
        self._say("")
        try:
            if self.datafile is None:
                self.datafile = DataFile(self.path)
            else:
                self.datafile.reload()
            self.model = self._model_from(self.datafile.get(self.kind, self.name))
            self.saved_model = self.model.copy()
        except AdrkitError as exc:
            self.error = str(exc)
            self._say(alert(f"<strong>Cannot edit:</strong> {html.escape(str(exc))}. "
                            "Fix the file, then press Reload."))
        self._show_conflict()
        self._after_load()

    def _model_from(self, raw: dict[str, Any] | None) -> Any:
        """The model for the entry as stored (None when the file has no such entry)."""
        raise NotImplementedError

    def _after_load(self) -> None:
        """Show the freshly loaded model (or its absence) in the controls."""
        raise NotImplementedError

    def _check_entry(self, entry: dict[str, Any]) -> None:
        self._validate(self._model_from(entry))

    def _commit(self, candidate: Any, what: str, *, prefer: dict | None = None, remember: bool = True) -> bool:
        """Write `candidate` (a valid model); True when the file holds it (merged with any
        outside change). `what` names the edit for Undo."""
        assert self.datafile is not None
        before = self.model
        try:
            saved: Saved = self.datafile.put(self.kind, self.name, candidate.to_dict(), prefer=prefer,
                                             check=self._check_entry)
        except DataConflict as exc:
            self.model = candidate
            self.conflict = exc
            try:
                self.saved_model = self._model_from(exc.theirs)
            except AdrkitError:
                pass
            self._show_conflict()
            self._refresh()
            return False
        except AdrkitError as exc:  # the file on disk does not parse
            self.model = candidate
            self._show_error(f"not saved: {words(exc)}")
            self._refresh()
            return False
        except OSError as exc:
            self._show_error(f"could not write {self.path}: {exc.strerror or exc}")
            return False
        if remember and before is not None:
            self.history = (self.history + [(what, before.to_dict())])[-UNDO_DEPTH:]
        self.model = self._model_from(saved.entry) if saved.taken else candidate
        self.saved_model = self.model.copy()
        self.conflict = None
        self.stale = []
        self.error = None
        self.saved_at = _dt.datetime.now().strftime("%H:%M:%S")
        if saved.taken:
            self._say(note(f"Saved, together with a change made elsewhere: {self._changes_words(saved.taken)}."))
        else:
            self._say("")
        self._show_conflict()
        self._refresh()
        return True

    def _candidate(self, change: Callable[[Any], Any]) -> Any:
        """A copy of the model with `change` applied and validated, or None when the edit
        is refused: the reason then shows in the widget and the controls go back to the
        model."""
        if self.model is None:
            self._show_error(f"the {self.noun} could not be read, so it cannot be edited; fix the "
                             "file and press Reload")
            return None
        candidate = self.model.copy()
        try:
            change(candidate)
            self._validate(candidate)
        except AdrkitError as exc:
            self._show_error(words(exc))
            self._sync()
            return None
        return candidate

    def _edit(self, change: Callable[[Any], Any], what: str = "an edit", *,
              then: Callable[[], Any] | None = None) -> bool:
        """Apply `change` to a copy; keep it and save only if the result is valid.
        `then` runs once the change is accepted, before the controls are brought in line."""
        self.check_disk()
        candidate = self._candidate(change)
        if candidate is None:
            return False
        if then is not None:
            then()
        self._commit(candidate, what)
        self._after_change()
        return True

    def _after_change(self) -> None:
        """Bring the controls in line with the model after an edit (subclasses)."""
        self._sync()

    def _validate(self, model: Any) -> None:
        """Raise an AdrkitError when `model` may not be stored."""
        raise NotImplementedError

    def _sync(self) -> None:
        """Put every control in line with the model."""

    def _on_enter(self, box: W.Text, action: Callable[[], Any]) -> None:
        """Run `action` when Enter is pressed in `box` (the value may arrive just after)."""
        state = {"pending": False}

        def on_msg(_w: Any, content: dict, _buffers: Any) -> None:
            if content.get("event") != "submit":
                return
            if box.value.strip():
                self._guarded(action)()
            else:
                state["pending"] = True

        def on_value(change: Any) -> None:
            if state["pending"] and change.new.strip():
                state["pending"] = False
                self._guarded(action)()

        box.on_msg(on_msg)
        box.observe(on_value, "value")

    def _quietly(self, fn: Callable[[], Any]) -> None:
        self._syncing = True
        try:
            fn()
        finally:
            self._syncing = False

    # --- building the view ------------------------------------------------------------------
    def _build_frame(self) -> None:
        self.header = W.HTML()
        self.message = W.HTML()
        self.style = W.HTML(STYLE)
        self.reload_button = button("Reload", "Read the data file again (drops unsaved edits)",
                                    icon="refresh")
        self.undo_button = button("Undo", "Undo the last edit", icon="undo")
        self.overwrite_button = button("Use mine for all", "Save your value for every conflicting field "
                                       "(nothing else in the file changes)", button_style="warning")
        self.keep_theirs_button = button("Keep theirs for all", "Take the file's value for every "
                                         "conflicting field, keep your other edits")
        self.resolve_button = button("Save with these choices", "Save, taking for each field the "
                                     "value chosen above", button_style="primary")
        for b in (self.reload_button, self.undo_button, self.overwrite_button, self.keep_theirs_button,
                  self.resolve_button):
            b.layout = W.Layout(width="auto")
        self.reload_button.on_click(self._guarded(lambda _b: self.reload()))
        self.undo_button.on_click(self._guarded(lambda _b: self.undo()))
        self.overwrite_button.on_click(self._guarded(lambda _b: self.overwrite()))
        self.keep_theirs_button.on_click(self._guarded(lambda _b: self.keep_theirs()))
        self.resolve_button.on_click(self._guarded(lambda _b: self.resolve()))
        self.conflict_rows = W.VBox()
        self.conflict_box = W.VBox([self.conflict_rows, _wrap([self.resolve_button, self.keep_theirs_button,
                                                               self.overwrite_button, self.reload_button])])
        self.conflict_box.add_class("adrkit-conflict")
        self._toggles: list[W.ToggleButtons] = []

    def _build(self) -> None:
        """Make the controls and `widget` (with `_frame`)."""
        raise NotImplementedError

    def _frame(self, buttons: list[W.Widget], body: list[W.Widget], css_class: str) -> W.VBox:
        """The editor's outer box: header, messages, conflicts, a row of buttons, then `body`."""
        box = W.VBox([self.style, self.header, self.message, self.conflict_box,
                      _wrap([self.undo_button, self.reload_button, *buttons]), *body],
                     layout=W.Layout(padding="6px", width="100%"))
        box.add_class("adrkit-editor")
        box.add_class(css_class)
        return box

    def _show_conflict(self) -> None:
        """The conflict panel: one row per field changed both here and on disk."""
        c = self.conflict
        self.conflict_box.layout.display = None if c is not None else "none"
        if c is None:
            self.conflict_rows.children = []
            self._toggles = []
            return
        intro = W.HTML(alert(
            f"<strong>Not saved: {html.escape(self.path.name)} changed on disk</strong> since this editor "
            "read it (another tab, kernel or program wrote it). Your edit is kept here. "
            + ("For each field changed both here and there, choose whose value to keep; saving "
               "replaces only the fields set to <em>Use mine</em>, and everything else in the file "
               "stays as it is on disk." if c.conflicts else html.escape(c.message) + ".")
            + " <em>Reload</em> drops your unsaved edit."))
        rows: list[W.Widget] = [intro]
        self._toggles = []
        for item in c.conflicts:
            toggle = W.ToggleButtons(options=[("Keep theirs", "theirs"), ("Use mine", "mine")], value="theirs",
                                     style={"button_width": "auto"})
            label = W.HTML(self._conflict_words(item), layout=W.Layout(flex="1 1 260px"))
            self._toggles.append(toggle)
            rows.append(_wrap([label, toggle]))
        self.conflict_rows.children = rows
        self.resolve_button.layout.display = None if c.conflicts else "none"
        self.keep_theirs_button.layout.display = None if c.conflicts else "none"
        self.overwrite_button.layout.display = None if c.conflicts else "none"

    # --- live results ---------------------------------------------------------------------
    def _refresh(self) -> None:
        """Redraw the header, the buttons, the subclass's live parts and the static output."""
        where = html.escape(f"{self.path.name} · {self.where}")
        self.header.value = (f"<span class='adrkit-title'>{html.escape(self._title())}</span> "
                             f"<span class='adrkit-where'>{where} · {self._state()}</span>")
        self.reload_button.layout.display = None if (self.stale or self.model is None) else "none"
        self.undo_button.layout.display = None if self.history and self.conflict is None else "none"
        if self.history:
            self.undo_button.tooltip = f"Undo: {self.history[-1][0]}"
            self.undo_button.description = "Undo"
        self._redraw()
        if self._handles:
            bundle = self._bundle()
            for handle in self._handles:
                handle.update(bundle, raw=True)

    def _title(self) -> str:
        """The header's title (plain text)."""
        return self.label

    def _state(self) -> str:
        """The header's note on how the model stands against the file (HTML)."""
        if self.conflict is not None:
            return "<b class='adrkit-bad'>not saved: changed on disk</b>"
        if self.stale:
            return "<b class='adrkit-bad'>changed on disk</b>"
        if self.saved_at:
            return f"saved {self.saved_at}"
        return "loaded" if self.model is not None else "not loaded"

    def _redraw(self) -> None:
        """Redraw the subclass's live parts (after any change)."""


def _wrap(children: list[W.Widget], **layout: Any) -> W.HBox:
    """A row that wraps onto the next line when the notebook is narrow."""
    return W.HBox(children, layout=W.Layout(flex_flow="row wrap", align_items="center", **layout))
