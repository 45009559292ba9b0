"""Editing widgets (ipywidgets 8) over the core models.

Each editor is a thin view over a core object and persists every edit to the
decision's data file through its own `adrkit.storage.datafile.DataFile` (see
`adrkit.widgets.editor` for saving, merging and conflicts). The modules: `editor` (what
the editors share), `tradeoff` and `lifecycle` (the two editors), `charts` (the small
charts in the trade-off editor), `style` (light and dark), `watch` (noticing changes on
disk), `saved` (what an editor leaves in a saved notebook), `locate` (finding the data
file) and `display` (how models show in IPython). Importing `tradeoff` or `lifecycle`
imports ipywidgets; nothing outside this package imports it.
"""
from __future__ import annotations

__all__ = ["tradeoff_editor", "lifecycle_editor"]


def tradeoff_editor(decision: str, name: str = "main", **kwargs):
    """Show the trade-off table editor for a decision (by file stem or path)."""
    from adrkit.widgets.tradeoff import tradeoff_editor as _editor

    return _editor(decision, name=name, **kwargs)


def lifecycle_editor(decision: str, name: str = "main", **kwargs):
    """Show the request-lifecycle editor for a decision (by file stem or path)."""
    from adrkit.widgets.lifecycle import lifecycle_editor as _editor

    return _editor(decision, name=name, **kwargs)
