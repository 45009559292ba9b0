"""Pictures of a trade-off as SVG, drawn from Jinja templates (decision 0020):

- `totals`: the weighted total of each option as a bar, stacked by what each criterion
  contributes (weight share x score), best first, the winner marked with a star, a
  word and an outline;
- `tornado`: for each criterion, how far its weight can move down and up (as a
  percent of the weight) before another option draws level with the winner, and
  which option that is, the most sensitive criterion first;
- `pugh`: the Pugh matrix as a grid of cells, better / same / worse than the baseline,
  each with its symbol (+, S, −) as well as its colour.

Each chart is first a *model* (a plain dict of texts and coordinates) and then drawn
from it by a template in `templates/`; the site's what-if script builds the same model
in the browser for other weights and draws it the same way, and a test holds the two
models equal. Horizontal positions are percentages of the chart's width and texts keep
their size in pixels, so a chart drawn at `width="100%"` fits any column, from a phone
to a wide screen, without shrinking its text.

Accessible: every chart is `role="img"` with a `<title>` (its name) and a `<desc>` (what
it shows, in words); every segment and cell has its own `<title>`; nothing is told by
colour alone (criteria are numbered in the legend and on the segments, Pugh cells
carry their symbol, the winner a star and a word). Colours are presentation attributes
(readable with no stylesheet) under class names that the site's and the notebook's
stylesheets re-colour for dark mode; a standalone file (`standalone=True`, for the
markdown export) carries its own light and dark styles and an opaque background.
"""
from __future__ import annotations

import math
from typing import Any

from adrkit.core.tradeoff import Tradeoff
from adrkit.core.tradeoff.analysis import FRAGILE_PERCENT, SENSITIVE_PERCENT, add_up
from adrkit.core.wording import fine, num, signed
from adrkit.render.jinja import render

__all__ = ["PALETTE", "totals_model", "tornado_model", "pugh_model", "chart_svg", "charts_html",
           "chart_files", "chart_models"]

# Criterion colours (Okabe and Ito's palette, distinguishable with the common colour
# vision deficiencies) with the ink of the number drawn on them (contrast >= 4.5).
PALETTE = (("#0072b2", "#ffffff"), ("#e69f00", "#000000"), ("#009e73", "#000000"),
           ("#cc79a7", "#000000"), ("#56b4e9", "#000000"), ("#d55e00", "#000000"),
           ("#f0e442", "#000000"), ("#999999", "#000000"))
PUGH = {1: ("better", "+", "#dafbe1", "#116329"), 0: ("same", "S", "#eaeef2", "#3d444d"),
        -1: ("worse", "−", "#ffebe9", "#a40e26")}

LINE = 20              # one line of text
NAME_CLIP = 28         # characters of an option or criterion name on a chart
CHALLENGER_CLIP = 16   # characters of the option named at a tornado bar's end
SEGMENT_LABEL = 4.5    # a segment at least this wide (% of the chart) shows its number
BAR_ROOM = 88.0        # the bars of the totals take this much of the width; the totals the rest
TORNADO_RANGE = 100.0  # the tornado's axis: -100 % to +100 % of each weight
TITLE_WRAP = 34        # characters on a line of a chart's title (fits a phone)
SUBTITLE_WRAP = 50     # ... of its subtitle
LABELS_ONE_LINE = 44   # a tornado row's two end labels share a line up to this many characters


# --- text and numbers, as the browser writes them too ------------------------------------

def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap at `width` characters (a longer word keeps its own line)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def _head(title: str, subtitle: str) -> tuple[list[dict[str, Any]], int]:
    """The title and subtitle lines of a chart (text, baseline, size, bold), and the
    y below them."""
    lines = []
    y = 0
    for text in _wrap(title, TITLE_WRAP):
        y += 19
        lines.append({"text": text, "y": y, "size": 15, "bold": True})
    for text in _wrap(subtitle, SUBTITLE_WRAP):
        y += 16
        lines.append({"text": text, "y": y, "size": 12, "bold": False})
    return lines, y + 10


