"""How trade-offs and request lifecycles show in a notebook.

The core objects carry no presentation; this module tells IPython how to show them
(`text/html` from `adrkit.render`, a text outline for plain terminals), through
IPython's own formatter registry. `adrkit`'s public API calls `register()` when a
notebook user first reaches for a model class; outside IPython it does nothing.
"""
from __future__ import annotations

import sys

__all__ = ["register"]

_done = False


def register() -> None:
    """Teach the running IPython shell to show Tradeoff and Lifecycle objects."""
    global _done
    if _done or "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    from adrkit.core.requestflow import Lifecycle
    from adrkit.core.tradeoff import Tradeoff
    from adrkit.render.requestflow import lifecycle_html, lifecycle_text
    from adrkit.render.tradeoff import tradeoff_html

    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(Tradeoff, tradeoff_html)
    formatters["text/html"].for_type(Lifecycle, lifecycle_html)
    formatters["text/plain"].for_type(Lifecycle, lambda lc, printer, cycle: printer.text(
        "Lifecycle(...)" if cycle else lifecycle_text(lc)))
    _done = True
