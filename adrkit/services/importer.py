"""Bring a folder of markdown decision records into the decision log as notebooks.

`import_markdown` reads every record file under a folder (adr-tools/Nygard, MADR 2/3/4,
log4brains with its packages), gives each a number and a stem, resolves the links
between them, builds one validated notebook per record (a raw front-matter cell, then
a markdown cell per section), copies the images they show, and writes everything in
one all-or-nothing step. Nothing is dropped silently: each file's report lists what
was not understood, guessed or left dangling. The original text needed to write the
record back in its own format is kept in the front matter's `source` key.

Re-importing a folder finds the records it made before (by `source.file`) and leaves
identical ones alone; a notebook that differs is never overwritten without `force`.
"""
from __future__ import annotations

import hashlib
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from adrkit.storage.atomic import write_all
from adrkit.core.errors import AdrkitError, FormatError, NotFoundError
from adrkit.core.status_rules import REVERSE_RELS
from adrkit.formats.markdown import (SOURCE_KEY, MarkdownRecord, Note, decode_markdown, fingerprint, iter_links, parse_record_name, read_markdown, split_head)
from adrkit.core.decision import Decision, Link, make_stem
from adrkit.formats.yamlio import dump_front_matter, parse_front_matter
from adrkit.formats.notebook import cell_text, dumps_notebook
from adrkit.storage.log import DecisionLog
from adrkit.storage.paths import real_file_inside

__all__ = ["FileReport", "ImportReport", "ImportFailed", "discover", "import_markdown"]

_SKIP_DIRS = {"node_modules", ".git", ".venv", "__pycache__", "site", "_site"}
_SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")
_IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".ico", ".pdf"}


@dataclass
class FileReport:
    """What happened to one source file."""

    source: str
    target: str | None = None
    action: str = "skipped"  # created | updated | unchanged | skipped | conflict | error
    notes: list[Note] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "action": self.action,
                "notes": [n.to_dict() for n in self.notes]}


@dataclass
class ImportReport:
    root: Path
    into: Path
    files: list[FileReport] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    duplicates: dict[int, list[str]] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for f in self.files if f.action == action)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.root), "into": str(self.into),
            "summary": {a: self.count(a) for a in ("created", "updated", "unchanged", "skipped",
                                                   "conflict", "error")},
            "duplicate-numbers": {f"{n:04d}": stems for n, stems in sorted(self.duplicates.items())},
            "assets": self.assets,
            "files": [f.to_dict() for f in self.files],
        }


class ImportFailed(AdrkitError):
    """The import found problems and wrote nothing; `problems` has one line each."""

    def __init__(self, problems: list[str], report: ImportReport):
        first = problems[0] if problems else "import failed"
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}; nothing was imported")
        self.problems = problems
        self.report = report


# --- discovery -----------------------------------------------------------------------

def discover(source: Path, *, exclude: Path | None = None) -> tuple[Path, list[Path], list[Path]]:
    """(root, record files, other .md files skipped) under `source` (a folder or a file)."""
    source = Path(source)
    if not source.exists():
        raise NotFoundError("no such file or folder", path=source,
                            fix="give the folder holding the markdown decision records")
    if source.is_file():
        if parse_record_name(source.name) is None:
            raise NotFoundError("is not named like a decision record", path=source,
                                fix="name it NNNN-title.md or YYYYMMDD-title.md")
        return source.parent, [source], []
    root = source
    exclude = exclude.resolve() if exclude is not None else None
    records, skipped = [], []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS
                         and (exclude is None or (here / d).resolve() != exclude))
        for name in sorted(files):
            if not name.lower().endswith(".md"):
                continue
            path = here / name
            if real_file_inside(path, root) is None:  # a symlink to a file elsewhere is not imported
                skipped.append(path)
                continue
            (records if parse_record_name(name) else skipped).append(path)
    if not records:
        raise NotFoundError("holds no decision records (no NNNN-title.md or YYYYMMDD-title.md files)",
                            path=source, fix="point at the folder holding the ADRs, such as doc/adr")
    records.sort(key=lambda p: p.relative_to(root).as_posix())
    return root, records, skipped


