"""Stage 3 of the pipeline: turn a decision notebook into what its page shows.

`prepare_notebook` works on the notebook's JSON (a dict) and never touches the file:

- the front matter cell is taken out (the page header shows it);
- a code cell tagged `adrkit-tradeoff` or `adrkit-lifecycle` gets, instead of its stored
  outputs (a widget the static page cannot run), a fresh static render of the table it
  names, drawn from the data file, so a page is never stale;
- cell tags decide what is shown, by the one policy in `adrkit.formats.celltags`
  (code hidden unless tagged `show-input`, `remove-*` / `hide-*`, authoring hints);
- outputs keep only static mime types (HTML, markdown, text, PNG, JPEG, SVG, LaTeX):
  JavaScript and widget views are dropped, and so is any output that is a widget;
- widget state in the notebook metadata is dropped;
- an output (or a markdown cell's attachment) larger than `output_limit` bytes is
  replaced by a note saying so, with a warning naming the cell, so one huge output
  cannot make a page of many megabytes.
- template text nobody replaced (`adrkit.formats.notebook.without_placeholders`) is left
  out, and when the decision has a trade-off, an empty Decision Outcome or Pros and Cons
  section gets its text from the table ("write it once").

A guide (`guide=True`: a tutorial notebook, not a decision) differs in three ways: code
inputs are shown unless tagged to hide, tagged widget cells keep their stored outputs
(a guide has no data file), and an output that is a widget or
JavaScript keeps its rich static alternatives (HTML, SVG, images, markdown) rather than
being dropped whole; its plain-text repr is dropped with it.

It also reports what the data file holds that no cell shows (stale) and what cannot be
rendered (invalid).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from adrkit.formats.celltags import KIND_TAGS, view_of
from adrkit.formats.notebook import cell_text, sections_of, without_placeholders
from adrkit.publish.renders import RenderError, render_table, tradeoff_sections
from adrkit.publish.report import Problem

__all__ = ["prepare_notebook", "Prepared", "STATIC_MIMETYPES", "table_name"]

STATIC_MIMETYPES = ("text/html", "text/markdown", "text/latex", "image/svg+xml", "image/png",
                    "image/jpeg", "text/plain", "text/vnd.mermaid")
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_SCRIPTED = (_WIDGET_VIEW, "application/javascript", "text/javascript")
_KW_NAME = re.compile(r"""\bname\s*=\s*(["'])(?P<name>.+?)\1""")
_POS_NAME = re.compile(r"""\(\s*(["']).*?\1\s*,\s*(["'])(?P<name>.+?)\2""")


@dataclass
class Prepared:
    notebook: dict[str, Any]
    shown: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def table_name(source: str) -> str:
    """The table a widget cell shows: `name="x"` or the second string argument, else 'main'."""
    match = _KW_NAME.search(source) or _POS_NAME.search(source)
    return match.group("name") if match else "main"


def _static_outputs(outputs: list[Any], *, fallbacks: bool = False) -> list[dict[str, Any]]:
    """The outputs a static page can show. With `fallbacks`, a widget or JavaScript
    output keeps its rich alternatives (not its text/plain repr) instead of being dropped."""
    kept = []
    for out in outputs or []:
        if not isinstance(out, dict):
            continue
        kind = out.get("output_type")
        if kind in ("stream", "error"):
            kept.append(out)
            continue
        if kind not in ("display_data", "execute_result"):
            continue
        data = out.get("data") or {}
        scripted = any(k in data for k in _SCRIPTED)
        if scripted and not fallbacks and _WIDGET_VIEW in data:
            continue
        static = {k: v for k, v in data.items() if k in STATIC_MIMETYPES}
        if scripted and fallbacks:
            static.pop("text/plain", None)
        if not static:
            continue
        metadata = out.get("metadata") or {}
        kept.append({**out, "data": static,
                     "metadata": {k: v for k, v in metadata.items() if k in static or k == "alt"}})
    return kept


def _render_output(html: str) -> dict[str, Any]:
    return {"output_type": "display_data", "data": {"text/html": html}, "metadata": {}}


def _size(value: Any) -> int:
    """The stored size of an output's text or data, in bytes (about)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return sum(_size(v) for v in value)
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values())
    return 0


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} KB"


def _omitted(size: int, limit: int) -> dict[str, Any]:
    return _render_output(f'<p class="adr-omitted">This output ({_megabytes(size)}) is larger than the '
                          f"site's limit of {_megabytes(limit)}, so it is not published.</p>")


def _limit_outputs(outputs: list[dict[str, Any]], limit: int | None, where: str,
                   problems: list[Problem]) -> list[dict[str, Any]]:
    if limit is None:
        return outputs
    kept = []
    for out in outputs:
        size = _size(out.get("data") if "data" in out else out.get("text", out.get("traceback")))
        if size > limit:
            problems.append(Problem("large-output", f"an output of {_megabytes(size)} is over the site's limit "
                                    f"of {_megabytes(limit)}, so the page shows a note instead", where=where,
                                    fix="make the output smaller, or raise site.max_output_size in .adrkit.yaml"))
            kept.append(_omitted(size, limit))
        else:
            kept.append(out)
    return kept


def _limit_attachments(cell: dict[str, Any], limit: int | None, where: str,
                       problems: list[Problem]) -> dict[str, Any]:
    attachments = cell.get("attachments")
    if limit is None or not isinstance(attachments, dict):
        return cell
    kept = {}
    for name, bundle in attachments.items():
        size = _size(bundle)
        if size > limit:
            problems.append(Problem("large-output", f"the attachment '{name}' ({_megabytes(size)}) is over the "
                                    f"site's limit of {_megabytes(limit)}, so it is not published", where=where,
                                    fix="attach a smaller image, or raise site.max_output_size in .adrkit.yaml"))
        else:
            kept[name] = bundle
    return {**cell, "attachments": kept}


def prepare_notebook(nb: dict[str, Any], data: dict[str, Any], *,
                     data_problem: Problem | None = None, guide: bool = False,
                     output_limit: int | None = None) -> Prepared:
    """A copy of `nb` ready for conversion, with the tables shown and any problems.
    `guide=True` prepares a tutorial notebook (see the module docstring); outputs over
    `output_limit` bytes are replaced by a note."""
    result = Prepared(notebook={})
    shown: dict[str, list[str]] = {kind: [] for kind in KIND_TAGS.values()}
    cells = list(nb.get("cells") or [])
    if cells and cells[0].get("cell_type") == "raw" and cell_text(cells[0]).lstrip().startswith("---"):
        cells = cells[1:]
    out_cells = []
    first = len(nb.get("cells") or []) - len(cells) + 1
    generated = {} if guide else _generated_sections(cells, data)
    for number, cell in enumerate(cells, start=first):
        view = view_of(cell, guide=guide)
        if not view.published:
            continue
        where = f"cell {number}"
        if cell.get("cell_type") == "markdown" and not guide:
            text = without_placeholders(cell)
            if not text.strip():
                continue
            if text != cell_text(cell):
                cell = {**cell, "source": text}
            out_cells.append(_limit_attachments(cell, output_limit, where, result.problems))
            key = _section_key(cell)
            if key in generated and len(text.strip().split("\n", 1)) == 1:  # a heading and nothing else
                out_cells.append(generated.pop(key))
            continue
        if cell.get("cell_type") != "code":
            out_cells.append(_limit_attachments(cell, output_limit, where, result.problems))
            continue
        cell = dict(cell)
        metadata = dict(cell.get("metadata") or {})
        kind = view.kind
        if kind is not None:
            name = table_name(cell_text(cell))
            shown[kind].append(name)
            table = (data.get(kind) or {}).get(name) if isinstance(data.get(kind), dict) else None
            outputs: list[dict[str, Any]] = []
            if table is not None:
                try:
                    outputs = [_render_output(render_table(kind, name, table))]
                except RenderError as exc:
                    result.problems.append(Problem(
                        "invalid-data", f"cannot render {exc}", where=f"data file, {kind}.{name}",
                        fix="fix the table in the widget or in the data file"))
            cell["outputs"] = outputs
        elif not view.show_output:
            cell["outputs"] = []
        else:
            cell["outputs"] = _limit_outputs(_static_outputs(cell.get("outputs") or [], fallbacks=guide),
                                             output_limit, where, result.problems)
        if not view.show_input:
            metadata["transient"] = {**(metadata.get("transient") or {}), "remove_source": True}
            if not cell["outputs"]:
                continue
        cell["metadata"] = metadata
        out_cells.append(cell)
    if data_problem is not None:
        result.problems.append(data_problem)
    for kind in KIND_TAGS.values():
        section = data.get(kind)
        for name in (section or {}) if isinstance(section, dict) else ():
            if name not in shown[kind]:
                label = "trade-off table" if kind == "tradeoffs" else "lifecycle"
                result.problems.append(Problem(
                    "stale-data", f"the data file has {label} '{name}' that no cell shows",
                    where=f"data file, {kind}.{name}",
                    fix=f"add a cell tagged {_tag_of(kind)} that shows it, or delete it from the data file"))
    metadata = {k: v for k, v in (nb.get("metadata") or {}).items() if k != "widgets"}
    result.notebook = {**nb, "cells": out_cells, "metadata": metadata}
    result.shown = {k: v for k, v in shown.items() if v}
    return result


def _section_key(cell: dict[str, Any]) -> str | None:
    found = sections_of({"cells": [cell]})
    return found[0].key if found else None


def _generated_sections(cells: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """section key -> an output cell with the text the decision's trade-off gives it."""
    shown = [table_name(cell_text(c)) for c in cells if view_of(c).kind == "tradeoffs"]
    tables = data.get("tradeoffs") if isinstance(data.get("tradeoffs"), dict) else {}
    if not shown or not isinstance(tables.get(shown[0]), dict):
        return {}
    try:
        sections = tradeoff_sections(tables[shown[0]])
    except RenderError:
        return {}
    return {key: {"cell_type": "code", "execution_count": None, "source": "", "id": f"adrkit-{key}",
                  "metadata": {"transient": {"remove_source": True}}, "outputs": [_render_output(body)]}
            for key, body in sections.items() if body}


def _tag_of(kind: str) -> str:
    return next(tag for tag, k in KIND_TAGS.items() if k == kind)
