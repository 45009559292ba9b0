"""The trade-off table editor: an ipywidgets 8 view over `adrkit.core.tradeoff.Tradeoff`.

Long because it is one view with many small parts (question and scale, criteria,
the score grid, arguments, the decision, pairwise weights, the live ranking); each
part is a short builder plus its share of `_sync`.

The editor holds no logic of its own. Each edit (`add_option`, `set_weight`, ... which
the controls call, and which code and tests can call too) is applied to a copy of the
model, validated, and only then taken and saved (see `adrkit.widgets.editor`). A refused
value says why in words ("Cost weight must be 0 or more") and the control shows the
model's value again; numbers are typed into text fields so a letter is refused with a
message rather than silently reverted.

The controls are made once per criterion, option and argument and then updated in
place (`_sync`), so an edit redraws only what changed: an open panel stays open and
the focus stays where it was. Enter in a "new ..." field adds it. Options and
criteria can be moved up and down; every edit can be undone. Changing the scale
offers to rescale the scores. Names that differ only in case or spaces are refused.
"""
from __future__ import annotations

import html
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import ipywidgets as W

from adrkit.core.errors import AdrkitError, ValidationError
from adrkit.core.tradeoff import KINDS, Tradeoff
from adrkit.core.wording import num
from adrkit.render.tradeoff import tradeoff_html
from adrkit.widgets.charts import tradeoff_charts_html
from adrkit.widgets.editor import DataEditor, _wrap, button, text_input
from adrkit.widgets.locate import data_path_for
from adrkit.widgets.style import note

__all__ = ["TradeoffEditor", "tradeoff_editor", "parse_number", "same_name"]

_SAATY = [Fraction(1, n) for n in range(9, 1, -1)] + [Fraction(n) for n in range(1, 10)]
_SAATY_OPTIONS = [(str(f), float(f)) for f in _SAATY]
_NONE = "(none)"
_ICON = W.Layout(width="34px", padding="0")


def tradeoff_editor(decision: str | Path, name: str = "main", **kwargs: Any) -> "TradeoffEditor":
    """The editor for trade-off `name` of a decision (stem like '0007-use-x', a notebook
    path or a data-file path). Display it (or leave it last in a cell) to use it."""
    return TradeoffEditor(data_path_for(decision), name, **kwargs)