def _pos(x: float) -> str:
    """A coordinate (a percent or a pixel count) with at most 2 decimals."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _key(i: int) -> str:
    return str(i + 1)


def _colour(i: int) -> tuple[str, str]:
    return PALETTE[i % len(PALETTE)]


# Tick steps, written out so that the browser reads the very same numbers.
_STEPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0,
          100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0, 100000.0, 200000.0,
          500000.0, 1000000.0)


def _nice_step(span: float) -> float | None:
    """The smallest of 1, 2 or 5 times a power of ten that cuts `span` in 10 parts or
    fewer; None for a span too large for any of them."""
    for step in _STEPS:
        if span / step <= 10.0:
            return step
    return None


def _legend(t: Tradeoff, y: int) -> list[dict[str, Any]]:
    total = add_up(c.weight for c in t.criteria)
    items = []
    for i, c in enumerate(t.criteria):
        fill, ink = _colour(i)
        share = c.weight / total * 100 if total > 0 else 0.0
        items.append({"key": _key(i), "name": _clip(c.name, 40), "full": c.name,
                      "note": f"weight {num(c.weight)} ({num(share, 0)} %)",
                      "fill": fill, "ink": ink, "y": y + i * LINE})
    return items


# --- the weighted totals ---------------------------------------------------------------------

def totals_model(t: Tradeoff) -> dict[str, Any] | None:
    """The stacked bar chart of weighted totals, best first; None when the table cannot
    be ranked (no options or criteria, or problems)."""
    if t.problems() or not t.options or not t.criteria:
        return None
    ranking = t.ranking()
    total_w = add_up(c.weight for c in t.criteria)
    shares = [c.weight / total_w for c in t.criteria]
    # contributions, and how far the stacks reach on each side of zero
    parts = {}
    low, high = 0.0, 0.0
    for o in t.options:
        contrib = [shares[k] * o.scores[c.name] for k, c in enumerate(t.criteria)]
        parts[o.name] = contrib
        low = min(low, add_up(v for v in contrib if v < 0))
        high = max(high, add_up(v for v in contrib if v > 0))
    low = min(low, t.scale[0], 0.0)
    high = max(high, t.scale[1], 0.0)
    step = _nice_step(high - low)
    if step is not None:
        low = math.floor(low / step + 1e-9) * step
        high = math.ceil(high / step - 1e-9) * step
    span = high - low
    if step is None:
        step = span

    def x(v: float) -> float:
        return (v - low) / span * BAR_ROOM

    head, top = _head("Weighted totals", "Best first; each bar stacked by what each criterion adds "
                      "(its share of the weights × the score)")
    legend = _legend(t, top)
    y = top + len(legend) * LINE + 8
    grid_top = y + 20
    winners = ranking.winners
    rows = []
    for e in ranking:
        contrib = parts[e.name]
        segments = []
        right, left = 0.0, 0.0
        for k, c in enumerate(t.criteria):
            v = contrib[k]
            if v == 0:
                continue
            if v > 0:
                a, b = right, right + v
                right = b
            else:
                a, b = left + v, left
                left = a
            fill, ink = _colour(k)
            width = x(b) - x(a)
            segments.append({
                "key": _key(k), "x": _pos(x(a)), "w": _pos(width), "fill": fill, "ink": ink,
                "label": width >= SEGMENT_LABEL, "mid": _pos(x(a) + width / 2),
                "tip": f"{e.name}, {c.name}: score {num(t.option(e.name).scores[c.name])} × "
                       f"{num(shares[k] * 100, 0)} % = {num(v)}"})
        marks = []
        if e.rank == 1:
            marks.append("tied first" if len(winners) > 1 else "top-ranked")
        if e.name == t.chosen:
            marks.append("chosen")
        rows.append({"name": _clip(e.name, NAME_CLIP), "full": e.name, "winner": e.rank == 1,
                     "note": ", ".join(marks), "total": f"{e.total:.2f}", "at": _pos(x(e.total)),
                     "box": [_pos(x(left)), _pos(x(right) - x(left))], "end": _pos(x(right)),
                     "mixed": left < 0, "y": y, "segments": segments})
        y += 48
    ticks = []
    n = int(round(span / step))
    for i in range(n + 1):
        v = low + i * step
        ticks.append({"x": _pos(x(v)), "label": num(v), "anchor": "start" if i == 0 else "middle"})
    lead = ", ".join(f"{e.name} {e.total:.2f}" for e in ranking)
    top_words = (f"{' and '.join(winners)} tie for first place" if len(winners) > 1
                 else f"{winners[0]} is top-ranked")
    return {
        "kind": "totals", "head": head, "label": f"Weighted totals: {top_words}",
        "desc": (f"Bars stacked by what each criterion adds (its share of the weights times the "
                 f"score), best first: {lead}. Scores run from {num(t.scale[0])} to {num(t.scale[1])}."),
        "legend": legend, "rows": rows, "ticks": ticks, "zero": _pos(x(0.0)), "room": _pos(BAR_ROOM),
        "grid_top": grid_top, "axis_y": y - 6, "height": y + 18}


# --- the sensitivity -------------------------------------------------------------------------

def tornado_model(t: Tradeoff) -> dict[str, Any] | None:
    """How far each weight can move before the winner changes; None when the table
    cannot be ranked, has fewer than two options, or a tie leaves no single winner."""
    if t.problems() or len(t.options) < 2 or not t.criteria:
        return None
    sens = t.sensitivity()
    if sens.winner is None:
        return None
    span = 2 * TORNADO_RANGE

    def x(pct: float) -> float:
        return (max(-TORNADO_RANGE, min(TORNADO_RANGE, pct)) + TORNADO_RANGE) / span * 100.0

    winner = _clip(sens.winner, CHALLENGER_CLIP)
    head, top = _head("Sensitivity of the winner",
                      f"How far each weight can move with “{winner}” still first; "
                      "the ends name who draws level")
    order = sorted(range(len(sens.weights)), key=lambda i: sens.weights[i].size)
    y = top + 6
    grid_top = y
    rows = []
    for i in order:
        w = sens.weights[i]
        row: dict[str, Any] = {"name": _clip(w.criterion, NAME_CLIP), "full": w.criterion,
                               "weight": num(w.weight), "y": y}
        if w.weight == 0:
            down_pct = 0.0
            row["down_label"] = "weight 0"
            row["down_cap"] = False
        elif w.down is not None:
            down_pct = w.down.change / w.weight * 100.0
            row["down_label"] = (f"{signed(down_pct)} % (to {fine(w.weight + w.down.change)}): "
                                 f"{_clip(w.down.challenger, CHALLENGER_CLIP)}")
            row["down_cap"] = True
        else:
            down_pct = -TORNADO_RANGE
            row["down_label"] = "to 0: still first"
            row["down_cap"] = False
        if w.up is not None:
            if w.weight == 0:
                up_pct = math.inf
                share = w.share
                of_total = f" ({fine(share, 1)} % of total)" if share is not None else ""
                row["up_label"] = f"to {fine(w.up.change)}{of_total}: {_clip(w.up.challenger, CHALLENGER_CLIP)}"
            else:
                up_pct = w.up.change / w.weight * 100.0
                row["up_label"] = (f"{signed(up_pct)} % (to {fine(w.weight + w.up.change)}): "
                                   f"{_clip(w.up.challenger, CHALLENGER_CLIP)}")
            row["up_cap"] = up_pct <= TORNADO_RANGE
            row["beyond"] = up_pct > TORNADO_RANGE
        else:
            up_pct = TORNADO_RANGE
            row["up_label"] = "up: still first"
            row["up_cap"] = False
            row["beyond"] = False
        row["x"] = _pos(x(down_pct))
        row["w"] = _pos(x(up_pct) - x(down_pct))
        row["end"] = _pos(x(up_pct))
        row["tip"] = f"{w.criterion} (weight {num(w.weight)}): {w.describe()}"
        two_lines = len(row["down_label"]) + len(row["up_label"]) > LABELS_ONE_LINE
        row["up_y"] = y + (66 if two_lines else 50)
        rows.append(row)
        y += 80 if two_lines else 64
    ticks = [{"x": _pos(x(p)), "label": "0" if p == 0 else f"{signed(p)} %",
              "anchor": "start" if p == -TORNADO_RANGE else ("end" if p == TORNADO_RANGE else "middle")}
             for p in (-TORNADO_RANGE, -SENSITIVE_PERCENT, 0.0, SENSITIVE_PERCENT, TORNADO_RANGE)]
    notes = [{"text": text, "y": y + 12 + 16 * (i + 1)} for i, text in enumerate(_wrap(
        f"Shaded: a change of {num(FRAGILE_PERCENT)} % or less (fragile), "
        f"{num(SENSITIVE_PERCENT)} % or less (sensitive).", SUBTITLE_WRAP))]
    closest = sens.most_sensitive
    said = (f"The closest call is {closest.criterion}: {closest.describe()}." if closest is not None
            else "No change of any one weight makes another option win.")
    return {
        "kind": "tornado", "winner": sens.winner, "head": head,
        "label": f"Sensitivity of the win of {sens.winner}: {sens.verdict}",
        "desc": (f"For each criterion, the change of its weight alone, as a percent of the weight, "
                 f"that brings another option level with {sens.winner}. {said}"),
        "rows": rows, "ticks": ticks, "zero": _pos(x(0.0)),
        "fragile": [_pos(x(-FRAGILE_PERCENT)), _pos(x(FRAGILE_PERCENT) - x(-FRAGILE_PERCENT))],
        "sensitive": [_pos(x(-SENSITIVE_PERCENT)), _pos(x(SENSITIVE_PERCENT) - x(-SENSITIVE_PERCENT))],
        "band_note": notes, "grid_top": grid_top, "axis_y": y - 4, "height": notes[-1]["y"] + 8}


# --- the Pugh matrix -------------------------------------------------------------------------

def pugh_model(t: Tradeoff) -> dict[str, Any] | None:
    """The Pugh grid against the baseline; None without a baseline or a second option."""
    if t.problems() or not t.baseline or len(t.options) < 2 or not t.criteria:
        return None
    p = t.pugh()
    n = len(p.criteria)
    cell = 100.0 / n
    head, top = _head(f"Pugh matrix against “{_clip(p.baseline, CHALLENGER_CLIP)}”",
                      "+ better, S same, − worse than the baseline, criterion by criterion")
    y = top + 2
    rows = []
    for r in p.rows:
        cells = []
        for i, c in enumerate(p.criteria):
            word, symbol, fill, ink = PUGH[r.marks[c]]
            cells.append({"key": _key(i), "x": _pos(i * cell), "w": _pos(cell), "mid": _pos((i + 0.5) * cell),
                          "word": word, "symbol": symbol, "fill": fill, "ink": ink,
                          "tip": f"{r.option}, {c}: {word} than {p.baseline}"})
        rows.append({"name": _clip(r.option, NAME_CLIP), "full": r.option, "y": y,
                     "summary": f"{r.better} better · {r.same} same · {r.worse} worse · "
                                f"weighted {signed(r.weighted) or '0'}",
                     "cells": cells})
        y += 76
    legend = []
    for i, c in enumerate(p.criteria):
        legend.append({"key": _key(i), "name": _clip(c, 40), "full": c, "y": y + i * LINE})
    y += n * LINE
    said = "; ".join(f"{r.option}: {r.better} better, {r.same} same, {r.worse} worse" for r in p.rows)
    return {
        "kind": "pugh", "baseline": p.baseline, "head": head,
        "label": f"Pugh matrix against the baseline {p.baseline}",
        "desc": f"Each option compared with {p.baseline} on each criterion. {said}.",
        "rows": rows, "legend": legend, "height": y + 4}


# --- drawing -----------------------------------------------------------------------------

_MODELS = {"totals": totals_model, "tornado": tornado_model, "pugh": pugh_model}


def chart_models(t: Tradeoff) -> dict[str, dict[str, Any]]:
    """Every chart the table can have, by kind (totals, tornado, pugh)."""
    out = {}
    for kind, make in _MODELS.items():
        model = make(t)
        if model is not None:
            out[kind] = model
    return out


def chart_svg(model: dict[str, Any], *, width: str = "100%", standalone: bool = False) -> str:
    """One chart drawn from its model. `width` is the SVG's width ("100%" inside a page,
    a number of pixels for a file); `standalone` adds the XML namespace, an opaque
    background and its own light and dark styles."""
    return render(f"chart_{model['kind']}.svg.j2", m=model, width=width, standalone=standalone)


def charts_html(t: Tradeoff) -> dict[str, str]:
    """The charts of `t` as inline SVG, by kind, for an HTML page or notebook output."""
    return {kind: chart_svg(model) for kind, model in chart_models(t).items()}


_FILE_WIDTH = 640


def chart_files(t: Tradeoff, base: str) -> dict[str, tuple[str, str]]:
    """The charts of `t` as standalone SVG files: file name (`<base>-totals.svg`, ...)
    -> (SVG text, a one-line alternative text for the image)."""
    files = {}
    for kind, model in chart_models(t).items():
        svg = chart_svg(model, width=str(_FILE_WIDTH), standalone=True)
        files[f"{base}-{kind}.svg"] = (svg if svg.endswith("\n") else svg + "\n", model["label"])
    return files