# --- the import -----------------------------------------------------------------------

@dataclass
class _Item:
    rel: str
    md: MarkdownRecord
    report: FileReport
    number: int = 0
    slug: str = ""
    decision: Decision | None = None
    existing: Path | None = None

    @property
    def stem(self) -> str:
        return make_stem(self.number, self.slug)


def import_markdown(source: str | Path, log: DecisionLog, *, force: bool = False,
                    dry_run: bool = False) -> ImportReport:
    """Import every record under `source` into `log`; see the module docstring."""
    root, paths, skipped = discover(Path(source), exclude=log.dir)
    report = ImportReport(root=root, into=log.dir)
    problems: list[str] = []

    # 1. read every file
    items: list[_Item] = []
    for path in paths:
        rel = path.relative_to(root).as_posix()
        fr = FileReport(rel)
        report.files.append(fr)
        try:
            text = decode_markdown(path.read_bytes(), path=path)
            md = read_markdown(text, path=rel, name=path.name)
        except AdrkitError as exc:
            fr.action = "error"
            fr.notes.append(Note("unreadable", str(exc), "error"))
            problems.append(str(exc))
            continue
        fr.notes.extend(md.notes)
        items.append(_Item(rel, md, fr))
    for path in skipped:
        rel = path.relative_to(root).as_posix()
        report.files.append(FileReport(rel, notes=[Note(
            "skipped", "not named like a record (NNNN-title.md or YYYYMMDD-title.md); not imported")]))

    # 2. numbers and stems
    existing = _existing_imports(log)
    _assign_identities(items, log, existing)
    by_rel = {it.rel: it for it in items}
    by_stem = {it.stem: it for it in items}

    # 3. decisions, links between them, and what each file points at
    for it in items:
        it.decision = _decision_of(it)
    for it in items:
        _resolve_typed_links(it, root, by_rel, by_stem, problems)
    _infer_reverse_links(items)
    assets: dict[Path, Path] = {}
    for it in items:
        _scan_body_links(it, root, log.dir, by_rel, assets)

    # 4. duplicate numbers, in the import and against the log
    _report_duplicates(items, log, existing, report)

    # 5. notebooks, then what would change on disk
    changes: dict[Path, bytes | str] = {}
    for it in items:
        target = log.dir / f"{it.stem}.ipynb"
        it.report.target = target.name
        nb_text = dumps_notebook(_notebook(it))
        action = _plan_write(target, nb_text.encode("utf-8"), force, it, problems)
        it.report.action = action
        if action in ("created", "updated"):
            changes[target] = nb_text
    for src, dest in sorted(assets.items()):
        data = src.read_bytes()
        rel = dest.relative_to(log.dir).as_posix()
        if dest.exists():
            if dest.read_bytes() == data:
                continue
            if not force:
                problems.append(f"{dest}: exists and differs from {src}; pass --force to overwrite it")
                continue
        changes[dest] = data
        report.assets.append(rel)

    if problems:
        raise ImportFailed(problems, report)
    if not dry_run and changes:
        write_all(changes)
    report.written = sorted(p for p in changes if p.suffix == ".ipynb")
    return report


def _existing_imports(log: DecisionLog) -> dict[str, tuple[Path, Decision]]:
    """Records of the log that came from a markdown file, by that file's path."""
    found: dict[str, tuple[Path, Decision]] = {}
    if not log.dir.is_dir():
        return found
    records, _ = log.load_all()
    for rec in records:
        src = rec.decision.extra.get(SOURCE_KEY)
        if isinstance(src, dict) and src.get("file"):
            found.setdefault(str(src["file"]), (rec.path, rec.decision))
    return found


def _log_numbers(log: DecisionLog) -> list[int]:
    if not log.dir.is_dir():
        return []
    numbers = []
    for p in log.record_paths():
        numbers.append(int(p.name.split("-", 1)[0]))
    return numbers


