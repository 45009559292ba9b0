"""The trade-off table editor: an ipywidgets 8 view over `adrkit.tradeoff.Tradeoff`.

The editor holds no logic of its own. Each edit is applied to a copy of the model,
validated, and only then taken and written to the decision's data file (atomically,
through the shared `adrkit.datafile.DataFile`). An invalid edit leaves the model and
the file as they were and says why in the widget; a data file changed on disk by
someone else is never overwritten silently: the edit is kept in the widget, unsaved,
until the user reloads or chooses to overwrite.

Displayed in a notebook, the editor shows two outputs: the controls (a widget) and the
static HTML of the table, updated live through a display id. The second one is plain
HTML in the saved notebook, so the table reads after a reload with no kernel.
Errors inside callbacks are shown in the widget, never lost in a log.
"""
from __future__ import annotations

import html
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

import ipywidgets as W

from adrkit.core.errors import AdrkitError
from adrkit.core.tradeoff import KINDS, Tradeoff
from adrkit.render.tradeoff import tradeoff_html
from adrkit.widgets.editor import DataEditor, alert, button, text_input
from adrkit.widgets.locate import data_path_for

__all__ = ["TradeoffEditor", "tradeoff_editor"]

_SAATY = [Fraction(1, n) for n in range(9, 1, -1)] + [Fraction(n) for n in range(1, 10)]
_NONE = "(none)"


def tradeoff_editor(decision: str | Path, name: str = "main", **kwargs: Any) -> "TradeoffEditor":
    """The editor for trade-off `name` of a decision (stem like '0007-use-x', a notebook
    path or a data-file path). Display it (or leave it last in a cell) to use it."""
    return TradeoffEditor(data_path_for(decision), name, **kwargs)


def _number(value: float, **kw: Any) -> W.FloatText:
    return W.FloatText(value=value, continuous_update=False, **kw)


