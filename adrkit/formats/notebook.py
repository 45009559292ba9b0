"""Decision notebooks on the page: read and write the JSON, the front matter cell,
the template sections.

A decision notebook's first cell is a raw cell holding YAML front matter between
`---` lines; the rest are the sections. Reading uses the standard `json` module so
listing hundreds of records stays fast; new notebooks are built and validated with
nbformat (imported when needed). Writes use nbformat's on-disk layout (indent 1,
sorted keys, unicode kept), so diffs stay small whichever tool saved last.
"""
from __future__ import annotations

import hashlib
import json
import platform
import re
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

from adrkit.core.errors import FormatError, NotFoundError
from adrkit.core.decision import Decision
from adrkit.formats.celltags import HINT, tags_of
from adrkit.formats.yamlio import dump_front_matter, parse_front_matter

__all__ = [
    "Section",
    "Template",
    "loads_notebook",
    "repair_notebook",
    "dumps_notebook",
    "front_matter_cell",
    "read_decision",
    "decision_from_notebook",
    "set_front_matter",
    "set_reader_metadata",
    "skip_slow_imports",
    "cell_text",
    "sections_of",
    "builtin_template_dir",
    "load_template",
    "template_names",
    "notebook_from_template",
    "LANGUAGE_INFO",
    "body_paragraphs",
    "placeholder_paragraphs",
    "without_placeholders",
]

# what a Python kernel reports (with the version), so JupyterLab opens a new notebook unchanged
LANGUAGE_INFO = {"name": "python", "file_extension": ".py", "mimetype": "text/x-python",
                 "codemirror_mode": {"name": "ipython", "version": 3}, "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3"}


@dataclass(frozen=True)
class Section:
    """A heading of a template and whether a record must have it."""

    key: str
    heading: str
    level: int
    required: bool