def parse_number(text: Any, what: str) -> float:
    """A number typed into a field ('3', '0.5', '1,5'); a ValidationError naming the
    field in words otherwise."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        raw = str(text).strip().replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            raise ValidationError(f"{what} must be a number, not “{str(text).strip()}”" if raw else
                                  f"{what} is empty", fix="type a number such as 3 or 0.5")
    if not math.isfinite(value):
        raise ValidationError(f"{what} must be a finite number", fix="type a number such as 3 or 0.5")
    return value


def _fold(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def same_name(name: str, taken: list[str], what: str, *, besides: str | None = None) -> None:
    """Refuse `name` when it equals one of `taken` ignoring case and spaces."""
    folded = _fold(name)
    for other in taken:
        if other != besides and _fold(other) == folded:
            raise ValidationError(f"there is already {what} named “{other}”",
                                  fix="names that differ only in case or spaces are the same name; "
                                      "give it a different name")


def _icon(icon: str, tooltip: str) -> W.Button:
    return button("", tooltip, icon=icon, layout=_ICON)


def _counts(option: Any) -> str:
    found = [f"{len(option.arguments_of(k))} {k}" for k in KINDS if option.arguments_of(k)]
    return ", ".join(found) if found else "no arguments yet"


class _CriterionRow:
    def __init__(self, ed: "TradeoffEditor", name: str):
        g = ed._guarded
        self.name = name
        self.name_box = text_input(name, layout=W.Layout(flex="2 1 140px", min_width="110px"))
        self.weight = text_input("", placeholder="weight", layout=W.Layout(flex="0 1 70px", min_width="60px"))
        self.weight.add_class("adrkit-weight")
        self.description = text_input("", placeholder="what it means",
                                      layout=W.Layout(flex="3 1 160px", min_width="120px"))
        self.up, self.down = _icon("arrow-up", "Move up"), _icon("arrow-down", "Move down")
        self.remove = _icon("trash", f"Remove the criterion {name}")
        self.name_box.observe(g(lambda ch: ed.rename_criterion(self.name, ch.new)), "value")
        self.weight.observe(g(lambda ch: ed.set_weight(self.name, ch.new)), "value")
        self.description.observe(g(lambda ch: ed.describe_criterion(self.name, ch.new)), "value")
        self.up.on_click(g(lambda _b: ed.move_criterion(self.name, -1)))
        self.down.on_click(g(lambda _b: ed.move_criterion(self.name, 1)))
        self.remove.on_click(g(lambda _b: ed.remove_criterion(self.name)))
        self.box = _wrap([self.name_box, self.weight, self.description, self.up, self.down, self.remove])

    def as_dict(self) -> dict[str, W.Widget]:
        return {"name": self.name_box, "weight": self.weight, "description": self.description,
                "up": self.up, "down": self.down, "remove": self.remove}


class _OptionRow:
    def __init__(self, ed: "TradeoffEditor", name: str):
        g = ed._guarded
        self.ed = ed
        self.name = name
        self.name_box = text_input(name, layout=W.Layout(width="auto", min_width="0"))
        self.name_box.add_class("adrkit-option-name")
        self.up, self.down = _icon("arrow-up", "Move up"), _icon("arrow-down", "Move down")
        self.remove = _icon("trash", f"Remove the option {name}")
        self.scores: dict[str, W.Text] = {}
        self.name_box.observe(g(lambda ch: ed.rename_option(self.name, ch.new)), "value")
        self.up.on_click(g(lambda _b: ed.move_option(self.name, -1)))
        self.down.on_click(g(lambda _b: ed.move_option(self.name, 1)))
        self.remove.on_click(g(lambda _b: ed.remove_option(self.name)))
        self.box = W.GridBox()

    def score_box(self, criterion: str) -> W.Text:
        box = self.scores.get(criterion)
        if box is None:
            box = text_input("", layout=W.Layout(width="auto", min_width="0"))
            box.add_class("adrkit-score")
            holder = {"criterion": criterion}
            box.observe(self.ed._guarded(lambda ch: self.ed.set_score(self.name, holder["criterion"], ch.new)),
                        "value")
            box._adrkit_holder = holder  # type: ignore[attr-defined]
            self.scores[criterion] = box
        return box


class _ArgumentPanel:
    def __init__(self, ed: "TradeoffEditor", name: str):
        g = ed._guarded
        self.ed = ed
        self.name = name
        self.about = text_input("", description="About", placeholder="what this option is",
                                layout=W.Layout(width="98%"))
        self.about.observe(g(lambda ch: ed.describe_option(self.name, ch.new)), "value")
        self.rows: list[dict[str, W.Widget]] = []
        self.rows_box = W.VBox()
        self.kind = W.Dropdown(options=list(KINDS), value="good", layout=W.Layout(width="90px"))
        self.text = text_input("", placeholder="because ... (Enter adds it)",
                               layout=W.Layout(flex="3 1 200px", min_width="140px"))
        self.text.add_class("adrkit-new-argument")
        self.criterion = W.Dropdown(options=[_NONE], value=_NONE, layout=W.Layout(flex="1 1 120px", width="auto"))
        self.add = button("Add", "Add this argument", icon="plus", layout=W.Layout(width="auto"))
        self.add.on_click(g(lambda _b: self._add()))
        ed._on_enter(self.text, self._add)
        self.box = W.VBox([self.about, self.rows_box, _wrap([self.kind, self.text, self.criterion, self.add])])

    def _add(self) -> None:
        if not self.text.value.strip():
            return
        crit = None if self.criterion.value == _NONE else self.criterion.value
        if self.ed.add_argument(self.name, self.kind.value, self.text.value, crit):
            self.ed._quietly(lambda: setattr(self.text, "value", ""))

    def argument_row(self, i: int) -> dict[str, W.Widget]:
        while len(self.rows) <= i:
            self.rows.append(self._make_row(len(self.rows)))
        return self.rows[i]

    def _make_row(self, i: int) -> dict[str, W.Widget]:
        g = self.ed._guarded
        kind = W.Dropdown(options=list(KINDS), value="good", layout=W.Layout(width="90px"))
        text = text_input("", layout=W.Layout(flex="3 1 200px", min_width="140px"))
        crit = W.Dropdown(options=[_NONE], value=_NONE, layout=W.Layout(flex="1 1 120px", width="auto"))
        remove = _icon("trash", "Remove this argument")
        kind.observe(g(lambda ch: self.ed.edit_argument(self.name, i, kind=ch.new)), "value")
        text.observe(g(lambda ch: self.ed.edit_argument(self.name, i, text=ch.new)), "value")
        crit.observe(g(lambda ch: self.ed.edit_argument(self.name, i, criterion=ch.new)), "value")
        remove.on_click(g(lambda _b: self.ed.remove_argument(self.name, i)))
        return {"kind": kind, "text": text, "criterion": crit, "remove": remove,
                "box": _wrap([kind, text, crit, remove])}


class TradeoffEditor(DataEditor):
    """Edit one trade-off table of one decision. `widget` is the ipywidgets view;
    `model` the current Tradeoff; `report_html` the static table of the saved one."""

    kind = "tradeoffs"
    label = "Trade-off table"
    noun = "table"
    css_class = "adrkit-tradeoff"
    model: Tradeoff | None

    def __init__(self, path: str | Path, name: str = "main", *, title: str | None = None):
        self.title = title
        self._criteria: dict[str, _CriterionRow] = {}
        self._options: dict[str, _OptionRow] = {}
        self._panels: dict[str, _ArgumentPanel] = {}
        self._pairs: dict[tuple[str, str], W.Dropdown] = {}
        self._pair_rows: dict[tuple[str, str], W.HBox] = {}
        self._pending_scale: tuple[float, float] | None = None
        super().__init__(path, name)

    # --- the static render ------------------------------------------------------------
    @property
    def report_html(self) -> str:
        """The static HTML of the table as the data file holds it (what the saved notebook
        shows)."""
        if self.saved_model is None:
            return self._unreadable_html()
        return tradeoff_html(self.saved_model)

    @property
    def report_text(self) -> str:
        t = self.saved_model
        if t is None:
            return self._unreadable_text()
        try:
            ranking = t.ranking()
        except AdrkitError as exc:
            return f"Trade-off table has a problem: {exc}"
        lines = [t.question or "Trade-off"]
        lines += [f"{e.rank}. {e.name}  {e.total:.2f}" for e in ranking]
        if len(t.options) > 1 and t.criteria:
            lines.append(t.sensitivity().summary)
        return "\n".join(lines)

    def _renders(self) -> tuple[str, str]:
        return self.report_html, self.report_text

    # --- loading ----------------------------------------------------------------------
    def _model_from(self, raw: dict[str, Any] | None) -> Tradeoff:
        return Tradeoff.from_dict(raw, path=self.path, where=self.where)

    def _after_load(self) -> None:
        if self.model is not None:
            problems = self.model.problems()
            if problems:
                self._say('<div role="alert" class="adrkit-alert"><strong>The file has problems</strong> '
                          "(edits are refused until they are fixed):<ul>"
                          + "".join(f"<li>{html.escape(str(p))}</li>" for p in problems) + "</ul></div>")
        self._sync()
        self._refresh()

    def _validate(self, model: Tradeoff) -> None:
        model.validate()

    # --- edits (the controls call these; so can code) -----------------------------------------
    def set_question(self, text: str) -> bool:
        return self._edit(lambda m: setattr(m, "question", " ".join(str(text).split())), "change the question")

    def add_option(self, name: str) -> bool:
        def change(m: Tradeoff) -> None:
            same_name(name, m.option_names, "an option")
            m.add_option(name)
        return self._edit(change, f"add option “{' '.join(name.split())}”")

    def rename_option(self, old: str, new: str) -> bool:
        new = " ".join(str(new).split())
        if new == old:
            return True

        def change(m: Tradeoff) -> None:
            same_name(new, m.option_names, "an option", besides=old)
            m.rename_option(old, new)
        def rekey() -> None:
            self._rekey(self._options, old, new)
            self._rekey(self._panels, old, new)
        return self._edit(change, f"rename option “{old}” to “{new}”", then=rekey)

    def remove_option(self, name: str) -> bool:
        if self._edit(lambda m: m.remove_option(name), f"remove option “{name}”"):
            self._say(self.message.value or note(f"Removed the option “{html.escape(name)}”; Undo brings it back."))
            return True
        return False

    def move_option(self, name: str, offset: int) -> bool:
        def change(m: Tradeoff) -> None:
            i = m.option_names.index(m.option(name).name)
            m.options.insert(max(0, min(i + offset, len(m.options) - 1)), m.options.pop(i))
        return self._edit(change, f"move option “{name}”")

    def describe_option(self, name: str, text: str) -> bool:
        return self._edit(lambda m: setattr(m.option(name), "description", " ".join(str(text).split())),
                          f"describe option “{name}”")

    def add_criterion(self, name: str, weight: Any = 1.0) -> bool:
        clean = " ".join(str(name).split())
        value = parse_number(weight, f"{clean or 'The new criterion'} weight")

        def change(m: Tradeoff) -> None:
            same_name(name, m.criterion_names, "a criterion")
            if value < 0:
                raise ValidationError(f"{clean} weight must be 0 or more", fix="type a weight such as 1 or 3")
            m.add_criterion(name, value)
        return self._edit(change, f"add criterion “{clean}”")

    def rename_criterion(self, old: str, new: str) -> bool:
        new = " ".join(str(new).split())
        if new == old:
            return True

        def change(m: Tradeoff) -> None:
            same_name(new, m.criterion_names, "a criterion", besides=old)
            m.rename_criterion(old, new)
        return self._edit(change, f"rename criterion “{old}” to “{new}”",
                          then=lambda: self._rekey_criterion(old, new))

    def remove_criterion(self, name: str) -> bool:
        if self._edit(lambda m: m.remove_criterion(name), f"remove criterion “{name}”"):
            self._say(self.message.value or note(f"Removed the criterion “{html.escape(name)}” and its scores; "
                                                 "Undo brings them back."))
            return True
        return False

    def move_criterion(self, name: str, offset: int) -> bool:
        def change(m: Tradeoff) -> None:
            i = m.criterion_names.index(m.criterion(name).name)
            m.criteria.insert(max(0, min(i + offset, len(m.criteria) - 1)), m.criteria.pop(i))
        return self._edit(change, f"move criterion “{name}”")

    def set_weight(self, criterion: str, weight: Any) -> bool:
        what = f"{criterion} weight"

        def change(m: Tradeoff) -> None:
            value = parse_number(weight, what)
            if value < 0:
                raise ValidationError(f"{what} must be 0 or more", fix="type a weight such as 1 or 3")
            m.set_weight(criterion, value)
        return self._edit(change, f"change the {what}")

    def describe_criterion(self, name: str, text: str) -> bool:
        return self._edit(lambda m: setattr(m.criterion(name), "description", " ".join(str(text).split())),
                          f"describe criterion “{name}”")

    def set_score(self, option: str, criterion: str, score: Any) -> bool:
        what = f"{option} score on {criterion}"

        def change(m: Tradeoff) -> None:
            value = parse_number(score, what)
            low, high = m.scale
            if not low <= value <= high:
                raise ValidationError(f"{what} must be from {num(low)} to {num(high)}, not {num(value)}",
                                      fix="change the scale first to use other numbers")
            m.set_score(option, criterion, value)
        return self._edit(change, f"change the {what}")

    def set_scale(self, low: Any, high: Any, *, rescale: bool = False) -> bool:
        """Set the score scale; with `rescale`, map every score onto the new scale."""
        lo, hi = parse_number(low, "The scale's lower end"), parse_number(high, "The scale's upper end")

        def change(m: Tradeoff) -> None:
            if not lo < hi:
                raise ValidationError(f"the scale must run from a lower to a higher number, not {num(lo)} to "
                                      f"{num(hi)}", fix="e.g. 1 to 5")
            old_lo, old_hi = m.scale
            if rescale and old_hi > old_lo:
                for o in m.options:
                    o.scores = {k: round(lo + (v - old_lo) * (hi - lo) / (old_hi - old_lo), 2)
                                for k, v in o.scores.items()}
            m.scale = (lo, hi)
        self._pending_scale = None
        self.rescale_box.layout.display = "none"
        return self._edit(change, "change the scale" + (" and rescale the scores" if rescale else ""))

    def propose_scale(self, low: Any, high: Any) -> bool:
        """A scale typed in the fields: applied at once when no option has scores yet,
        otherwise the editor asks whether to rescale the scores."""
        if self.model is None:
            return False
        lo, hi = parse_number(low, "The scale's lower end"), parse_number(high, "The scale's upper end")
        if (lo, hi) == tuple(self.model.scale):
            return True
        if not any(o.scores for o in self.model.options) or not lo < hi:
            return self.set_scale(lo, hi)
        self._pending_scale = (lo, hi)
        old = f"{num(self.model.scale[0])} to {num(self.model.scale[1])}"
        self.rescale_note.value = (f"Change the scale from {old} to {num(lo)} to {num(hi)}: rescale the scores "
                                   "with it (a score keeps its place between the ends), or keep them as "
                                   "they are?")
        self.rescale_box.layout.display = None
        return True

    def add_argument(self, option: str, kind: str, text: str, criterion: str | None = None) -> bool:
        if not str(text).strip():
            self._show_error(f"The new argument for {option} has no text: type why it is {kind}")
            return False
        return self._edit(lambda m: m.add_argument(option, kind, text, criterion),
                          f"add an argument to “{option}”")

    def edit_argument(self, option: str, index: int, **fields: Any) -> bool:
        def change(m: Tradeoff) -> None:
            arg = m.option(option).arguments[index]
            for key, value in fields.items():
                if key == "criterion":
                    value = None if value == _NONE else value
                elif key == "text":
                    value = " ".join(str(value).split())
                setattr(arg, key, value)
        return self._edit(change, f"change an argument of “{option}”")

    def remove_argument(self, option: str, index: int) -> bool:
        return self._edit(lambda m: m.remove_argument(option, index), f"remove an argument of “{option}”")

    def set_baseline(self, option: str | None) -> bool:
        value = None if option in (None, _NONE) else option
        return self._edit(lambda m: setattr(m, "baseline", value), "change the baseline")

    def choose(self, option: str | None) -> bool:
        value = None if option in (None, _NONE) else option
        return self._edit(lambda m: setattr(m, "chosen", value), "change the chosen option")

    def set_because(self, text: str) -> bool:
        return self._edit(lambda m: setattr(m, "because", str(text).strip()), "change the reason")

    def set_judgement(self, a: str, b: str, ratio: float) -> bool:
        return self._edit(lambda m: m.set_judgement(a, b, ratio), f"compare {a} with {b}")

    def apply_pairwise(self) -> bool:
        return self._edit(lambda m: m.apply_ahp(), "use the pairwise weights")

    def drop_pairwise(self) -> bool:
        return self._edit(lambda m: setattr(m, "pairwise", []), "drop the pairwise comparisons")

    # --- keys of the rows follow renames ---------------------------------------------------------
    @staticmethod
    def _rekey(rows: dict[str, Any], old: str, new: str) -> None:
        if old in rows and new not in rows:
            row = rows.pop(old)
            row.name = new
            rows[new] = row

    def _rekey_criterion(self, old: str, new: str) -> None:
        self._rekey(self._criteria, old, new)
        for row in self._options.values():
            if old in row.scores and new not in row.scores:
                box = row.scores.pop(old)
                box._adrkit_holder["criterion"] = new
                row.scores[new] = box

    # --- building the view ------------------------------------------------------------------
    def _build(self) -> None:
        g = self._guarded
        self.criterion_rows: dict[str, dict[str, W.Widget]] = {}
        self.option_rows: dict[str, dict[str, W.Widget]] = {}
        self.score_boxes: dict[tuple[str, str], W.Text] = {}
        self.argument_rows: dict[str, list[dict[str, W.Widget]]] = {}
        self.option_descriptions: dict[str, W.Text] = {}
        self.new_argument: dict[str, dict[str, W.Widget]] = {}
        self.pairwise_boxes: dict[tuple[str, str], W.Dropdown] = {}
        self.summary = W.HTML()
        self.summary.add_class("adrkit-ranking")
        self.chart = W.HTML()
        self.chart.add_class("adrkit-charts")
        self.pairwise_status = W.HTML()
        self.question = text_input("", description="Question", placeholder="What is being decided?",
                                   layout=W.Layout(width="98%"))
        self.question.observe(g(lambda c: self.set_question(c.new)), "value")
        self.scale_min = text_input("", layout=W.Layout(width="60px"))
        self.scale_max = text_input("", layout=W.Layout(width="60px"))
        for box in (self.scale_min, self.scale_max):
            box.observe(g(lambda _c: self.propose_scale(self.scale_min.value, self.scale_max.value)), "value")
        self.rescale_note = W.HTML()
        self.rescale_button = button("Rescale the scores", "Map every score onto the new scale",
                                     layout=W.Layout(width="auto"))
        self.keep_scores_button = button("Keep the scores", "Change the scale only",
                                         layout=W.Layout(width="auto"))
        self.cancel_scale_button = button("Cancel", "Keep the scale as it was", layout=W.Layout(width="auto"))
        self.rescale_button.on_click(g(lambda _b: self._pending_scale and self.set_scale(*self._pending_scale,
                                                                                          rescale=True)))
        self.keep_scores_button.on_click(g(lambda _b: self._pending_scale and self.set_scale(*self._pending_scale)))
        self.cancel_scale_button.on_click(g(lambda _b: self._cancel_scale()))
        self.rescale_box = W.VBox([self.rescale_note, _wrap([self.rescale_button, self.keep_scores_button,
                                                             self.cancel_scale_button])],
                                  layout=W.Layout(display="none"))

        self.criteria_box = W.VBox()
        self.new_criterion_name = text_input("", placeholder="new criterion (Enter adds it)",
                                             layout=W.Layout(flex="2 1 160px", min_width="120px"))
        self.new_criterion_weight = text_input("1", placeholder="weight",
                                               layout=W.Layout(flex="0 1 70px", min_width="60px"))
        self.add_criterion_button = button("Add criterion", "Add a criterion (every option scores the middle "
                                           "of the scale on it)", icon="plus", layout=W.Layout(width="auto"))
        self.add_criterion_button.on_click(g(lambda _b: self._add_criterion()))
        self._on_enter(self.new_criterion_name, self._add_criterion)
        self.new_criterion_name.add_class("adrkit-new-criterion")
        self.add_criterion_button.add_class("adrkit-add-criterion")
        self.new_criterion_row = _wrap([self.new_criterion_name, self.new_criterion_weight,
                                        self.add_criterion_button])

        self.scores_head = W.GridBox()
        self.scores_box = W.VBox()
        self.new_option_name = text_input("", placeholder="new option (Enter adds it)",
                                          layout=W.Layout(flex="2 1 160px", min_width="120px"))
        self.add_option_button = button("Add option", "Add an option (scoring the middle of the scale)",
                                        icon="plus", layout=W.Layout(width="auto"))
        self.new_option_name.add_class("adrkit-new-option")
        self.add_option_button.add_class("adrkit-add-option")
        self.add_option_button.on_click(g(lambda _b: self._add_option()))
        self._on_enter(self.new_option_name, self._add_option)
        self.new_option_row = _wrap([self.new_option_name, self.add_option_button])

        self.arguments = W.Accordion()
        self.arguments.add_class("adrkit-arguments")
        self.baseline = W.Dropdown(options=[_NONE], value=_NONE, description="Baseline",
                                   layout=W.Layout(width="auto", min_width="220px"))
        self.chosen = W.Dropdown(options=[_NONE], value=_NONE, description="Chosen",
                                 layout=W.Layout(width="auto", min_width="220px"))
        self.because = W.Textarea(value="", description="Because", continuous_update=False,
                                  placeholder="why this option (published as the Decision Outcome)",
                                  layout=W.Layout(width="98%"))
        self.baseline.observe(g(lambda c: self.set_baseline(c.new)), "value")
        self.chosen.observe(g(lambda c: self.choose(c.new)), "value")
        self.because.observe(g(lambda c: self.set_because(c.new)), "value")

        self.pairwise_rows = W.VBox()
        self.apply_pairwise_button = button("Use these weights", "Set the criteria weights from the pairwise "
                                            "comparisons", icon="balance-scale", layout=W.Layout(width="auto"))
        self.clear_pairwise_button = button("Drop comparisons", "Remove the pairwise comparisons",
                                            layout=W.Layout(width="auto"))
        self.apply_pairwise_button.on_click(g(lambda _b: self.apply_pairwise()))
        self.clear_pairwise_button.on_click(g(lambda _b: self.drop_pairwise()))
        self.pairwise = W.Accordion(children=[W.VBox([
            W.HTML("For each pair: how many times as important the first is as the second (1 = equal, "
                   "9 = extremely more, 1/9 = extremely less)."),
            self.pairwise_rows, _wrap([self.apply_pairwise_button, self.clear_pairwise_button]),
            self.pairwise_status])])
        self.pairwise.add_class("adrkit-ahp")

        self.body = W.VBox([
            self.question, _wrap([W.HTML("Scores from"), self.scale_min, W.HTML("to"), self.scale_max,
                                  W.HTML("(higher is better)")]), self.rescale_box,
            W.HTML("<b>Criteria and weights</b>"), self.criteria_box, self.new_criterion_row,
            W.HTML("<b>Options and scores</b>"), self.scores_head, self.scores_box, self.new_option_row,
            W.HTML("<b>Pros and cons</b> (one panel per option)"), self.arguments,
            W.HTML("<b>Decision</b>"), _wrap([self.baseline, self.chosen]), self.because,
            self.pairwise])
        self.widget = self._frame([], [self.body, self.summary, self.chart], "adrkit-tradeoff-editor")

    def _add_option(self) -> None:
        name = self.new_option_name.value
        if name.strip() and self.add_option(name):
            self._quietly(lambda: setattr(self.new_option_name, "value", ""))

    def _add_criterion(self) -> None:
        name = self.new_criterion_name.value
        if name.strip() and self.add_criterion(name, self.new_criterion_weight.value):
            self._quietly(lambda: setattr(self.new_criterion_name, "value", ""))

    def _cancel_scale(self) -> None:
        self._pending_scale = None
        self.rescale_box.layout.display = "none"
        self._sync()

    # --- showing the model: every control in line with it, made only where missing ------------
    def _sync(self) -> None:
        t = self.model
        self._syncing = True
        try:
            self.body.layout.display = "none" if t is None else None
            if t is None:
                return
            self.question.value = t.question
            if self._pending_scale is None:
                self.scale_min.value, self.scale_max.value = num(t.scale[0]), num(t.scale[1])
            self._sync_criteria(t)
            self._sync_options(t)
            self._sync_arguments(t)
            self._sync_decision(t)
            self._sync_pairwise(t)
        finally:
            self._syncing = False

    def _sync_criteria(self, t: Tradeoff) -> None:
        rows = []
        for c in t.criteria:
            row = self._criteria.get(c.name) or _CriterionRow(self, c.name)
            row.name = c.name
            row.name_box.value, row.weight.value, row.description.value = c.name, num(c.weight, 4), c.description
            row.remove.tooltip = f"Remove the criterion {c.name}"
            rows.append(row)
        self._criteria = {r.name: r for r in rows}
        _set_children(self.criteria_box, [r.box for r in rows])
        self.criterion_rows = {r.name: r.as_dict() for r in rows}

    def _grid_template(self, t: Tradeoff) -> str:
        return "minmax(90px, 2fr) " + "minmax(48px, 1fr) " * len(t.criteria) + "34px 34px 34px"

    def _sync_options(self, t: Tradeoff) -> None:
        template = self._grid_template(t)
        grid = dict(grid_template_columns=template, grid_gap="2px 4px", width="100%")
        labels = ["<b>Option</b>"] + [f"<b>{html.escape(c.name)}</b>" for c in t.criteria] + ["", "", ""]
        if [h.value for h in self.scores_head.children] != labels:
            self.scores_head.children = [W.HTML(v, layout=W.Layout(overflow="hidden", min_width="0"))
                                         for v in labels]
        self.scores_head.layout = W.Layout(**grid)
        rows = []
        for o in t.options:
            row = self._options.get(o.name) or _OptionRow(self, o.name)
            row.name = o.name
            row.name_box.value = o.name
            row.remove.tooltip = f"Remove the option {o.name}"
            cells = []
            for c in t.criteria:
                box = row.score_box(c.name)
                box.value = num(o.scores.get(c.name, t.middle), 4)
                cells.append(box)
            for gone in [k for k in row.scores if k not in t.criterion_names]:
                del row.scores[gone]
            _set_children(row.box, [row.name_box, *cells, row.up, row.down, row.remove])
            if row.box.layout.grid_template_columns != template:
                row.box.layout = W.Layout(**grid)
            rows.append(row)
        self._options = {r.name: r for r in rows}
        _set_children(self.scores_box, [r.box for r in rows])
        self.option_rows = {r.name: {"name": r.name_box, "up": r.up, "down": r.down, "remove": r.remove}
                            for r in rows}
        self.score_boxes = {(r.name, c): box for r in rows for c, box in r.scores.items()}

    def _sync_arguments(self, t: Tradeoff) -> None:
        choices = [_NONE] + t.criterion_names
        panels = []
        for o in t.options:
            panel = self._panels.get(o.name) or _ArgumentPanel(self, o.name)
            panel.name = o.name
            panel.about.value = o.description
            for i, a in enumerate(o.arguments):
                row = panel.argument_row(i)
                _set_options(row["criterion"], choices)
                row["kind"].value, row["text"].value = a.kind, a.text
                row["criterion"].value = a.criterion if a.criterion in t.criterion_names else _NONE
            del panel.rows[len(o.arguments):]
            _set_children(panel.rows_box, [r["box"] for r in panel.rows])
            _set_options(panel.criterion, choices)
            panels.append(panel)
        self._panels = {p.name: p for p in panels}
        _set_children(self.arguments, [p.box for p in panels])
        titles = tuple(f"{o.name} · {_counts(o)}" for o in t.options)
        if tuple(self.arguments.titles) != titles:
            self.arguments.titles = titles
        self.argument_rows = {p.name: p.rows for p in panels}
        self.option_descriptions = {p.name: p.about for p in panels}
        self.new_argument = {p.name: {"kind": p.kind, "text": p.text, "criterion": p.criterion, "add": p.add}
                             for p in panels}

    def _sync_decision(self, t: Tradeoff) -> None:
        names = [_NONE] + t.option_names
        for box, value in ((self.baseline, t.baseline), (self.chosen, t.chosen)):
            _set_options(box, names)
            box.value = value if value in names else _NONE
        self.because.value = t.because

    def _sync_pairwise(self, t: Tradeoff) -> None:
        names = t.criterion_names
        pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
        rows, boxes, wrapped = [], {}, {}
        for a, b in pairs:
            box = self._pairs.get((a, b)) or self._pair_box(a, b)
            ratio = t.judgement(a, b) or 1.0
            options = _SAATY_OPTIONS
            if all(abs(v - ratio) > 1e-9 for _, v in options):
                options = options + [(f"{ratio:.3g}", ratio)]
            _set_options(box, options)
            box.value = min(options, key=lambda o: abs(o[1] - ratio))[1]
            boxes[(a, b)] = box
            row = self._pair_rows.get((a, b)) or _wrap([W.HTML(f"{html.escape(a)} <i>vs</i> {html.escape(b)}",
                                                             layout=W.Layout(flex="1 1 200px")), box])
            wrapped[(a, b)] = row
            rows.append(row)
        self._pairs, self._pair_rows = boxes, wrapped
        self.pairwise_boxes = boxes
        _set_children(self.pairwise_rows, rows)
        compared = len({frozenset((j.a, j.b)) for j in t.pairwise})
        title = (f"Weights from pairwise comparisons (AHP) · {compared} of {len(pairs)} pairs compared"
                 if t.pairwise else f"Weights from pairwise comparisons (AHP) · {len(pairs)} pair{'s' if len(pairs) != 1 else ''}, "
                 "none compared")
        if tuple(self.pairwise.titles) != (title,):
            self.pairwise.titles = (title,)

    def _pair_box(self, a: str, b: str) -> W.Dropdown:
        box = W.Dropdown(options=_SAATY_OPTIONS, value=1.0, layout=W.Layout(width="90px"))
        box.observe(self._guarded(lambda c: self.set_judgement(a, b, c.new)), "value")
        return box

    # --- live results ---------------------------------------------------------------------
    def _title(self) -> str:
        return self.title or (self.model.question if self.model and self.model.question else self.label)

    def _redraw(self) -> None:
        """Redraw the summary, the charts and the pairwise status."""
        self.summary.value = self._summary_html()
        t = self.model
        self.chart.value = tradeoff_charts_html(t) if t is not None else ""
        if t is not None and len(t.criteria) >= 2 and t.pairwise and not t.problems():
            self.pairwise_status.value = html.escape(t.ahp().describe())
        elif t is not None:
            self.pairwise_status.value = ""

    def _summary_html(self) -> str:
        t = self.model
        if t is None:
            return ""
        if t.problems():
            return "<i>The ranking shows again once the problems above are fixed.</i>"
        if not t.options or not t.criteria:
            return "<i>Add options and criteria; the ranking, Pugh view and sensitivity show below.</i>"
        ranking = t.ranking()
        parts = [" · ".join(f"{e.rank}. {html.escape(e.name)} ({e.total:.2f})" for e in ranking)]
        if len(t.options) > 1:
            sens = t.sensitivity()
            parts.append(f"<b>{html.escape(sens.verdict)}</b>: {html.escape(sens.summary)}")
        if t.baseline and len(t.options) > 1:
            pugh = t.pugh()
            parts.append("Pugh vs " + html.escape(pugh.baseline) + ": " + "; ".join(
                f"{html.escape(r.option)} +{r.better}/S{r.same}/−{r.worse}" for r in pugh.rows))
        parts += [f"<span class='adrkit-warn'>{html.escape(w)}</span>" for w in t.warnings()]
        return "<div>" + "<br>".join(parts) + "</div>"

    def _field_words(self, path: tuple[str, ...]) -> str:
        """A field of the table in words: 'Cost weight', 'Redis score on Cost', ..."""
        if not path:
            return "the table"
        head, rest = path[0], path[1:]
        if head == "criteria" and rest:
            if rest[0] == "(order)":
                return "the order of the criteria"
            if len(rest) == 1:
                return f"criterion “{rest[0]}”"
            return f"{rest[0]} {rest[1]}"
        if head == "options" and rest:
            if rest[0] == "(order)":
                return "the order of the options"
            if len(rest) == 1:
                return f"option “{rest[0]}”"
            if rest[1] == "scores" and len(rest) > 2:
                return f"{rest[0]} score on {rest[2]}"
            return f"{rest[0]} {rest[1]}"
        if head == "pairwise":
            return "the pairwise comparisons"
        return {"because": "the reason", "chosen": "the chosen option"}.get(head, head)


def _set_children(box: W.Box, children: list[W.Widget]) -> None:
    if tuple(box.children) != tuple(children):
        box.children = children


def _set_options(box: W.Dropdown, options: list[Any]) -> None:
    if list(box.options) != list(options):
        current = box.value
        box.options = options
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        if current in values:
            box.value = current
