"""Bring a folder of markdown decision records into the decision log as notebooks.

`import_markdown` finds every record under a folder whatever its naming
(`import_files`), reads each one liberally (`adrkit.formats.markdown`), gives each a
distinct number and a stem, resolves the links between them and plans the files they
show (`import_links`), builds one validated notebook per record (a raw front-matter
cell, then one markdown cell per section, holding the text verbatim), and writes
everything atomically.

Nothing is refused for one bad record: a file that cannot be read, or whose notebook
would replace one that differs, is skipped and reported, and the rest come in. The
report says per file what was done and what was not understood, guessed or left
dangling. `strict=True` keeps the all-or-nothing behaviour: any skipped file (or
front matter that does not parse) and nothing is written.

Re-importing a folder finds the records it made before (by `source.file`) and leaves
identical ones alone; a notebook that differs is never overwritten without `force`.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adrkit.core.decision import MAX_NUMBER, Decision, Link, make_stem, slugify
from adrkit.core.errors import AdrkitError, FormatError
from adrkit.core.status_rules import REVERSE_RELS
from adrkit.formats.markdown import (SOURCE_KEY, MarkdownRecord, Note, decode_markdown, fingerprint, join_chunks,
                                     read_date, read_markdown, slash_order)
from adrkit.formats.notebook import cell_text, dumps_notebook
from adrkit.formats.yamlio import dump_front_matter, parse_front_matter
from adrkit.services.import_files import Found, RecordFile, discover
from adrkit.services.import_links import RecordIndex, apply_rewrites, plan_links, repository_root
from adrkit.storage.atomic import write_all
from adrkit.storage.log import DecisionLog
from adrkit.storage.paths import real_file_inside

__all__ = ["FileReport", "ImportReport", "ImportFailed", "discover", "import_markdown"]

# folder names that say nothing about a team or package (left out of subfolder tags)
_PLAIN_DIRS = {"doc", "docs", "adr", "adrs", "decisions", "decision-records", "architecture", "design",
               "architecture-decisions", "architecture-decision-records", "architecture-decision-record",
               "rfc", "rfcs", "records", "packages", "src", "content", "documentation"}
_PLACEHOLDER_TITLE = re.compile(r"^(?:title|short title.*|\{.*\}|\[.*\]|<.*>)$", re.I)


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
    renumbered: dict[str, str] = field(default_factory=dict)  # source file -> number given
    written: list[Path] = field(default_factory=list)
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(1 for f in self.files if f.action == action)

    @property
    def failed(self) -> list[FileReport]:
        """Record files that did not come in (unreadable, or a conflicting notebook)."""
        return [f for f in self.files if f.action in ("error", "conflict")]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.root), "into": str(self.into), "dry-run": self.dry_run,
            "summary": {a: self.count(a) for a in ("created", "updated", "unchanged", "skipped",
                                                   "conflict", "error")},
            "complete": not self.failed,
            "written": [str(p) for p in self.written],
            "renumbered": dict(self.renumbered),
            "assets": self.assets,
            "files": [f.to_dict() for f in self.files],
        }


class ImportFailed(AdrkitError):
    """A strict import found problems and wrote nothing; `problems` has one line each."""

    def __init__(self, problems: list[str], report: ImportReport):
        first = problems[0] if problems else "import failed"
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}; nothing was imported (--strict)")
        self.problems = problems
        self.report = report


@dataclass
class _Item:
    file: RecordFile
    md: MarkdownRecord
    report: FileReport
    number: int = 0
    slug: str = ""
    decision: Decision | None = None
    existing: Path | None = None
    cells: list[dict[str, Any]] = field(default_factory=list)
    date_order: str | None = None

    @property
    def rel(self) -> str:
        return self.file.rel

    @property
    def stem(self) -> str:
        return make_stem(self.number, self.slug)


def import_markdown(source: str | Path, log: DecisionLog, *, force: bool = False,
                    dry_run: bool = False, strict: bool = False) -> ImportReport:
    """Import every record under `source` into `log`; see the module docstring."""
    found = discover(Path(source), exclude=log.dir)
    report = ImportReport(root=found.root, into=log.dir, dry_run=dry_run)
    problems: list[str] = []                                               # strict mode only
    items = _read_all(found, report, problems)                              # 1
    existing = _existing_imports(log)
    _assign_numbers(items, log, existing, report)                           # 2
    index = RecordIndex(items, stem_of=lambda it: it.stem, rel_of=lambda it: it.rel,
                        number_of=lambda it: it.md.number, text_of=lambda it: join_chunks(it.md.body))
    repo = repository_root(found.root)
    assets: dict[Path, str] = {}
    for it in items:                                                        # 3
        it.decision = _decision_of(it)
    for it in items:
        _typed_links(it, index)
        _body_links(it, found.root, repo, index, log.dir, assets)
    _reverse_links(items)
    changes: dict[Path, bytes | str] = {}                                    # 4
    for it in items:
        target = log.dir / f"{it.stem}.ipynb"
        it.report.target = target.name
        text = dumps_notebook(_notebook(it))
        it.report.action = _plan_write(target, text.encode("utf-8"), force, it)
        if it.report.action in ("created", "updated"):
            changes[target] = text
    _plan_assets(assets, log.dir, force, changes, report, items)
    if strict:
        problems += [f"{f.source}: {n.message}" for f in report.files for n in f.notes
                     if n.level == "error" or n.kind == "self-link"]
        if problems:
            raise ImportFailed(problems, report)
    if not dry_run and changes:                                              # 5
        write_all(changes)
    report.written = sorted(p for p in changes if p.suffix == ".ipynb")
    return report


# --- 1. reading ------------------------------------------------------------------------

def _read_all(found: Found, report: ImportReport, problems: list[str]) -> list[_Item]:
    items: list[_Item] = []
    texts: list[tuple[RecordFile, FileReport, str]] = []
    for rf in found.records:
        fr = FileReport(rf.rel)
        report.files.append(fr)
        try:
            texts.append((rf, fr, decode_markdown(rf.path.read_bytes(), path=rf.path)))
        except OSError as exc:
            fr.action = "error"
            fr.notes.append(Note("unreadable", f"cannot be read: {exc.strerror or exc}; skipped", "error"))
        except AdrkitError as exc:
            fr.action = "error"
            fr.notes.append(Note("unreadable", f"{exc.message}; skipped ({exc.fix})" if exc.fix else
                                 f"{exc.message}; skipped", "error"))
    order = "dmy"
    for rf, fr, text in texts:
        md = read_markdown(text, path=rf.rel, name=rf.name)
        if _is_template(md):
            fr.notes.append(Note("skipped", "a template (its title is a placeholder), not a record; "
                                 "not imported"))
            continue
        items.append(_Item(rf, md, fr))
    order, told = slash_order(it.md.date_text or "" for it in items)
    for it in items:
        if it.md.date_ambiguous and order != "dmy":
            it.md.date = read_date(it.md.date_text or "", order=order).iso or ""
            it.md.notes = [n for n in it.md.notes if "reads both ways" not in n.message]
            it.md.notes.append(Note("date", f"date '{(it.md.date_text or '').strip()}' reads both ways; read "
                                    f"as {it.md.date} (month first, as the folder's other dates are)"))
            it.date_order = "mdy"
        elif it.md.date_ambiguous and told:
            it.md.notes = [n for n in it.md.notes if "reads both ways" not in n.message]
        it.report.notes.extend(it.md.notes)
        if it.md.front_matter_block is not None and not it.md.front_matter_complete:
            why = next((n.message for n in it.md.notes if n.kind == "front-matter"), "front matter does not parse")
            problems.append(f"{it.rel}: {why}")
    for rel, why in found.others:
        report.files.append(FileReport(rel, notes=[Note("skipped", f"{why}; not imported")]))
    for rel in found.outside:
        report.files.append(FileReport(rel, notes=[Note("outside", "is a symbolic link to a file outside the "
                                                      "imported folder; not imported", "warning")]))
    return items


def _is_template(md: MarkdownRecord) -> bool:
    """A file whose title is a placeholder ('RFC-NNNN Title', '{short title}', '[short
    title]') and that states no date: a record written from a template keeps its
    brackets now and then ('# [Gestion des Dates]'), but it says when it was decided
    (a template's status line may read as a status: it lists them all)."""
    title = f"[{md.title.strip()}]" if md.title_bracketed else md.title.strip()
    if md.title_from == "file name" or not _PLACEHOLDER_TITLE.match(title):
        return False
    return not md.date


# --- 2. numbers and stems -------------------------------------------------------------------

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


def _log_numbers(log: DecisionLog, existing: dict[str, tuple[Path, Decision]]) -> set[int]:
    if not log.dir.is_dir():
        return set()
    mine = {path for path, _ in existing.values()}
    out = set()
    for p in log.record_paths():
        if p not in mine:
            out.add(int(p.name.split("-", 1)[0]))
    return out


def _slug_of(it: _Item) -> str:
    slug = slugify(it.md.slug) if it.md.slug else ""
    return slug or slugify(it.md.title) or "record"


def _assign_numbers(items: list[_Item], log: DecisionLog, existing: dict[str, tuple[Path, Decision]],
                    report: ImportReport) -> None:
    """Numbers from the names, kept when free; the rest (date-named records in date
    order, then records named without either, then numbers used twice) numbered after
    the highest."""
    taken = _log_numbers(log, existing)
    for it in items:
        if it.rel in existing:
            path, decision = existing[it.rel]
            it.number, it.slug, it.existing = decision.number, decision.slug, path
            taken.add(it.number)
    numbered = sorted((it for it in items if it.existing is None and it.md.number is not None
                       and it.md.number <= MAX_NUMBER), key=lambda it: it.rel)
    later: list[_Item] = []
    for it in numbered:
        if it.md.number in taken:
            later.append(it)
            continue
        it.number = int(it.md.number)  # type: ignore[arg-type]
        taken.add(it.number)
    dated = sorted((it for it in items if it.existing is None and it.md.number is None and it.md.file_date),
                   key=lambda it: (it.md.file_date, it.rel))
    plain = sorted((it for it in items if it.existing is None and it.md.number is None and not it.md.file_date),
                   key=lambda it: it.rel)
    free = max(taken, default=0) + 1
    for it in dated + plain + later:
        while free in taken:
            free += 1
        it.number = free
        taken.add(free)
        if it in later:
            other = next((o for o in items if o is not it and o.number == it.md.number), None)
            who = f"{other.rel}" if other is not None else "a record already in the log"
            it.report.notes.append(Note("number", f"number {it.md.number:04d} is also used by {who}; imported as "
                                        f"{it.number:04d} (the file name keeps {it.md.number:04d})"))
            report.renumbered[it.rel] = f"{it.number:04d}"
        elif it.md.file_date:
            it.report.notes.append(Note("number", f"no number in the file name; numbered {it.number:04d} "
                                        "by date order"))
        else:
            it.report.notes.append(Note("number", f"no number in the file name; numbered {it.number:04d}"))
    used: set[str] = {p.stem for p in log.record_paths()} if log.dir.is_dir() else set()
    used -= {path.stem for path, _ in existing.values()}
    for it in items:
        if it.existing is None:
            it.slug = _slug_of(it)
        if it.stem in used and it.existing is None:
            base, n = it.slug, 2
            while make_stem(it.number, f"{base}-{n}") in used:
                n += 1
            it.slug = f"{base}-{n}"
            it.report.notes.append(Note("name", f"another record has the same name; imported as {it.stem}",
                                        "warning"))
        used.add(it.stem)


# --- 3. decisions and links -------------------------------------------------------------------

def _folder_tag(it: _Item) -> str | None:
    """The team or package subfolder a record sits in, as a tag ('backend',
    'packages/core/docs/adr' -> 'core')."""
    folder = it.file.folder_rel
    if it.file.folder and "/" in folder:
        folder = folder.rsplit("/", 1)[0]
    elif it.file.folder:
        folder = ""
    parts = [p for p in folder.split("/") if p and p.lower() not in _PLAIN_DIRS]
    return "/".join(parts) or None


def _decision_of(it: _Item) -> Decision:
    md = it.md
    extra: dict[str, Any] = {}
    mapped = set(md.front_matter_keys.values())
    for key, value in (md.front_matter or {}).items():
        if str(key) in mapped:
            continue
        if str(key) in Decision._KEYS or key == SOURCE_KEY:
            it.report.notes.append(Note("front-matter", f"front matter key '{key}' means something else to "
                                        "adrkit; kept in the original text only"))
        else:
            extra[str(key)] = value
    tags = list(md.tags)
    tag = _folder_tag(it)
    if tag and tag not in tags:
        tags.append(tag)
    extra[SOURCE_KEY] = _source_of(it)
    return Decision(number=it.number, slug=it.slug, title=" ".join(md.title.split()), status=md.status or "",
                    date=md.date, decision_makers=list(md.decision_makers), consulted=list(md.consulted),
                    informed=list(md.informed), tags=tags, extra=extra)


def _source_of(it: _Item) -> dict[str, Any]:
    """What export needs to write the record back as it was (see writer and patch)."""
    md = it.md
    source: dict[str, Any] = {"format": md.format, "file": it.rel, "stem": it.stem}
    if md.status_text is not None:
        source["status"] = md.status_text
    if md.front_matter_block is not None:
        block = md.front_matter_block
        lines = re.split(r"\r\n|\r|\n", block)
        source["front-matter"] = "\n".join(lines[1:-1])
        default = "+++" if md.front_matter_kind == "toml" else "---"
        if lines[0] != default or lines[-1] != default:
            source["front-matter-fences"] = [lines[0], lines[-1]]
        if md.front_matter_kind != "yaml":
            source["front-matter-kind"] = md.front_matter_kind
        if md.front_matter_keys:
            source["front-matter-keys"] = dict(md.front_matter_keys)
    if it.date_order:
        source["date-order"] = it.date_order
    if it.file.parts:
        source["files"] = list(it.file.parts)
    default_gap = "\n\n" if md.front_matter_block is not None and md.body else ""
    if md.head_gap != default_gap:
        source["gap"] = md.head_gap
    if md.tail != "\n":
        source["tail"] = md.tail
    if md.eol != "\n":
        source["eol"] = "crlf"
    if md.bom:
        source["bom"] = True
    return source


def _typed_links(it: _Item, index: RecordIndex) -> None:
    d = it.decision
    assert d is not None
    for raw in it.md.links:
        target = index.find_ref(raw.href, it.rel)
        label = f"'{raw.rel.replace('-', ' ')} {raw.href}' ({raw.where})"
        if target is None:
            it.report.notes.append(Note("dangling-link", f"link {label} does not lead to a record in the "
                                        "imported folder; kept as written", "warning"))
            continue
        if target is it:
            it.report.notes.append(Note("self-link", f"link {label} leads to the record itself; kept as "
                                        "written, not used", "warning"))
            continue
        if raw.rel == "supersedes":
            _add(d.supersedes, target.stem)
        elif raw.rel == "superseded-by":
            _add(d.superseded_by, target.stem)
        else:
            link = Link(raw.rel, target.stem)
            if link not in d.links:
                d.links.append(link)
    for chunk in it.md.body:
        for entry in chunk.links:
            target = index.find_ref(str(entry[2]), it.rel)
            entry[2] = target.stem if target is not None and target is not it else ""
    if d.status == "superseded" and not d.superseded_by:
        it.report.notes.append(Note("status", f"status '{it.md.status_text}' is read as superseded but names "
                                    "no successor"))


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def _reverse_links(items: list[_Item]) -> None:
    """Supersession and typed links are two-sided in adrkit; add the missing side."""
    by_stem = {it.stem: it for it in items}
    for it in items:
        d = it.decision
        assert d is not None
        for target in list(d.supersedes):
            other = by_stem[target].decision
            if d.stem not in other.superseded_by:
                other.superseded_by.append(d.stem)
                by_stem[target].report.notes.append(Note("inferred", f"superseded-by {d.stem} added (that "
                                                         "record says it supersedes this one)"))
        for target in list(d.superseded_by):
            other = by_stem[target].decision
            if d.stem not in other.supersedes:
                other.supersedes.append(d.stem)
                by_stem[target].report.notes.append(Note("inferred", f"supersedes {d.stem} added (that "
                                                         "record says it is superseded by this one)"))
        for link in list(d.links):
            back = REVERSE_RELS.get(link.rel)
            other = by_stem[link.target].decision
            if back and Link(back, d.stem) not in other.links:
                other.links.append(Link(back, d.stem))
                by_stem[link.target].report.notes.append(Note("inferred", f"link '{back} {d.stem}' added "
                                                              f"(that record says '{link.rel}' this one)"))


def _body_links(it: _Item, root: Path, repo: Path, index: RecordIndex, log_dir: Path,
                assets: dict[Path, str]) -> None:
    """Point the record's links at what they meant (see `import_links`), and keep each
    rewrite so the export can undo it."""
    plan = plan_links(it.rel, it.md.body, root, repo, index, log_dir, it)
    it.report.notes.extend(plan.notes)
    for src, dest in plan.assets.items():
        assets.setdefault(src, dest)
    for part in it.file.parts:
        src = it.file.path.parent / part
        dest = posixpath.join(it.file.folder_rel, part) if it.file.folder_rel else part
        real = real_file_inside(src, root)
        if real is not None:
            assets.setdefault(real, dest)
    it.cells = []
    for ci, chunk in enumerate(it.md.body):
        rewrites = plan.rewrites.get(ci, [])
        text = apply_rewrites(chunk.text, rewrites) if rewrites else chunk.text
        meta = chunk.meta()
        if rewrites:
            meta["hrefs"] = [[new, old] for _, _, _, new, old in sorted(rewrites, key=lambda r: (r[0], r[1]))]
            for fieldname, loc in list(meta.get("fields", {}).items()):
                written = str(loc[1])
                for _, _, _, new, old in rewrites:
                    if old in written:
                        written = written.replace(old, new, 1)
                meta["fields"][fieldname] = [loc[0], written]
        if ci < len(it.md.body) - 1 and chunk.gap != "\n\n":
            meta["gap"] = chunk.gap
        it.cells.append({"text": text, "meta": meta})


# --- 4. notebooks and files ------------------------------------------------------------------

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
    for i, cell in enumerate(it.cells, start=1):
        md_cell = nbformat.v4.new_markdown_cell(cell["text"], metadata={"adrkit": cell["meta"]} if cell["meta"] else {})
        md_cell["id"] = f"{seed}-{i:03d}"
        nb.cells.append(md_cell)
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:  # pragma: no cover - built from valid parts
        raise FormatError(f"makes an invalid notebook: {exc.message}", path=it.rel)
    back = Decision.from_front_matter(parse_front_matter(cell_text(front)), number=d.number, slug=d.slug)
    if fingerprint(back) != src["fingerprint"]:  # pragma: no cover - a bug, not a user error
        raise FormatError("front matter does not read back the same", path=it.rel)
    return nb


def _plan_write(target: Path, data: bytes, force: bool, it: _Item) -> str:
    if not target.exists():
        return "created"
    if target.read_bytes() == data:
        return "unchanged"
    if force:
        return "updated"
    why = ("was imported from it before and has changed since" if it.existing == target
           else "exists and was not imported from this file")
    it.report.notes.append(Note("conflict", f"{target}: {why}; skipped (pass --force to overwrite it with a "
                                f"fresh import of {it.rel})", "error"))
    return "conflict"


def _plan_assets(assets: dict[Path, str], log_dir: Path, force: bool, changes: dict[Path, bytes | str],
                 report: ImportReport, items: list[_Item]) -> None:
    written: dict[str, Path] = {}
    for src, rel in sorted(assets.items(), key=lambda kv: kv[1]):
        if rel in written:
            continue
        written[rel] = src
        dest = log_dir / rel
        try:
            data = src.read_bytes()
        except OSError as exc:
            _asset_note(items, rel, f"file {rel} cannot be read ({exc.strerror}); not copied")
            continue
        if dest.is_file() and dest.read_bytes() == data:
            continue
        if dest.exists() and (not force or not dest.is_file()):
            _asset_note(items, rel, f"{dest} exists and differs from {src}; not copied (pass --force to "
                        "overwrite it)")
            continue
        changes[dest] = data
        report.assets.append(rel)


def _asset_note(items: list[_Item], rel: str, message: str) -> None:
    for it in items:
        if any(rel in str(m) for c in it.cells for m in (c["meta"].get("hrefs") or [])) or \
                (it.file.folder and rel.startswith(it.file.folder_rel + "/")):
            it.report.notes.append(Note("asset", message, "warning"))
            return
    if items:
        items[0].report.notes.append(Note("asset", message, "warning"))