def cell_text(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def loads_notebook(text: str | bytes, *, path: Any = None) -> dict[str, Any]:
    """Parse notebook JSON with an error that names the line and column."""
    try:
        nb = json.loads(text)
    except UnicodeDecodeError:
        raise FormatError("is not UTF-8 text", path=path, fix="restore the notebook from version control")
    except RecursionError:
        raise FormatError("notebook JSON is nested too deeply to read", path=path,
                          fix="restore the notebook from version control")
    except json.JSONDecodeError as exc:
        raise FormatError(f"notebook JSON is corrupt: {exc.msg}", path=path,
                          where=f"line {exc.lineno} column {exc.colno}",
                          fix="repair the JSON or restore the file from version control")
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise FormatError("is not a Jupyter notebook (no 'cells' list)", path=path,
                          fix="restore the notebook from version control")
    for i, cell in enumerate(nb["cells"], start=1):
        problem = _cell_problem(cell)
        if problem:
            raise FormatError(f"cell {i} {problem}", path=path, where=f"cell {i}",
                              fix="repair the cell in JupyterLab or restore the file from version control")
    return nb


def _cell_problem(cell: Any) -> str | None:
    if not isinstance(cell, dict):
        return "is not an object"
    if not isinstance(cell.get("cell_type"), str):
        return "has no cell_type"
    src = cell.get("source", "")
    if not (isinstance(src, str) or (isinstance(src, list) and all(isinstance(s, str) for s in src))):
        return "has a source that is not text"
    meta = cell.get("metadata", {})
    if not isinstance(meta, dict) or not isinstance(meta.get("adrkit", {}), dict) \
            or not isinstance(meta.get("tags", []), list):
        return "has malformed metadata"
    return None


_CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_STREAMS = ("stdout", "stderr")


def repair_notebook(nb: dict[str, Any], raw: bytes | None = None) -> list[tuple[str, str]]:
    """Repair in place, in memory, what nbformat's schema refuses but no content depends
    on: a missing, malformed or repeated cell id, a missing or malformed
    `execution_count`, an output without its `metadata`, a stream without its name,
    and text that cannot be written as UTF-8 (a lone surrogate becomes U+FFFD).
    Returns (place, what was repaired) for each repair, e.g. ('cell 3', "has the id
    'a b', which is not valid ...; it is read as 'cell-3'"). Run after `loads_notebook`;
    given the `raw` bytes it was read from, cells are searched for surrogates only when
    those bytes could hold one."""
    repairs: list[tuple[str, str]] = []
    if not isinstance(nb.get("metadata"), dict):
        nb["metadata"] = {}
        repairs.append(("notebook", "the notebook's metadata is not an object; it is read as empty"))
    minor = nb.get("nbformat_minor")
    ids = isinstance(minor, int) and minor >= 5
    seen: set[str] = set()
    surrogates = raw is None or may_hold_surrogates(raw)
    for i, cell in enumerate(nb["cells"], start=1):
        where = f"cell {i}"
        if surrogates and _has_surrogate(cell):
            nb["cells"][i - 1] = cell = _without_surrogates(cell)
            repairs.append((where, "holds text that is not Unicode (a lone surrogate, from a '\\ud800' "
                                   "escape); it is read as U+FFFD"))
        if ids or "id" in cell:
            repairs.extend((where, msg) for msg in _repair_id(cell, i, seen))
        if cell.get("cell_type") == "code":
            repairs.extend((where, msg) for msg in _repair_code(cell))
    return repairs


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def may_hold_surrogates(raw: bytes) -> bool:
    """Whether JSON text could decode to a lone surrogate: through a `\\ud800`-style
    escape, or the bytes of one in UTF-8 (Python's JSON reader lets them through), or
    in any other encoding the reader accepts."""
    if json.detect_encoding(raw) != "utf-8":
        return True
    return b"\xed" in raw or _SURROGATE_ESCAPE.search(raw) is not None


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value


def _repair_id(cell: dict[str, Any], number: int, seen: set[str]) -> list[str]:
    cid = cell.get("id")
    if isinstance(cid, str) and _CELL_ID.match(cid) and cid not in seen:
        seen.add(cid)
        return []
    new, n = f"cell-{number}", 2
    while new in seen:
        new, n = f"cell-{number}-{n}", n + 1
    seen.add(new)
    cell["id"] = new
    if cid is None:
        return [f"has no id; it is read as '{new}'"]
    if isinstance(cid, str) and cid in seen - {new}:
        return [f"repeats the id '{cid}' of an earlier cell; it is read as '{new}'"]
    return [f"has the id {cid!r}, which is not valid (1-64 letters, digits, '-' or '_'); it is read "
            f"as '{new}'"]


def _repair_code(cell: dict[str, Any]) -> list[str]:
    fixed = []
    count = cell.get("execution_count")
    if "execution_count" not in cell or not (count is None or (type(count) is int and count >= 0)):
        cell["execution_count"] = None
        fixed.append("has no valid execution_count; it is read as none")
    outputs = cell.get("outputs")
    if not isinstance(outputs, list):
        cell["outputs"] = []
        return fixed + ["has no list of outputs; it is read as having none"]
    for out in outputs:
        if not isinstance(out, dict):
            continue
        kind = out.get("output_type")
        if kind in ("display_data", "execute_result") and not isinstance(out.get("metadata"), dict):
            out["metadata"] = {}
            fixed.append(f"has a {kind} output without metadata; it is read as empty")
        if kind == "execute_result":
            value = out.get("execution_count")
            if "execution_count" not in out or not (value is None or (type(value) is int and value >= 0)):
                out["execution_count"] = None
                fixed.append("has a result without a valid execution_count; it is read as none")
        if kind == "stream" and out.get("name") not in _STREAMS:
            out["name"] = "stdout"
            fixed.append("has a stream output without a valid name; it is read as stdout")
    return fixed


def dumps_notebook(nb: dict[str, Any]) -> str:
    """The same bytes nbformat.writes produces: sources split into lines, indent 1,
    sorted keys, unicode kept."""
    cells = []
    for cell in nb.get("cells", []):
        src = cell.get("source")
        if isinstance(src, str):
            cell = {**cell, "source": src.splitlines(True)}
        cells.append(cell)
    return json.dumps({**nb, "cells": cells}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def front_matter_cell(nb: dict[str, Any], *, path: Any = None) -> dict[str, Any]:
    cells = nb.get("cells") or []
    if not cells or cells[0].get("cell_type") != "raw" or not cell_text(cells[0]).lstrip().startswith("---"):
        raise FormatError("has no front matter cell", path=path, where="cell 1",
                          fix="make the first cell a raw cell holding YAML between '---' lines")
    return cells[0]


def decision_from_notebook(nb: dict[str, Any], *, number: int, slug: str,
                           path: Any = None) -> Decision:
    data = parse_front_matter(cell_text(front_matter_cell(nb, path=path)), path=path)
    return Decision.from_front_matter(data, number=number, slug=slug, path=path)


def read_decision(path: Path, *, number: int, slug: str) -> tuple[Decision, dict[str, Any]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError("no such file", path=path)
    nb = loads_notebook(raw, path=path)
    return decision_from_notebook(nb, number=number, slug=slug, path=path), nb


def set_front_matter(nb: dict[str, Any], decision: Decision) -> None:
    """Write the decision's front matter into the notebook's first cell (and its copy
    in the notebook's metadata, see `set_reader_metadata`)."""
    cell = front_matter_cell(nb)
    cell["source"] = dump_front_matter(decision.to_front_matter())
    set_reader_metadata(nb, decision)


# notebook metadata key -> how it is made from the decision; read by Jupyter Book
# (MyST takes page front matter from these keys, never from a raw cell) and, for
# title and authors, part of nbformat's own notebook metadata.
_READER_METADATA = {
    "title": lambda d: d.title,
    "authors": lambda d: [{"name": name} for name in d.decision_makers],
    "date": lambda d: d.date,
    "tags": lambda d: list(d.tags),
}


def set_reader_metadata(nb: dict[str, Any], decision: Decision) -> None:
    """Copy title, people, date and tags into the notebook's metadata, where Jupyter
    Book reads page front matter; an empty value removes its key. The raw cell stays
    the one that adrkit reads; this copy is rewritten on every save."""
    meta = nb.setdefault("metadata", {})
    for key, make in _READER_METADATA.items():
        value = make(decision)
        if value:
            meta[key] = value
        else:
            meta.pop(key, None)


def _heading(cell: dict[str, Any]) -> tuple[int, str] | None:
    m = re.match(r"\s*(#{1,6})\s+(.+?)\s*#*\s*$", cell_text(cell).split("\n", 1)[0])
    if not m:
        return None
    return len(m.group(1)), m.group(2).strip()


def sections_of(nb: dict[str, Any]) -> list[Section]:
    """Every markdown heading at the start of a cell, with the template's marks."""
    out = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        found = _heading(cell)
        if not found:
            continue
        meta = (cell.get("metadata") or {}).get("adrkit") or {}
        level, heading = found
        out.append(Section(str(meta.get("section") or heading.lower()), heading, level,
                           bool(meta.get("required", False))))
    return out


# --- template text left as it was --------------------------------------------------
#
# `notebook_from_template` records in each markdown cell's metadata (`adrkit.placeholder`)
# a short hash of every paragraph the template wrote there (except in a cell marked
# `adrkit.keep`, such as a checklist meant to stay). A paragraph whose text still
# hashes the same is template text nobody replaced: lint reports it and the site leaves
# it out. Records made before the hashes existed are compared with their template.

def _squash(text: str) -> str:
    return " ".join(text.split())


def _mark(paragraph: str) -> str:
    return hashlib.sha256(_squash(paragraph).encode("utf-8")).hexdigest()[:12]


def body_paragraphs(text: str) -> list[str]:
    """A markdown cell's paragraphs (blocks between blank lines), its heading line aside."""
    if _heading({"source": text}) is not None:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def _marks_of(cell: dict[str, Any], template: "Template | None") -> set[str]:
    meta = (cell.get("metadata") or {}).get("adrkit") or {}
    marks = meta.get("placeholder") if isinstance(meta, dict) else None
    if isinstance(marks, list):
        return {str(m) for m in marks}
    if template is None or not isinstance(meta, dict) or meta.get("keep"):
        return set()
    key = meta.get("section") if isinstance(meta, dict) else None
    heading = _heading(cell)
    for other in template.notebook.get("cells", [])[1:]:
        if other.get("cell_type") != "markdown":
            continue
        other_meta = (other.get("metadata") or {}).get("adrkit") or {}
        if (key and other_meta.get("section") == key) or (heading and _heading(other) == heading):
            return set() if other_meta.get("keep") else {_mark(p) for p in body_paragraphs(cell_text(other))}
    return set()


def placeholder_paragraphs(cell: dict[str, Any], template: "Template | None" = None) -> list[str]:
    """The paragraphs of a markdown cell that are still its template's text."""
    if cell.get("cell_type") != "markdown":
        return []
    marks = _marks_of(cell, template)
    return [p for p in body_paragraphs(cell_text(cell)) if _mark(p) in marks] if marks else []


def without_placeholders(cell: dict[str, Any], template: "Template | None" = None) -> str:
    """A markdown cell's text with its untouched template paragraphs left out."""
    text = cell_text(cell)
    left = placeholder_paragraphs(cell, template)
    if not left:
        return text
    heading = text.split("\n", 1)[0] if _heading(cell) is not None else None
    kept = [p for p in body_paragraphs(text) if p not in left]
    return "\n\n".join(([heading] if heading else []) + kept)


# --- templates ------------------------------------------------------------------

@dataclass(frozen=True)
class Template:
    name: str
    path: Path
    notebook: dict[str, Any]

    @cached_property
    def required_sections(self) -> list[Section]:
        return [s for s in sections_of(self.notebook) if s.required]

    def missing_sections(self, present: Iterable[tuple[str, str]]) -> list[Section]:
        """Required sections absent from `present` ((key, heading) pairs of a record);
        a section counts as present by its template key or by its heading text."""
        have = {text.lower() for pair in present for text in pair}
        return [s for s in self.required_sections
                if s.key.lower() not in have and s.heading.lower() not in have]


def builtin_template_dir() -> Path:
    return Path(__file__).with_name("templates")


def _template_dirs(log_dir: Path | None) -> list[Path]:
    dirs = []
    if log_dir is not None:
        dirs.append(log_dir / "templates")
    dirs.append(builtin_template_dir())
    return dirs


def template_names(log_dir: Path | None = None) -> list[str]:
    names = set()
    for d in _template_dirs(log_dir):
        if d.is_dir():
            names.update(p.stem for p in d.glob("*.ipynb"))
    return sorted(names)


def load_template(name: str, log_dir: Path | None = None) -> Template:
    """A team's template in <log>/templates/ wins over a built-in one of the same name."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name or ""):
        raise NotFoundError(f"'{name}' is not a template name",
                            fix="use one of " + ", ".join(template_names(log_dir)))
    for d in _template_dirs(log_dir):
        path = d / f"{name}.ipynb"
        if path.is_file():
            nb = loads_notebook(path.read_bytes(), path=path)
            front_matter_cell(nb, path=path)
            return Template(name, path, nb)
    raise NotFoundError(f"no template named '{name}'",
                        fix="use one of " + ", ".join(template_names(log_dir)))


def notebook_from_template(template: Template, decision: Decision) -> dict[str, Any]:
    """A new decision notebook: the template's cells with the decision's front matter,
    '{{stem}}' filled in, stable cell ids, and validated by nbformat."""
    import copy

    import nbformat

    nb = copy.deepcopy(template.notebook)
    defaults = parse_front_matter(cell_text(nb["cells"][0]), path=template.path)
    for key, value in defaults.items():
        if key in ("title", "status", "date", "template"):
            continue
        current = decision.to_front_matter().get(key)
        if not current and value:
            if key == "tags":
                decision.tags = list(dict.fromkeys([*value, *decision.tags]))
            elif key not in Decision._KEYS:
                decision.extra[key] = value
            elif key in ("decision-makers", "consulted", "informed"):
                setattr(decision, key.replace("-", "_"), [str(v) for v in value])
    decision.template = decision.template or template.name
    seed = hashlib.sha256(decision.stem.encode("utf-8")).hexdigest()
    for i, cell in enumerate(nb["cells"]):
        src = cell_text(cell).replace("{{stem}}", decision.stem)
        cell["source"] = src
        cell["id"] = f"{seed[:8]}-{i:03d}"
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        elif cell.get("cell_type") == "markdown" and i and HINT not in tags_of(cell) \
                and not ((cell.get("metadata") or {}).get("adrkit") or {}).get("keep"):
            marks = [_mark(p) for p in body_paragraphs(src)]
            if marks:
                meta = cell.setdefault("metadata", {})
                meta["adrkit"] = {**(meta.get("adrkit") or {}), "placeholder": marks}
    nb["cells"][0]["source"] = dump_front_matter(decision.to_front_matter())
    metadata = nb.setdefault("metadata", {})
    language = metadata.get("language_info") or {}
    if language.get("name", "python") == "python":
        metadata["language_info"] = {**LANGUAGE_INFO, "version": platform.python_version(), **language}
    set_reader_metadata(nb, decision)
    nb.setdefault("nbformat", 4)
    nb["nbformat_minor"] = max(int(nb.get("nbformat_minor", 5)), 5)
    node = nbformat.from_dict(nb)
    try:
        nbformat.validate(node)
    except nbformat.ValidationError as exc:
        raise FormatError(f"template makes an invalid notebook: {exc.message}",
                          path=template.path, fix="open and re-save the template in JupyterLab")
    return nb


# --- loading nbformat --------------------------------------------------------------

def skip_slow_imports() -> None:
    """jsonschema (under nbformat) imports rfc3987_syntax when it is installed, which
    compiles a grammar on import (about 0.8 s); notebook schemas use no IRI formats, so
    adrkit's own processes go without it."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
