"""adrkit: architecture decision records drafted as Jupyter notebooks.

The names a notebook user needs are importable from here (`from adrkit import
tradeoff_editor, Tradeoff`); each loads its module on first use, so `import adrkit`
stays light (no pandas, nbconvert, ipywidgets or graphviz until they are needed).

The package is laid out in layers, each importing only those below it:
`core` (pure models and analysis) < `formats` (text in, text out) < `storage` and
`render` < `services` < `widgets` and `publish` < `cli`.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from adrkit.about import __version__

# public name -> "module:attribute"
_API = {
    # drafting in a notebook
    "tradeoff_editor": "adrkit.widgets:tradeoff_editor",
    "lifecycle_editor": "adrkit.widgets:lifecycle_editor",
    "Tradeoff": "adrkit.core.tradeoff:Tradeoff",
    "Criterion": "adrkit.core.tradeoff:Criterion",
    "Option": "adrkit.core.tradeoff:Option",
    "Argument": "adrkit.core.tradeoff:Argument",
    "Lifecycle": "adrkit.core.requestflow:Lifecycle",
    "Stage": "adrkit.core.requestflow:Stage",
    "Exit": "adrkit.core.requestflow:Exit",
    "load_tradeoff": "adrkit.storage.datafile:load_tradeoff",
    "save_tradeoff": "adrkit.storage.datafile:save_tradeoff",
    "load_lifecycle": "adrkit.storage.datafile:load_lifecycle",
    "save_lifecycle": "adrkit.storage.datafile:save_lifecycle",
    # drawing
    "tradeoff_html": "adrkit.render.tradeoff:tradeoff_html",
    "tradeoff_markdown": "adrkit.render.tradeoff:tradeoff_markdown",
    "tradeoff_frame": "adrkit.render.tradeoff:tradeoff_frame",
    "tradeoff_comment": "adrkit.render.code_comments:tradeoff_comment",
    "lifecycle_html": "adrkit.render.requestflow:lifecycle_html",
    "lifecycle_mermaid": "adrkit.render.requestflow:lifecycle_mermaid",
    "lifecycle_text": "adrkit.render.requestflow:lifecycle_text",
    "render_svg": "adrkit.render.graphviz:render_svg",
    "tradeoff_charts": "adrkit.render.charts:charts_html",
    "compare_tradeoffs": "adrkit.core.tradeoff.compare:compare",
    # the log
    "Decision": "adrkit.core.decision:Decision",
    "DecisionLog": "adrkit.storage.log:DecisionLog",
    "find_log": "adrkit.storage.log:find_log",
    "init_log": "adrkit.storage.log:init_log",
    "AdrkitError": "adrkit.core.errors:AdrkitError",
    # moving in and out
    "build_site": "adrkit.publish:build_site",
    "BuildOptions": "adrkit.publish:BuildOptions",
    "export_markdown": "adrkit.services.exporter:export_markdown",
    "import_markdown": "adrkit.services.importer:import_markdown",
    "lint_log": "adrkit.services.lint:lint_log",
}
_SHOWN = {"Tradeoff", "Lifecycle", "load_tradeoff", "load_lifecycle"}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    try:
        module, attr = _API[name].split(":")
    except KeyError:
        raise AttributeError(f"module 'adrkit' has no attribute {name!r}") from None
    value = getattr(import_module(module), attr)
    if name in _SHOWN:
        from adrkit.widgets.display import register

        register()
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