def _assign_identities(items: list[_Item], log: DecisionLog,
                       existing: dict[str, tuple[Path, Decision]]) -> None:
    used_stems: set[str] = set()
    numbered = [it for it in items if it.md.file_date is None]
    dated = sorted((it for it in items if it.md.file_date is not None),
                   key=lambda it: (it.rel.rsplit("/", 1)[-1], it.rel))
    taken = set(_log_numbers(log)) | {it.md.number for it in numbered if it.md.number is not None}
    next_free = max(taken, default=0) + 1
    for it in numbered + dated:
        if it.rel in existing:
            path, decision = existing[it.rel]
            it.number, it.slug, it.existing = decision.number, decision.slug, path
        elif it.md.file_date is None:
            it.number, it.slug = int(it.md.number or 0), it.md.slug
        else:
            it.number, it.slug = next_free, it.md.slug
            next_free += 1
            it.report.notes.append(Note("number", f"no number in the file name; numbered "
                                                  f"{it.number:04d} by date order"))
        if it.stem in used_stems:
            base, n = it.slug, 2
            while make_stem(it.number, f"{base}-{n}") in used_stems:
                n += 1
            it.slug = f"{base}-{n}"
            it.report.notes.append(Note("name", f"another file gives the same name; imported as "
                                                f"{it.stem}", "warning"))
        used_stems.add(it.stem)


_FM_FIELDS = ("title", "status", "date", "decision-makers", "consulted", "informed", "tags")


def _decision_of(it: _Item) -> Decision:
    md = it.md
    extra: dict[str, Any] = {}
    mapped = set(md.front_matter_keys.values()) | {"supersedes", "superseded-by"}
    for key, value in (md.front_matter or {}).items():
        if key in mapped:
            continue
        if str(key) in Decision._KEYS or key == SOURCE_KEY:
            it.report.notes.append(Note("front-matter", f"front matter key '{key}' means something "
                                        "else to adrkit; kept in the original text only"))
        else:
            extra[str(key)] = value
    source: dict[str, Any] = {"format": md.format, "file": it.rel}
    parts = it.rel.split("/")
    if len(parts) > 3 and parts[0] == "packages":
        source["package"] = parts[1]
    if md.status_text is not None:
        source["status"] = md.status_text
        letters = re.sub(r"[^A-Za-z]", "", md.status_text)
        if len(letters) > 1 and letters.isupper():
            source["status-case"] = "upper"
        elif letters[:1].isupper():
            source["status-case"] = "title"
    if md.front_matter is not None:
        source["front-matter-keys"] = dict(md.front_matter_keys)
    if md.metadata_extra:
        source["metadata-extra"] = dict(md.metadata_extra)
    if md.format == "madr2":
        m = re.search(r"^([-*+]) ", md.head, re.M)
        if m and m.group(1) != "-":
            source["bullet"] = m.group(1)
    if not re.search(r"^# ", md.head, re.M):
        source["h1"] = False
    source.update(split_head(md))
    if md.head_gap not in ("\n\n", ""):
        source["gap"] = md.head_gap
    if md.tail != "\n":
        source["tail"] = md.tail
    if md.eol != "\n":
        source["eol"] = "crlf"
    if md.bom:
        source["bom"] = True
    extra[SOURCE_KEY] = source
    return Decision(
        number=it.number, slug=it.slug, title=" ".join(md.title.split()),
        status=md.status or "proposed", date=md.date,
        decision_makers=list(md.decision_makers), consulted=list(md.consulted),
        informed=list(md.informed), tags=list(md.tags), extra=extra)


def _resolve(href: str, base_rel: str) -> str | None:
    """A link's target as a path relative to the import root ('..' when outside)."""
    href = unquote(href.split("#", 1)[0].split("?", 1)[0]).strip()
    if not href:
        return None
    if href.startswith("/"):
        return "/" + href.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_rel), href))


def _find_record(href: str, it: _Item, by_rel: dict[str, _Item], by_stem: dict[str, _Item]) -> _Item | None:
    target = _resolve(href, it.rel)
    if target in by_rel:
        return by_rel[target]
    if target and target + ".md" in by_rel:
        return by_rel[target + ".md"]
    bare = href.rsplit("/", 1)[-1]
    bare = bare[:-3] if bare.endswith(".md") else bare
    if bare in by_stem:
        return by_stem[bare]
    candidates = [o for o in by_rel.values() if o.rel.rsplit("/", 1)[-1][:-3] == bare]
    if len(candidates) == 1:
        return candidates[0]
    m = re.fullmatch(r"(?:ADR[- ]?)?0*(\d+)", bare, re.I)
    if m:
        hits = [o for o in by_rel.values() if o.number == int(m.group(1))]
        if len(hits) == 1:
            return hits[0]
    return None


