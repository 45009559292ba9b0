"""Finding the decision records in a folder of markdown, whatever their naming.

`discover` walks the folder (hidden folders, build output and the decision log itself
left out) and sorts every markdown file into:

- a record: any markdown file except those below (`0001-x.md`, `ADR_001.md`,
  `2022-02-03_x.md`, `use-ethnio.md`, records in team subfolders...);
- a folder per record: a folder named like a record (`0007-x/`, `2022-02-03-x/`,
  `001/`) holding a `README.md`, `index.md` or `_index.md`: that page is the record,
  and every other file in the folder (images, extra markdown parts) belongs to it;
- not a record: README, index, table of contents and template files beside the
  records (`README.md`, `index.md`, `000-index.md`, `adr-template.md`), each kept in
  the report with the reason.

A file whose real location is outside the folder (a symlink) is left out and reported.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from adrkit.core.errors import NotFoundError
from adrkit.formats.markdown import (FOLDER_PAGES, is_index_name, is_markdown_name, is_template_name,
                                     parse_record_name)
from adrkit.storage.paths import real_file_inside

__all__ = ["RecordFile", "Found", "discover", "SKIP_DIRS"]

SKIP_DIRS = {"node_modules", ".git", ".venv", "venv", "__pycache__", "site", "_site", "public",
             "_build", "build", "dist", ".adrkit-cache"}


@dataclass
class RecordFile:
    """A record file: `path`, `rel` (posix, from the root), `name` (what its number,
    date and slug come from: the file name, or the folder's for a folder per record)
    and `parts` (the other files of its folder, relative to that folder)."""

    path: Path
    rel: str
    name: str
    folder: bool = False
    parts: list[str] = field(default_factory=list)

    @property
    def folder_rel(self) -> str:
        return self.rel.rsplit("/", 1)[0] if "/" in self.rel else ""


@dataclass
class Found:
    root: Path
    records: list[RecordFile] = field(default_factory=list)
    others: list[tuple[str, str]] = field(default_factory=list)  # (rel, why it is not imported)
    outside: list[str] = field(default_factory=list)  # symlinks to files elsewhere


def _is_page(name: str) -> bool:
    return is_markdown_name(name) and name.rsplit(".", 1)[0].lower() in FOLDER_PAGES


def _names_a_record(name: str) -> bool:
    parsed = parse_record_name(name)
    return parsed.number is not None or parsed.date is not None


def _record_folder(path: Path, files: list[str]) -> str | None:
    """The page of a folder per record, or None when `path` is not one."""
    if not _names_a_record(path.name) or is_template_name(path.name):
        return None
    pages = sorted((f for f in files if _is_page(f)), key=lambda f: FOLDER_PAGES.index(f.rsplit(".", 1)[0].lower()))
    if not pages:
        return None
    if any(is_markdown_name(f) and not _is_page(f) and _names_a_record(f) for f in files):
        return None  # a folder of records (a year, a team) that has its own index page
    return pages[0]


def discover(source: Path, *, exclude: Path | None = None) -> Found:
    """The records under `source` (a folder, or one file)."""
    source = Path(source)
    if not source.exists():
        raise NotFoundError("no such file or folder", path=source,
                            fix="give the folder holding the markdown decision records, such as doc/adr")
    if source.is_file():
        if not is_markdown_name(source.name):
            raise NotFoundError("is not a markdown file", path=source,
                                fix="give a .md file or the folder holding the records")
        return Found(source.parent, [RecordFile(source, source.name, source.name)])
    root = source
    found = Found(root)
    skip = exclude.resolve() if exclude is not None else None
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS
                         and (skip is None or (here / d).resolve() != skip))
        rel_here = here.relative_to(root).as_posix()
        prefix = "" if rel_here == "." else rel_here + "/"
        page = _record_folder(here, files) if here != root else None
        if page is not None:
            _take_folder(found, root, here, prefix, page, files, dirs)
            dirs[:] = []
            continue
        for name in sorted(files):
            if not is_markdown_name(name):
                continue
            path = here / name
            rel = prefix + name
            if real_file_inside(path, root) is None:
                found.outside.append(rel)
                continue
            if is_template_name(name):
                found.others.append((rel, "a template, not a record"))
            elif is_index_name(name):
                found.others.append((rel, "an index or README page, not a record"))
            else:
                found.records.append(RecordFile(path, rel, name))
    if not found.records:
        raise NotFoundError("holds no decision records (no markdown files other than README, index "
                            "and template pages)", path=source,
                            fix="point at the folder holding the ADRs, such as doc/adr")
    found.records.sort(key=lambda r: r.rel)
    return found


def _take_folder(found: Found, root: Path, here: Path, prefix: str, page: str, files: list[str],
                 dirs: list[str]) -> None:
    """A folder per record: its page is the record, the rest are its parts."""
    path = here / page
    if real_file_inside(path, root) is None:
        found.outside.append(prefix + page)
        return
    record = RecordFile(path, prefix + page, here.name, folder=True)
    for sub, subdirs, subfiles in os.walk(here):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(subfiles):
            part = Path(sub) / name
            rel = part.relative_to(here).as_posix()
            if rel == page or name.startswith("."):
                continue
            if real_file_inside(part, root) is None:
                found.outside.append(prefix + rel)
                continue
            record.parts.append(rel)
    found.records.append(record)
