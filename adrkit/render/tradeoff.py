"""A trade-off table drawn for people: static HTML (from a Jinja template), MADR
markdown, and a pandas DataFrame.

The HTML is accessible and has no script: scores, totals and ranks, the outcome, the
sensitivity table, the Pugh view and the arguments. Every text is escaped by the
template. Code comments are `adrkit.render.code_comments`.
"""
from __future__ import annotations

import re
from typing import Any

from adrkit.core.errors import UsageError
from adrkit.core.tradeoff import KINDS, Ranking, Tradeoff
from adrkit.core.tradeoff.analysis import add_up
from adrkit.core.wording import and_list, fine, num, signed
from adrkit.render.charts import charts_html
from adrkit.render.jinja import render

__all__ = ["tradeoff_html", "tradeoff_markdown", "tradeoff_frame", "outcome_sentence", "CHART_CSS"]

# The inline charts' colours follow JupyterLab's theme (light or dark); the editor uses them too.
CHART_CSS = """
.adrkit-chart .ac-ink,.adrkit-chart .ac-title{fill:var(--jp-content-font-color1,#1f2328)}
.adrkit-chart .ac-muted{fill:var(--jp-content-font-color2,#57606a)}
.adrkit-chart .ac-grid{stroke:var(--jp-border-color2,#d0d7de)}
.adrkit-chart .ac-axis{stroke:var(--jp-content-font-color2,#57606a)}
.adrkit-chart .ac-sep{stroke:var(--jp-layout-color0,#fff)}
.adrkit-chart .ac-win,.adrkit-chart .ac-cap{stroke:var(--jp-content-font-color1,#1f2328)}
""".strip()

_CSS = """
.adrkit-tradeoff table{border-collapse:collapse;margin:0.4em 0 1em 0}
.adrkit-tradeoff caption{text-align:left;font-weight:600;padding:0.2em 0}
.adrkit-tradeoff th,.adrkit-tradeoff td{border:1px solid #c8c8c8;padding:0.25em 0.6em}
.adrkit-tradeoff td{text-align:right}
.adrkit-tradeoff th[scope=row]{text-align:left;font-weight:normal}
.adrkit-tradeoff tr.adrkit-winner th,.adrkit-tradeoff tr.adrkit-winner td{font-weight:700}
.adrkit-tradeoff .adrkit-note{font-size:0.9em;font-weight:normal}
.adrkit-tradeoff .adrkit-warning{border-left:4px solid #b26b00;padding-left:0.5em}
.adrkit-tradeoff td.adrkit-text{text-align:left}
.adrkit-tradeoff .adrkit-scroll{overflow-x:auto}
.adrkit-tradeoff .adrkit-charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr));gap:0.5em 2em}
.adrkit-tradeoff .adrkit-figure{margin:0.5em 0 1em 0;max-width:46rem}
.adrkit-tradeoff .adrkit-figure svg{display:block;overflow:visible}
.adrkit-tradeoff td.adrkit-better{background:#dafbe1;color:#116329}
.adrkit-tradeoff td.adrkit-worse{background:#ffebe9;color:#a40e26}
""".strip() + "\n" + CHART_CSS

_PUGH_MARKS = {1: ("+", "better"), 0: ("S", "same"), -1: ("−", "worse")}


def tradeoff_html(t: Tradeoff) -> str:
    """A static, accessible HTML rendering: scores, totals and ranks, the Pugh view,
    the sensitivity and warnings. No scripts; every text is escaped."""
    return render("tradeoff.html.j2", **_html_context(t))


