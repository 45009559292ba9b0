"""What every data editor shares: an ipywidgets 8 view over one entry of a decision's
data file (`adrkit.datafile.DataFile`), such as `tradeoffs.main` or `lifecycles.main`.

`DataEditor` keeps the model of that entry and writes it back atomically after each
accepted edit. A data file changed on disk by someone else is never overwritten
silently: the edit is kept in the widget, unsaved, until the user reloads or chooses
to overwrite. Errors inside callbacks are shown in the widget, never lost in a log.

Displayed in a notebook, an editor shows two outputs: the controls (a widget) and a
static render of the model (HTML and plain text), updated live through a display id,
so the saved notebook reads with no kernel.

A subclass sets the class attributes, builds its controls and `widget` in `_build`,
and supplies `_model_from`, `_validate`, `_renders` and `_after_load`; `_title`,
`_state`, `_redraw` and `_conflict_note` have defaults it may replace.
"""
from __future__ import annotations

import datetime as _dt
import html
import traceback
from pathlib import Path
from typing import Any, Callable

import ipywidgets as W

from adrkit.storage.datafile import DataFile, data_file
from adrkit.core.errors import AdrkitError, ConflictError

__all__ = ["DataEditor", "alert", "button", "text_input"]


def alert(body: str) -> str:
    """`body` (HTML) as an alert in the widget's message area."""
    return f'<div role="alert" style="color:#a00">{body}</div>'


def text_input(value: str = "", **kw: Any) -> W.Text:
    return W.Text(value=value, continuous_update=False, **kw)


