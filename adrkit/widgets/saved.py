"""What an editor's output becomes in the saved notebook.

A live editor is a widget view, which only a running kernel can draw: saved as it is,
a notebook reopened tomorrow would say "Error displaying widget: model not found".
So an editor marks its view output (`live_metadata`), and `pre_save`, a Jupyter server
pre-save hook that `adrkit lab` installs, writes in its place a short "run this cell
to edit" note. The static render the editor shows beside its controls (the table or
the diagram, as the data file holds it) is saved as it is, so the reopened notebook
reads in full with no kernel. The notebook open in the browser keeps its live view;
only the file on disk changes.

This module works on notebook JSON only; it imports no widget library.
"""
from __future__ import annotations

import html
from typing import Any

__all__ = ["KEY", "LABELS", "live_bundle", "live_metadata", "saved_output", "strip_live_views", "pre_save"]

KEY = "adrkit"
LABELS = {"tradeoffs": "trade-off table", "lifecycles": "request lifecycle"}
_VIEW = "application/vnd.jupyter.widget-view+json"


def live_metadata(kind: str) -> dict[str, Any]:
    """The output metadata that marks an editor's live view."""
    return {KEY: {"editor": kind}}


def live_bundle(widget: Any, kind: str, where: str, file_name: str) -> dict[str, Any]:
    """The display bundle of an editor's view: the widget view and a plain-text line."""
    bundle = dict(widget._repr_mimebundle_() or {})
    bundle["text/plain"] = f"{LABELS.get(kind, kind)} editor for {file_name} ({where}): run the cell to edit"
    return bundle


def saved_output(kind: str) -> dict[str, Any]:
    """The output saved in place of a live editor view."""
    label = LABELS.get(kind, kind)
    text = (f"Run this cell to edit the {label}. Below: the {label} as the data file holds it.")
    return {"output_type": "display_data",
            "data": {"text/html": f'<p class="adrkit-run-to-edit"><em>{html.escape(text)}</em></p>',
                     "text/plain": text},
            "metadata": {KEY: {"editor": kind, "saved": True}}}


def _editor_kind(output: Any) -> str | None:
    if not isinstance(output, dict) or output.get("output_type") not in ("display_data", "execute_result"):
        return None
    meta = (output.get("metadata") or {}).get(KEY)
    if not isinstance(meta, dict) or meta.get("saved") or not meta.get("editor"):
        return None
    data = output.get("data") or {}
    return str(meta["editor"]) if _VIEW in data else None


def strip_live_views(nb: dict[str, Any]) -> int:
    """Replace every live editor view in the notebook with its saved note; the count."""
    count = 0
    for cell in nb.get("cells") or []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs") or []
        for i, output in enumerate(outputs):
            kind = _editor_kind(output)
            if kind is not None:
                outputs[i] = saved_output(kind)
                count += 1
    return count


def pre_save(model: dict[str, Any], **_: Any) -> None:
    """Jupyter server pre-save hook: a notebook is saved without live editor views."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        strip_live_views(model["content"])