def _resolve_typed_links(it: _Item, root: Path, by_rel: dict[str, _Item], by_stem: dict[str, _Item],
                         problems: list[str]) -> None:
    d = it.decision
    assert d is not None
    for raw in it.md.links:
        target = _find_record(raw.href, it, by_rel, by_stem)
        label = f"'{raw.rel.replace('-', ' ')} {raw.href}' ({raw.where})"
        if target is None:
            it.report.notes.append(Note("dangling-link", f"link {label} does not lead to a record in "
                                        f"the imported folder; kept as written", "warning"))
            continue
        if target is it:
            msg = f"{root / it.rel}: record links to itself in {label}; remove that link and import again"
            it.report.notes.append(Note("self-link", msg, "error"))
            problems.append(msg)
            continue
        if raw.rel == "supersedes":
            _add(d.supersedes, target.stem)
        elif raw.rel == "superseded-by":
            _add(d.superseded_by, target.stem)
        else:
            link = Link(raw.rel, target.stem)
            if link not in d.links:
                d.links.append(link)
    if d.status == "superseded" and not d.superseded_by:
        it.report.notes.append(Note("status", f"status '{it.md.status_text}' is read as superseded "
                                    "but names no successor"))


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def _infer_reverse_links(items: list[_Item]) -> None:
    """Supersession and typed links are two-sided in adrkit; add the missing side."""
    by_stem = {it.stem: it for it in items}
    for it in items:
        d = it.decision
        assert d is not None
        for target in list(d.supersedes):
            other = by_stem[target]
            if d.stem not in other.decision.superseded_by:
                other.decision.superseded_by.append(d.stem)
                other.report.notes.append(Note("inferred", f"superseded-by {d.stem} added "
                                                           f"(that record says it supersedes this one)"))
        for target in list(d.superseded_by):
            other = by_stem[target]
            if d.stem not in other.decision.supersedes:
                other.decision.supersedes.append(d.stem)
                other.report.notes.append(Note("inferred", f"supersedes {d.stem} added "
                                                           f"(that record says it is superseded by this one)"))
        for link in list(d.links):
            back = REVERSE_RELS.get(link.rel)
            other = by_stem[link.target]
            if back and Link(back, d.stem) not in other.decision.links:
                other.decision.links.append(Link(back, d.stem))
                other.report.notes.append(Note("inferred", f"link '{back} {d.stem}' added "
                                                           f"(that record says '{link.rel}' this one)"))


def _scan_body_links(it: _Item, root: Path, into: Path, by_rel: dict[str, _Item],
                     assets: dict[Path, Path]) -> None:
    """Note every local link of the record that dangles or leaves the folder, and
    plan a copy of every local file it shows (images and attachments)."""
    seen: set[str] = set()
    texts = [it.md.head] + [c.text for c in it.md.body]
    for is_image, _, href in (link for text in texts for link in iter_links(text)):
        if _SCHEME.match(href) or href in seen:
            continue
        seen.add(href)
        kind = "image" if is_image else "link"
        target = _resolve(href, it.rel)
        if target is None:
            continue
        if target.startswith("/") or target == ".." or target.startswith("../"):
            it.report.notes.append(Note(f"outside-{kind}", f"{kind} '{href}' points outside the "
                                        "imported folder; kept as written, not copied", "warning"))
            continue
        if target in by_rel or (target + ".md") in by_rel:
            continue
        path = root / target
        if path.is_file() and real_file_inside(path, root) is None:
            it.report.notes.append(Note(f"outside-{kind}", f"{kind} '{href}' is a symlink to a file "
                                        "outside the imported folder; kept as written, not copied", "warning"))
            continue
        if path.is_dir():
            continue
        if not path.is_file():
            it.report.notes.append(Note(f"dangling-{kind}", f"{kind} '{href}' leads to a missing "
                                        "file; kept as written", "warning"))
            continue
        if path.suffix.lower() == ".md":
            it.report.notes.append(Note("link", f"link '{href}' leads to a markdown file that is "
                                        "not a record; kept as written"))
            continue
        local = posixpath.relpath(target, posixpath.dirname(it.rel) or ".")
        if local.startswith("../"):
            it.report.notes.append(Note(f"outside-{kind}", f"{kind} '{href}' lies outside the "
                                        "record's own folder; kept as written, not copied", "warning"))
            continue
        if not is_image and path.suffix.lower() not in _IMAGE_EXT:
            it.report.notes.append(Note("attachment", f"file '{href}' copied beside the notebook"))
        assets[path] = into / local