def button(description: str, tooltip: str, **kw: Any) -> W.Button:
    return W.Button(description=description, tooltip=tooltip, **kw)


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
        self.datafile: DataFile | None = None
        self.dirty = False          # the model has an edit the file does not have yet
        self.conflict = False       # the file changed on disk under us
        self.error: str | None = None   # the last message shown for a failed edit
        self.saved_at: str | None = None
        self._syncing = False
        self._handles: list[Any] = []
        self._build_frame()
        self._build()
        self._guarded(self._load)()

    @property
    def where(self) -> str:
        """The entry's place in the data file, e.g. 'tradeoffs.main'."""
        return f"{self.kind}.{self.name}"

    # --- public actions -------------------------------------------------------------
    def flush(self) -> bool:
        """Write any unsaved edit now; True when the file holds the current model."""
        if self.dirty and self.model is not None:
            self._save()
            self._refresh()
        return not self.dirty

    def reload(self) -> None:
        """Take the file's current state, dropping any unsaved edit."""
        self._load()

    def overwrite(self) -> None:
        """Write the current model even though the file changed on disk."""
        if self.model is not None:
            self._save(force=True)
            self._refresh()

    # --- the static render ------------------------------------------------------------
    def _unreadable_html(self) -> str:
        return (f'<div class="{self.css_class}"><p>The {self.label.lower()} could not be read: '
                f"{html.escape(self.error or 'unknown problem')}</p></div>")

    def _unreadable_text(self) -> str:
        return f"{self.label} not readable: {self.error}"

    def _renders(self) -> tuple[str, str]:
        """The static HTML and plain text of the model as it stands."""
        raise NotImplementedError

    # --- display ---------------------------------------------------------------------
    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        handle = display(self._bundle(), raw=True, display_id=True)
        if handle is not None:
            self._handles.append(handle)

    def _bundle(self) -> dict[str, str]:
        text_html, text_plain = self._renders()
        return {"text/html": text_html, "text/plain": text_plain}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path.name} {self.where}>"

    # --- error handling ---------------------------------------------------------------
    def _guarded(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a callback so any error shows in the widget instead of a log."""

        def run(*args: Any, **kwargs: Any) -> Any:
            if self._syncing:
                return None
            try:
                return fn(*args, **kwargs)
            except AdrkitError as exc:
                self._show_error(str(exc))
            except Exception as exc:  # a bug: show it in full, in the widget
                detail = html.escape("".join(traceback.format_exception(exc)))
                self._show_error(f"Internal error ({type(exc).__name__}: {exc}); please report it.",
                                 detail=detail)
            return None

        return run

    def _show_error(self, message: str, *, detail: str | None = None) -> None:
        self.error = message
        body = f"<strong>Not applied:</strong> {html.escape(message)}"
        if detail:
            body += f"<details><summary>details</summary><pre>{detail}</pre></details>"
        self.message.value = alert(body)

    def _show_conflict(self, detail: str) -> None:
        self.message.value = alert(self._conflict_note(detail))

    def _conflict_note(self, detail: str) -> str:
        """The message for a file changed on disk; `detail` is the error's own text."""
        return (f"<strong>{html.escape(self.path.name)} changed on disk</strong> since it was "
                "loaded (another program or person edited it). "
                + ("Your edit is kept here, unsaved. " if self.dirty else "")
                + "<em>Reload</em> takes their version" + (" and drops yours" if self.dirty else "")
                + "; <em>Overwrite</em> replaces theirs with this one."
                + (f"<br><small>{html.escape(detail)}</small>" if detail else ""))

    # --- loading and saving -------------------------------------------------------------
    def _load(self) -> None:
        self.model = None
        self.dirty = self.conflict = False
        self.error = None
        self.message.value = ""
        try:
            if self.datafile is None:
                self.datafile = data_file(self.path)
            self.datafile.reload()
            self.model = self._model_from(self.datafile.get(self.kind, self.name))
        except AdrkitError as exc:
            self.error = str(exc)
            self.message.value = alert(f"<strong>Cannot edit:</strong> {html.escape(str(exc))}. "
                                       "Fix the file, then press Reload.")
        self._after_load()

    def _model_from(self, raw: dict[str, Any] | None) -> Any:
        """The model for the entry as stored (None when the file has no such entry)."""
        raise NotImplementedError

    def _after_load(self) -> None:
        """Show the freshly loaded model (or its absence) in the controls."""
        raise NotImplementedError

    def _save(self, *, force: bool = False) -> bool:
        """Write the model to the file; True when written."""
        assert self.model is not None and self.datafile is not None
        try:
            self.datafile.put(self.kind, self.name, self.model.to_dict(), force=force)
        except ConflictError as exc:
            self.conflict = self.dirty = True
            self._show_conflict(str(exc))
            return False
        except OSError as exc:
            self.dirty = True
            self._show_error(f"could not write {self.path}: {exc.strerror or exc}")
            return False
        self.dirty = self.conflict = False
        self.error = None
        self.saved_at = _dt.datetime.now().strftime("%H:%M:%S")
        self.message.value = ""
        return True

    def _candidate(self, change: Callable[[Any], Any], restore: Callable[[], None]) -> Any:
        """A copy of the model with `change` applied and validated, or None when the edit
        is refused: the reason then shows in the widget and `restore` puts the controls
        back to the model."""
        if self.model is None:
            self._show_error(f"the {self.noun} could not be read, so it cannot be edited; fix the "
                             "file and press Reload")
            return None
        candidate = self.model.copy()
        try:
            change(candidate)
            self._validate(candidate)
        except AdrkitError as exc:
            self._show_error(str(exc))
            restore()
            return None
        return candidate

    def _validate(self, model: Any) -> None:
        """Raise an AdrkitError when `model` may not be stored."""
        raise NotImplementedError

    # --- building the view ------------------------------------------------------------------
    def _build_frame(self) -> None:
        self.header = W.HTML()
        self.message = W.HTML()
        self.reload_button = button("Reload", "Read the data file again (drops unsaved edits)",
                                    icon="refresh")
        self.overwrite_button = button("Overwrite", "Save this version over the file on disk",
                                       button_style="warning")
        self.reload_button.on_click(self._guarded(lambda _b: self.reload()))
        self.overwrite_button.on_click(self._guarded(lambda _b: self.overwrite()))

    def _build(self) -> None:
        """Make the controls and `widget` (with `_frame`)."""
        raise NotImplementedError

    def _frame(self, buttons: list[W.Widget], body: list[W.Widget], css_class: str) -> W.VBox:
        """The editor's outer box: header, messages, a row of buttons, then `body`."""
        box = W.VBox([self.header, self.message, W.HBox(buttons), *body],
                     layout=W.Layout(border="1px solid #ddd", padding="6px"))
        box.add_class(css_class)
        return box

    # --- live results ---------------------------------------------------------------------
    def _refresh(self) -> None:
        """Redraw the header, the buttons, the subclass's live parts and the static output."""
        where = html.escape(f"{self.path.name} · {self.where}")
        self.header.value = f"<b>{html.escape(self._title())}</b> <small>({where}; {self._state()})</small>"
        self.overwrite_button.layout.display = None if self.conflict else "none"
        self.reload_button.layout.display = None if (self.conflict or self.model is None) else "none"
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
        if self.conflict:
            return ("<b style='color:#a00'>not saved: changed on disk</b>" if self.dirty else
                    "<b style='color:#a00'>changed on disk</b>")
        if self.dirty:
            return "<b style='color:#a00'>not saved</b>"
        if self.saved_at:
            return f"saved {self.saved_at}"
        return "loaded" if self.model is not None else "not loaded"

    def _redraw(self) -> None:
        """Redraw the subclass's live parts (after any change)."""
