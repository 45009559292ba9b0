"""The one cell-tag policy: what a tag on a notebook cell means for every published
form of a decision (the site's page and the markdown export alike).

The vocabulary is nbconvert's `TagRemovePreprocessor` names and Jupyter Book's
`remove-*` / `hide-*` family, plus adrkit's own tags:

| tag | effect on the page and the export |
| --- | --- |
| `remove-cell`, `hide-cell`, `adrkit-remove`, `adrkit-hide` | the cell is left out |
| `adrkit-hint` | an authoring hint of a template: shown while drafting, never published |
| `remove-input`, `hide-input` | the code is not shown (the default for a decision) |
| `show-input`, `adrkit-show-input` | the code is shown (the default for a guide) |
| `remove-output`, `hide-output` | the outputs are left out |
| `adrkit-tradeoff`, `adrkit-lifecycle` | the outputs are a fresh render of the data file's table |
| `confirmation` | a check of the decision: its code runs with `adrkit confirm` |

A static page has no toggle, so `hide-*` publishes like `remove-*`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["REMOVE_CELL", "REMOVE_INPUT", "SHOW_INPUT", "REMOVE_OUTPUT", "HINT", "CONFIRMATION",
           "KIND_TAGS", "tags_of", "CellView", "view_of"]

REMOVE_CELL = frozenset({"remove-cell", "hide-cell", "adrkit-remove", "adrkit-hide"})
HINT = "adrkit-hint"
REMOVE_INPUT = frozenset({"remove-input", "hide-input"})
SHOW_INPUT = frozenset({"show-input", "adrkit-show-input"})
REMOVE_OUTPUT = frozenset({"remove-output", "hide-output"})
CONFIRMATION = "confirmation"
# tag -> data file section whose static render replaces that cell's outputs
KIND_TAGS = {"adrkit-tradeoff": "tradeoffs", "adrkit-lifecycle": "lifecycles"}


def tags_of(cell: dict[str, Any]) -> set[str]:
    """The cell's tags as a set of strings (malformed metadata reads as no tags)."""
    tags = (cell.get("metadata") or {}).get("tags") or []
    return {str(t) for t in tags} if isinstance(tags, list) else set()


@dataclass(frozen=True)
class CellView:
    """What a published form shows of one cell."""

    published: bool        # False: the cell is left out entirely
    show_input: bool       # the code (for a code cell)
    show_output: bool      # the stored outputs (unless `kind` replaces them)
    kind: str | None       # 'tradeoffs' / 'lifecycles': outputs come from the data file


def view_of(cell: dict[str, Any], *, guide: bool = False) -> CellView:
    """How `cell` is published. In a decision, code is hidden unless tagged to show;
    in a guide (a tutorial notebook) code is shown unless tagged to hide, and widget
    cells keep their stored outputs (a guide has no data file)."""
    tags = tags_of(cell)
    if tags & REMOVE_CELL or HINT in tags:
        return CellView(False, False, False, None)
    show_input = (guide or bool(tags & SHOW_INPUT)) and not tags & REMOVE_INPUT
    kind = None if guide else next((KIND_TAGS[t] for t in sorted(tags) if t in KIND_TAGS), None)
    return CellView(True, show_input, not tags & REMOVE_OUTPUT, kind)