class TradeoffEditor(DataEditor):
    """Edit one trade-off table of one decision. `widget` is the ipywidgets view;
    `model` the current Tradeoff; `report_html` the static table of it."""

    kind = "tradeoffs"
    label = "Trade-off table"
    noun = "table"
    css_class = "adrkit-tradeoff"
    model: Tradeoff | None

    def __init__(self, path: str | Path, name: str = "main", *, title: str | None = None):
        self.title = title
        super().__init__(path, name)

    # --- the static render ------------------------------------------------------------
    @property
    def report_html(self) -> str:
        """The static HTML of the table as it stands (what the saved notebook shows)."""
        if self.model is None:
            return self._unreadable_html()
        return tradeoff_html(self.model)

    @property
    def report_text(self) -> str:
        if self.model is None:
            return self._unreadable_text()
        try:
            ranking = self.model.ranking()
        except AdrkitError as exc:
            return f"Trade-off table has a problem: {exc}"
        lines = [self.model.question or "Trade-off"]
        lines += [f"{e.rank}. {e.name}  {e.total:.2f}" for e in ranking]
        if len(self.model.options) > 1 and self.model.criteria:
            lines.append(self.model.sensitivity().summary)
        return "\n".join(lines)

    def _renders(self) -> tuple[str, str]:
        return self.report_html, self.report_text

    # --- loading and saving -------------------------------------------------------------
    def _model_from(self, raw: dict[str, Any] | None) -> Tradeoff:
        return Tradeoff.from_dict(raw, path=self.path, where=self.where)

    def _after_load(self) -> None:
        if self.model is not None:
            problems = self.model.problems(path=self.path, where=self.where)
            if problems:
                self.message.value = alert("<strong>The file has problems</strong> (edits are refused "
                                           "until they are fixed):<ul>"
                                           + "".join(f"<li>{html.escape(str(p))}</li>" for p in problems)
                                           + "</ul>")
        self._rebuild()
        self._refresh()

    def _conflict_note(self, detail: str) -> str:
        return ("<strong>Not saved:</strong> "
                f"{html.escape(self.path.name)} changed on disk since it was loaded (another "
                "program or person edited it). Your edit is kept here, unsaved. <em>Reload</em> "
                "takes their version and drops yours; <em>Overwrite</em> replaces theirs with "
                f"yours.<br><small>{html.escape(detail)}</small>")

    def _validate(self, model: Tradeoff) -> None:
        model.validate(path=self.path, where=self.where)

    def _edit(self, change: Callable[[Tradeoff], Any], *, rebuild: bool = False) -> bool:
        """Apply `change` to a copy; keep it and save only if the result is valid."""
        candidate = self._candidate(change, self._rebuild if rebuild else self._sync)
        if candidate is None:
            return False
        self.model = candidate
        self.dirty = True
        self._save()
        if rebuild:
            self._rebuild()
        self._refresh()
        return True

    # --- building the view ------------------------------------------------------------------
    def _build(self) -> None:
        self.summary = W.HTML()
        self.pairwise_status = W.HTML()
        self.body = W.VBox()
        self.widget = self._frame([self.reload_button, self.overwrite_button], [self.body, self.summary],
                                  "adrkit-tradeoff-editor")
        # stable hooks for styling and for browser tests
        self.summary.add_class("adrkit-ranking")

    def _rebuild(self) -> None:
        """Make every control afresh from the model (after a change of structure)."""
        self._syncing = True
        try:
            self.body.children = [] if self.model is None else self._controls(self.model)
        finally:
            self._syncing = False

    def _controls(self, t: Tradeoff) -> list[W.Widget]:
        g = self._guarded
        self.question = text_input(t.question, description="Question", placeholder="What is being decided?",
                                   layout=W.Layout(width="95%"))
        self.question.observe(g(lambda c: self._edit(lambda m: setattr(m, "question", c.new.strip()))),
                              "value")
        self.scale_min = _number(t.scale[0], description="Scale from", layout=W.Layout(width="190px"))
        self.scale_max = _number(t.scale[1], description="to", layout=W.Layout(width="160px"))
        self.scale_min.observe(g(lambda c: self._edit(lambda m: setattr(m, "scale", (c.new, m.scale[1])))),
                               "value")
        self.scale_max.observe(g(lambda c: self._edit(lambda m: setattr(m, "scale", (m.scale[0], c.new)))),
                               "value")
        return [self.question, W.HBox([self.scale_min, self.scale_max]),
                W.HTML("<b>Criteria and weights</b>"), self._criteria_box(t),
                W.HTML("<b>Options and scores</b>"), self._scores_box(t),
                W.HTML("<b>Arguments</b>"), self._arguments_box(t),
                W.HTML("<b>Decision</b>"), self._decision_box(t),
                self._pairwise_box(t)]

    def _criteria_box(self, t: Tradeoff) -> W.VBox:
        g = self._guarded
        self.criterion_rows: dict[str, dict[str, W.Widget]] = {}
        rows = []
        for c in t.criteria:
            name = text_input(c.name, layout=W.Layout(width="200px"))
            weight = _number(c.weight, description="weight", layout=W.Layout(width="170px"))
            weight.add_class("adrkit-weight")
            desc = text_input(c.description, placeholder="description", layout=W.Layout(width="260px"))
            remove = button("Remove", f"Remove the criterion {c.name}", icon="trash",
                            layout=W.Layout(width="90px"))
            n = c.name
            name.observe(g(lambda ch, n=n: self._edit(lambda m: m.rename_criterion(n, ch.new), rebuild=True)),
                         "value")
            weight.observe(g(lambda ch, n=n: self._edit(lambda m: m.set_weight(n, ch.new))), "value")
            desc.observe(g(lambda ch, n=n: self._edit(
                lambda m: setattr(m.criterion(n), "description", ch.new.strip()))), "value")
            remove.on_click(g(lambda _b, n=n: self._edit(lambda m: m.remove_criterion(n), rebuild=True)))
            self.criterion_rows[n] = {"name": name, "weight": weight, "description": desc, "remove": remove}
            rows.append(W.HBox([name, weight, desc, remove]))
        self.new_criterion_name = text_input("", placeholder="new criterion", layout=W.Layout(width="200px"))
        self.new_criterion_weight = _number(1.0, description="weight", layout=W.Layout(width="170px"))
        self.add_criterion_button = button("Add criterion", "Add a criterion (every option scores "
                                           "the middle of the scale on it)", icon="plus")
        self.add_criterion_button.on_click(g(lambda _b: self._edit(
            lambda m: m.add_criterion(self.new_criterion_name.value, self.new_criterion_weight.value),
            rebuild=True)))
        rows.append(W.HBox([self.new_criterion_name, self.new_criterion_weight, self.add_criterion_button]))
        return W.VBox(rows)

    def _scores_box(self, t: Tradeoff) -> W.GridBox:
        g = self._guarded
        self.option_rows: dict[str, dict[str, W.Widget]] = {}
        self.score_boxes: dict[tuple[str, str], W.FloatText] = {}
        cols = len(t.criteria)
        cells: list[W.Widget] = [W.HTML("<b>Option</b>")]
        cells += [W.HTML(f"<b>{html.escape(c.name)}</b>") for c in t.criteria]
        cells += [W.HTML("")]
        for o in t.options:
            n = o.name
            name = text_input(o.name, layout=W.Layout(width="auto"))
            name.observe(g(lambda ch, n=n: self._edit(lambda m: m.rename_option(n, ch.new), rebuild=True)),
                         "value")
            cells.append(name)
            for c in t.criteria:
                box = _number(o.scores.get(c.name, t.middle), step=1, layout=W.Layout(width="auto"))
                box.observe(g(lambda ch, n=n, k=c.name: self._edit(lambda m: m.set_score(n, k, ch.new))),
                            "value")
                self.score_boxes[(n, c.name)] = box
                cells.append(box)
            remove = button("Remove", f"Remove the option {n}", icon="trash", layout=W.Layout(width="90px"))
            remove.on_click(g(lambda _b, n=n: self._edit(lambda m: m.remove_option(n), rebuild=True)))
            cells.append(remove)
            self.option_rows[n] = {"name": name, "remove": remove}
        self.new_option_name = text_input("", placeholder="new option", layout=W.Layout(width="auto"))
        self.add_option_button = button("Add option", "Add an option (scoring the middle of the scale)",
                                        icon="plus", layout=W.Layout(width="auto"))
        self.new_option_name.add_class("adrkit-new-option")
        self.add_option_button.add_class("adrkit-add-option")
        self.add_option_button.on_click(g(lambda _b: self._edit(
            lambda m: m.add_option(self.new_option_name.value), rebuild=True)))
        cells += [self.new_option_name] + [W.HTML("") for _ in range(cols)] + [self.add_option_button]
        template = "minmax(140px, 2fr) " + "minmax(70px, 1fr) " * cols + "100px"
        return W.GridBox(cells, layout=W.Layout(grid_template_columns=template, grid_gap="2px 6px"))

    def _arguments_box(self, t: Tradeoff) -> W.Accordion:
        g = self._guarded
        self.argument_rows: dict[str, list[dict[str, W.Widget]]] = {}
        self.option_descriptions: dict[str, W.Text] = {}
        self.new_argument: dict[str, dict[str, W.Widget]] = {}
        crit_choices = [_NONE] + t.criterion_names
        panels = []
        for o in t.options:
            n = o.name
            desc = text_input(o.description, description="About", placeholder="what this option is",
                              layout=W.Layout(width="95%"))
            desc.observe(g(lambda ch, n=n: self._edit(
                lambda m: setattr(m.option(n), "description", ch.new.strip()))), "value")
            self.option_descriptions[n] = desc
            rows: list[W.Widget] = [desc]
            self.argument_rows[n] = []
            for i, a in enumerate(o.arguments):
                kind = W.Dropdown(options=list(KINDS), value=a.kind, layout=W.Layout(width="100px"))
                text = text_input(a.text, layout=W.Layout(width="50%"))
                crit = W.Dropdown(options=crit_choices, value=a.criterion if a.criterion in t.criterion_names
                                  else _NONE, layout=W.Layout(width="180px"))
                remove = button("", "Remove this argument", icon="trash", layout=W.Layout(width="40px"))
                kind.observe(g(lambda ch, n=n, i=i: self._edit(
                    lambda m: setattr(m.option(n).arguments[i], "kind", ch.new))), "value")
                text.observe(g(lambda ch, n=n, i=i: self._edit(
                    lambda m: setattr(m.option(n).arguments[i], "text", ch.new.strip()))), "value")
                crit.observe(g(lambda ch, n=n, i=i: self._edit(
                    lambda m: setattr(m.option(n).arguments[i], "criterion",
                                      None if ch.new == _NONE else ch.new))), "value")
                remove.on_click(g(lambda _b, n=n, i=i: self._edit(
                    lambda m: m.remove_argument(n, i), rebuild=True)))
                self.argument_rows[n].append({"kind": kind, "text": text, "criterion": crit,
                                              "remove": remove})
                rows.append(W.HBox([kind, text, crit, remove]))
            kind = W.Dropdown(options=list(KINDS), value="good", layout=W.Layout(width="100px"))
            text = text_input("", placeholder="because ...", layout=W.Layout(width="50%"))
            crit = W.Dropdown(options=crit_choices, value=_NONE, layout=W.Layout(width="180px"))
            add = button("Add", "Add this argument", icon="plus", layout=W.Layout(width="80px"))
            add.on_click(g(lambda _b, n=n, kind=kind, text=text, crit=crit: self._edit(
                lambda m: m.add_argument(n, kind.value, text.value,
                                         None if crit.value == _NONE else crit.value), rebuild=True)))
            self.new_argument[n] = {"kind": kind, "text": text, "criterion": crit, "add": add}
            rows.append(W.HBox([kind, text, crit, add]))
            panels.append(W.VBox(rows))
        box = W.Accordion(children=panels, titles=tuple(t.option_names))
        return box

    def _decision_box(self, t: Tradeoff) -> W.VBox:
        g = self._guarded
        names = [_NONE] + t.option_names
        self.baseline = W.Dropdown(options=names, value=t.baseline if t.baseline in names else _NONE,
                                   description="Baseline")
        self.chosen = W.Dropdown(options=names, value=t.chosen if t.chosen in names else _NONE,
                                 description="Chosen")
        self.because = W.Textarea(value=t.because, description="Because", continuous_update=False,
                                  placeholder="why this option (the Decision Outcome)",
                                  layout=W.Layout(width="95%"))
        self.baseline.observe(g(lambda c: self._edit(
            lambda m: setattr(m, "baseline", None if c.new == _NONE else c.new))), "value")
        self.chosen.observe(g(lambda c: self._edit(
            lambda m: setattr(m, "chosen", None if c.new == _NONE else c.new))), "value")
        self.because.observe(g(lambda c: self._edit(lambda m: setattr(m, "because", c.new.strip()))),
                             "value")
        return W.VBox([W.HBox([self.baseline, self.chosen]), self.because])

    def _pairwise_box(self, t: Tradeoff) -> W.Widget:
        g = self._guarded
        self.pairwise_boxes: dict[tuple[str, str], W.Dropdown] = {}
        self.apply_pairwise_button = button("Use these weights", "Set the criteria weights from the "
                                            "pairwise comparisons", icon="balance-scale")
        self.clear_pairwise_button = button("Drop comparisons", "Remove the pairwise comparisons")
        self.apply_pairwise_button.on_click(g(lambda _b: self._edit(lambda m: m.apply_ahp(), rebuild=True)))
        self.clear_pairwise_button.on_click(g(lambda _b: self._edit(
            lambda m: setattr(m, "pairwise", []), rebuild=True)))
        rows: list[W.Widget] = [W.HTML("For each pair: how many times as important the first is as "
                                       "the second (1 = equal, 9 = extremely more, 1/9 = extremely less).")]
        names = t.criterion_names
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                ratio = t.judgement(a, b) or 1.0
                options = [(str(f), float(f)) for f in _SAATY]
                if all(abs(v - ratio) > 1e-9 for _, v in options):
                    options.append((f"{ratio:.3g}", ratio))
                value = min(options, key=lambda o: abs(o[1] - ratio))[1]
                box = W.Dropdown(options=options, value=value, description=f"{a} vs {b}",
                                 style={"description_width": "initial"})
                box.observe(g(lambda c, a=a, b=b: self._edit(lambda m: m.set_judgement(a, b, c.new))),
                            "value")
                self.pairwise_boxes[(a, b)] = box
                rows.append(box)
        rows.append(W.HBox([self.apply_pairwise_button, self.clear_pairwise_button]))
        rows.append(self.pairwise_status)
        box = W.Accordion(children=[W.VBox(rows)],
                          titles=("Weights from pairwise comparisons (AHP)",))
        if t.pairwise:
            box.selected_index = 0
        return box

    def _sync(self) -> None:
        """Put every value control back to the model's value (after a refused edit)."""
        t = self.model
        if t is None:
            return
        self._syncing = True
        try:
            self.question.value = t.question
            self.scale_min.value, self.scale_max.value = t.scale
            for c in t.criteria:
                row = self.criterion_rows.get(c.name)
                if row:
                    row["name"].value, row["weight"].value = c.name, c.weight
                    row["description"].value = c.description
            for o in t.options:
                if o.name in self.option_rows:
                    self.option_rows[o.name]["name"].value = o.name
                    self.option_descriptions[o.name].value = o.description
                for c in t.criteria:
                    box = self.score_boxes.get((o.name, c.name))
                    if box is not None:
                        box.value = o.scores.get(c.name, t.middle)
                for a, row in zip(o.arguments, self.argument_rows.get(o.name, [])):
                    row["kind"].value, row["text"].value = a.kind, a.text
                    row["criterion"].value = a.criterion or _NONE
            self.baseline.value = t.baseline or _NONE
            self.chosen.value = t.chosen or _NONE
            self.because.value = t.because
        finally:
            self._syncing = False

    # --- live results ---------------------------------------------------------------------
    def _title(self) -> str:
        return self.title or (self.model.question if self.model and self.model.question else self.label)

    def _redraw(self) -> None:
        """Redraw the summary and the pairwise status."""
        self.summary.value = self._summary_html()
        if self.model is not None and len(self.model.criteria) >= 2 and self.model.pairwise \
                and not self.model.problems():
            self.pairwise_status.value = html.escape(self.model.ahp().describe())
        elif self.model is not None:
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
        parts += [f"<span style='color:#b26b00'>{html.escape(w)}</span>" for w in t.warnings()]
        return "<div>" + "<br>".join(parts) + "</div>"