def _html_context(t: Tradeoff) -> dict[str, Any]:
    problems = [str(p) for p in t.problems()]
    context: dict[str, Any] = {"css": _CSS, "title": t.question or "Trade-off", "problems": problems,
                               "ranked": bool(t.options and t.criteria) and not problems}
    if not context["ranked"]:
        return context
    ranking = t.ranking()
    sens = t.sensitivity()
    total_w = add_up(c.weight for c in t.criteria)
    tied = {n for g in ranking.ties() for n in g}
    rows = []
    for e in ranking:
        opt = t.option(e.name)
        marks = []
        if e.rank == 1:
            marks.append("★ tied first" if ranking.tied else "★ top-ranked")
        if e.name == t.chosen:
            marks.append("✓ chosen")
        if e.name == t.baseline:
            marks.append("baseline")
        rows.append({"name": e.name, "first": e.rank == 1, "marks": ", ".join(marks),
                     "description": opt.description,
                     "scores": [num(opt.scores[c]) for c in t.criterion_names],
                     "total": f"{e.total:.2f}", "rank": f"{e.rank}=" if e.name in tied else str(e.rank)})
    flips = []
    for w in sens.weights:
        if w.flip is None:
            flips.append({"none": True, "criterion": w.criterion, "weight": num(w.weight)})
            continue
        change = signed(w.change)  # type: ignore[arg-type]
        if w.percent is not None:
            pct = f" ({signed(w.percent)} %)"
        else:  # a zero weight, raised: the change is the new weight
            change = f"+{fine(w.change)}"
            pct = f" ({fine(w.share, 1)} % of the total)" if w.share is not None else ""
        flips.append({"none": False, "criterion": w.criterion, "weight": num(w.weight),
                      "change": change + pct, "new_weight": fine(w.new_weight),
                      "challenger": w.challenger})
    pugh = None
    if t.baseline and len(t.options) > 1:
        p = t.pugh()
        pugh = {"baseline": and_list([p.baseline]), "criteria": p.criteria,
                "rows": [{"option": r.option, "better": r.better, "same": r.same, "worse": r.worse,
                          "weighted": signed(r.weighted) or "0",
                          "marks": [{"symbol": _PUGH_MARKS[r.marks[c]][0], "word": _PUGH_MARKS[r.marks[c]][1]}
                                    for c in p.criteria]} for r in p.rows]}
    arguments = None
    if any(o.arguments or o.description for o in t.options):
        arguments = [{"name": o.name, "description": o.description,
                      "args": [a for kind in KINDS for a in o.arguments_of(kind)]} for o in t.options]
    context.update(
        low=num(t.scale[0]), high=num(t.scale[1]),
        criteria=[{"name": c.name, "description": c.description, "weight": num(c.weight),
                   "share": num(c.weight / total_w * 100, 0)} for c in t.criteria],
        rows=rows, outcome=outcome_sentence(t, ranking), warnings=t.warnings(),
        verdict=sens.verdict, summary=sens.summary, winner=and_list([sens.winner]) if sens.winner else "",
        flips=flips, pugh=pugh, arguments=arguments, charts=charts_html(t))
    return context


def outcome_sentence(t: Tradeoff, ranking: Ranking) -> str:
    if t.chosen:
        return f'Chosen option: "{t.chosen}", because {t.because or "..."}'
    top = ranking.winners
    if len(top) == 1:
        return f'No option chosen yet; the weighted ranking puts "{top[0]}" first.'
    return f"No option chosen yet; {and_list(top)} tie for first place."


def tradeoff_frame(t: Tradeoff):
    """A pandas DataFrame: options (best first) x criteria, weighted total, rank."""
    import pandas as pd

    ranking = t.ranking()
    rows = []
    for e in ranking:
        opt = t.option(e.name)
        rows.append({**{c: opt.scores[c] for c in t.criterion_names},
                     "weighted total": e.total, "rank": e.rank})
    frame = pd.DataFrame(rows, index=pd.Index(ranking.names, name="option"),
                         columns=[*t.criterion_names, "weighted total", "rank"])
    frame.attrs["weights"] = {c.name: c.weight for c in t.criteria}
    return frame


# --- markdown ---------------------------------------------------------------------------------

def _md_cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _md_line(text: str) -> str:
    return " ".join(str(text).split())


