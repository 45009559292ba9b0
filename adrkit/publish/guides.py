"""Guides: the tutorial and worked-example notebooks a project publishes beside its
decisions.

A guide is any top-level `*.ipynb` of a guides folder (`adrkit build --guides DIR`, or
`site: {guides: [...]}` in `.adrkit.yaml`, relative to the project root); subfolders
are not searched, since they may hold whole example decision logs. A guide needs no
front matter and may have any file name. It becomes `guides/<slug>.html`, titled by
its first markdown H1 (else its file name), with its code shown. A guide goes through
the same stages as a decision (`adrkit.publish.model`: a `Source` of kind GUIDE, then
a `Page`).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from adrkit.core.decision import slugify
from adrkit.formats.notebook import cell_text
from adrkit.storage.paths import real_file_inside

__all__ = ["guide_slug", "guide_title", "guide_notebooks", "GUIDES_DIR"]

GUIDES_DIR = "guides"

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX_H1 = re.compile(r"^\s{0,3}#(?!#)\s+(?P<text>.*?)(?:\s+#+)?\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_INLINE = re.compile(r"(\*\*|__|\*|_|`)")
_TAG = re.compile(r"<[^>]*>")


def guide_slug(name: str) -> str:
    """The page name of a guide notebook: its file stem as a slug ('guide' if nothing is left)."""
    stem = name[:-len(".ipynb")] if name.endswith(".ipynb") else name
    return slugify(stem, max_length=80) or "guide"


def guide_title(nb: dict[str, Any], fallback: str) -> tuple[str, bool]:
    """The text of the notebook's first markdown H1, and True; else (fallback, False)."""
    for cell in nb.get("cells") or []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        fenced = False
        for line in cell_text(cell).splitlines():
            if _FENCE.match(line):
                fenced = not fenced
                continue
            match = None if fenced else _ATX_H1.match(line)
            if match:
                text = _LINK.sub(r"\1", match.group("text"))
                text = _INLINE.sub("", _TAG.sub("", text))
                text = " ".join(text.split())
                if text:
                    return text, True
    return fallback, False


def guide_notebooks(folder: Path, skip: set[Path] | None = None) -> list[Path]:
    """The top-level notebooks of `folder`, sorted by name, ignoring case (hidden files
    left out, symbolic links to a file outside `folder`, and any path in `skip`)."""
    skip = skip or set()
    found = []
    for path in folder.iterdir():
        if (path.suffix == ".ipynb" and not path.name.startswith(".") and path.is_file()
                and path.resolve() not in skip and real_file_inside(path, folder) is not None):
            found.append(path)
    return sorted(found, key=lambda p: (p.name.casefold(), p.name))