def _report_duplicates(items: list[_Item], log: DecisionLog,
                       existing: dict[str, tuple[Path, Decision]], report: ImportReport) -> None:
    stems: dict[int, set[str]] = {}
    for it in items:
        stems.setdefault(it.number, set()).add(it.stem)
    if log.dir.is_dir():
        for p in log.record_paths():
            number = int(p.name.split("-", 1)[0])
            if number in stems:
                stems[number].add(p.stem)
    free = max(list(stems) + _log_numbers(log), default=0) + 1
    for number, names in sorted(stems.items()):
        if len(names) < 2:
            continue
        ordered = sorted(names)
        report.duplicates[number] = ordered
        for it in items:
            if it.number == number:
                others = ", ".join(s for s in ordered if s != it.stem)
                it.report.notes.append(Note(
                    "duplicate-number", f"number {number:04d} is also used by {others}; both are kept "
                    f"side by side; give one a free number with 'adrkit renumber {it.stem} {free}'",
                    "warning"))


def _notebook(it: _Item) -> dict[str, Any]:
    import nbformat

    d = it.decision
    assert d is not None
    src = d.extra[SOURCE_KEY]
    src["fingerprint"] = fingerprint(d)
    # keep `source` last so the fields people read come first
    d.extra = {**{k: v for k, v in d.extra.items() if k != SOURCE_KEY}, SOURCE_KEY: src}
    seed = hashlib.sha256(d.stem.encode("utf-8")).hexdigest()[:8]
    nb = nbformat.v4.new_notebook(metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    front = nbformat.v4.new_raw_cell(dump_front_matter(d.to_front_matter()),
                                     metadata={"adrkit": {"front-matter": True}})
    front["id"] = f"{seed}-000"
    nb.cells.append(front)
    body = it.md.body
    for i, chunk in enumerate(body, start=1):
        meta: dict[str, Any] = {}
        if chunk.key:
            meta["section"] = chunk.key
        if i < len(body) and chunk.gap != "\n\n":
            meta["gap"] = chunk.gap
        cell = nbformat.v4.new_markdown_cell(chunk.text, metadata={"adrkit": meta} if meta else {})
        cell["id"] = f"{seed}-{i:03d}"
        nb.cells.append(cell)
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:  # pragma: no cover - built from valid parts
        raise FormatError(f"makes an invalid notebook: {exc.message}", path=it.rel)
    # the front matter must read back to the same decision
    back = Decision.from_front_matter(parse_front_matter(cell_text(front)), number=d.number, slug=d.slug)
    if fingerprint(back) != src["fingerprint"]:  # pragma: no cover - a bug, not a user error
        raise FormatError("front matter does not read back the same", path=it.rel)
    return nb


def _plan_write(target: Path, data: bytes, force: bool, it: _Item, problems: list[str]) -> str:
    if not target.exists():
        return "created"
    if target.read_bytes() == data:
        return "unchanged"
    if force:
        return "updated"
    why = "was imported from it before and has changed since" if it.existing == target \
        else "exists and was not imported from this file"
    msg = (f"{target}: {why}; pass --force to overwrite it with a fresh import of {it.rel}")
    it.report.notes.append(Note("conflict", msg, "error"))
    problems.append(msg)
    return "conflict"