def _md_image(charts: dict[str, tuple[str, str]] | None, kind: str) -> list[str]:
    """The markdown image of chart `kind` (`<base>-<kind>.svg`), if `charts` has it."""
    for name, (_, alt) in (charts or {}).items():
        if name.endswith(f"-{kind}.svg"):
            alt = re.sub(r"([\\\[\]])", r"\\\1", _md_line(alt))
            return [f"![{alt}]({name})", ""]
    return []


def tradeoff_markdown(t: Tradeoff, level: int = 2, *, charts: dict[str, tuple[str, str]] | None = None) -> str:
    """MADR sections: Considered Options (with a score table), Decision Outcome and
    Pros and Cons of the Options. `charts` (from `adrkit.render.charts.chart_files`)
    adds their images: the totals after the score table, the tornado and the Pugh grid
    after the sensitivity; the caller writes the files beside the markdown."""
    if not 1 <= level <= 5:
        raise UsageError(f"heading level {level} is out of range", fix="use 1 to 5")
    h, h2 = "#" * level, "#" * (level + 1)
    out = [f"{h} Considered Options", ""]
    if t.question:
        out += [_md_line(t.question), ""]
    out += [f"* {_md_line(o.name)}" for o in t.options] or ["* (none yet)"]
    out.append("")
    valid = not t.problems()
    ranking = t.ranking() if valid and t.options and t.criteria else None
    if ranking is not None:
        total_w = add_up(c.weight for c in t.criteria)
        head = ["Option"] + [f"{_md_cell(c.name)} (weight {num(c.weight)}, {num(c.weight / total_w * 100, 0)} %)"
                             for c in t.criteria] + ["Weighted total", "Rank"]
        out.append("| " + " | ".join(head) + " |")
        out.append("| --- | " + " | ".join("---:" for _ in head[1:]) + " |")
        ties = {n for g in ranking.ties() for n in g}
        for e in ranking:
            opt = t.option(e.name)
            name = f"**{_md_cell(e.name)}**" if e.rank == 1 else _md_cell(e.name)
            if e.name == t.chosen:
                name += " (chosen)"
            if e.name == t.baseline:
                name += " (baseline)"
            cells = [name] + [num(opt.scores[c]) for c in t.criterion_names]
            cells += [f"{e.total:.2f}", f"{e.rank}=" if e.name in ties else str(e.rank)]
            out.append("| " + " | ".join(cells) + " |")
        out += ["", f"Scores run from {num(t.scale[0])} to {num(t.scale[1])}, higher is better; "
                    "the weighted total uses the weights normalized to sum to 1.", ""]
        out += _md_image(charts, "totals")
    out += [f"{h} Decision Outcome", ""]
    if t.chosen:
        out.append(f'Chosen option: "{_md_line(t.chosen)}", because {_md_line(t.because) or "..."}')
    elif ranking is not None:
        out.append(outcome_sentence(t, ranking))
    else:
        out.append("No option chosen yet.")
    out.append("")
    if ranking is not None and len(t.options) > 1:
        sens = t.sensitivity()
        out += [f"Sensitivity: {_md_line(sens.summary)}", ""]
        out += _md_image(charts, "tornado") + _md_image(charts, "pugh")
        for note in t.warnings():
            out += [f"> **Note:** {_md_line(note)}", ""]
    elif not valid:
        out += ["> **Note:** the trade-off table has problems: "
                + "; ".join(_md_line(str(p)) for p in t.problems()), ""]
    out += [f"{h} Pros and Cons of the Options", ""]
    for o in t.options:
        out += [f"{h2} {_md_line(o.name)}", ""]
        if o.description:
            out += [_md_line(o.description), ""]
        bullets = [f"* {_md_line(a.label)}" for kind in KINDS for a in o.arguments_of(kind)]
        if bullets:
            out += bullets + [""]
    return "\n".join(out).rstrip("\n") + "\n"
