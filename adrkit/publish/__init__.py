"""The published ADR site: `adrkit build` and `adrkit serve`.

Owns the publishing pipeline (see `build`): discover, cache, prepare, convert with one
reused nbconvert exporter, sanitize, render the index, search, timeline, graph,
`decisions.json` and the Atom feed, and swap the finished site into place. Imports the
core, formats and storage layers and its own heavy libraries (nbconvert, nh3, jinja2),
each when first needed; never the widgets.

What a notebook author controls on the page:

- cells tagged `adrkit-tradeoff` / `adrkit-lifecycle` show a static render of the table
  or lifecycle they name, drawn from the decision's data file;
- code is hidden unless its cell is tagged `show-input` (or `adrkit-show-input`);
  `remove-cell` drops a cell, `remove-output` drops its outputs;
- drafts are left out unless the build is asked for them (`--drafts`).
"""
from __future__ import annotations

from adrkit.publish.build import BuildOptions, build_site
from adrkit.publish.report import BuildReport, Problem

__all__ = ["BuildOptions", "BuildReport", "Problem", "build_site"]
