"""Editing widgets (ipywidgets 8) over the core models.

Each widget is a thin view over a core object and persists every edit to the
decision's data file (see `adrkit.datafile`). Importing this package imports
ipywidgets; nothing else in adrkit imports it.
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
