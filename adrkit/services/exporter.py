"""Write decisions out as markdown: MADR 4, MADR 2 (log4brains), Nygard (adr-tools), or
each imported record in its own format (`source`).

`export_markdown` turns each decision notebook into one markdown file: the head from
`adrkit.formats.markdown`'s writers (an imported record comes back byte for byte while
its fields are unchanged, with changed values written in place when they are not),
the body from `export_body` (cells, outputs, attachments, trade-offs, lifecycles).

Output is deterministic and the work is linear in the number of records: the names,
the link targets and the resolver are built once for the whole log. Every file is
written in one all-or-nothing step, and a file the exporter did not write itself
(see `MANIFEST`) is never replaced without `force`. The output folder may not be the
log folder or inside it. A record whose data file is a folder is skipped with a
warning; a diagram Graphviz cannot draw keeps the file exported before, and the
report says the export failed.
"""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from adrkit.core.errors import AdrkitError, ConflictError, UsageError
from adrkit.formats.markdown import FORMAT_ALIASES, SOURCE_KEY, LinkTarget, Note, parse_record_name, write_markdown
from adrkit.services.export_body import BodyContext, body_of
from adrkit.storage.atomic import write_all
from adrkit.storage.datafile import read_data
from adrkit.storage.log import DecisionLog, Record
from adrkit.storage.paths import real_file_inside

__all__ = ["MANIFEST", "ExportReport", "export_markdown", "export_name", "EXPORT_FORMATS"]

MANIFEST = ".adrkit-export.json"
EXPORT_FORMATS = ("madr", "madr2", "log4brains", "nygard", "adr-tools", "source")


@dataclass
class ExportReport:
    out: Path
    format: str
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # records not exported
    notes: dict[str, list[Note]] = field(default_factory=dict)

    def note(self, stem: str, kind: str, message: str, level: str = "note") -> None:
        self.notes.setdefault(stem, []).append(Note(kind, message, level))

    @property
    def failed(self) -> bool:
        """Something was not exported as asked (a skipped record, an undrawn diagram)."""
        return bool(self.skipped) or any(n.level == "error" for notes in self.notes.values() for n in notes)

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "format": self.format, "complete": not self.failed,
                "written": [str(p) for p in self.written], "unchanged": [str(p) for p in self.unchanged],
                "removed": [str(p) for p in self.removed], "skipped": list(self.skipped),
                "notes": {k: [n.to_dict() for n in v] for k, v in sorted(self.notes.items())}}


def _format_of(rec: Record, fmt: str) -> str:
    if fmt == "source":
        src = rec.decision.extra.get(SOURCE_KEY)
        return str(src.get("format")) if isinstance(src, dict) and src.get("format") in FORMAT_ALIASES else "madr"
    return FORMAT_ALIASES[fmt]


def export_name(rec: Record, fmt: str) -> str:
    """The exported file's path (relative, posix) for a record in a format: the
    imported file's own path when writing its own format back and the record still has
    the name it was imported with, else `stem.md`."""
    src = rec.decision.extra.get(SOURCE_KEY)
    if isinstance(src, dict) and src.get("file") and src.get("format") == fmt:
        name = str(src["file"])
        safe = ".." not in name.split("/") and not name.startswith("/") and "\\" not in name
        same = src.get("stem") == rec.decision.stem if src.get("stem") else _name_fits(name, rec)
        if safe and same:
            return name
    return f"{rec.decision.stem}.md"


def _name_fits(name: str, rec: Record) -> bool:
    """For records imported by earlier versions (no `source.stem`): whether the file
    name still names the record (its number, and its slug or that slug with `-N`)."""
    parsed = parse_record_name(name.rsplit("/", 1)[-1])
    if parsed.number is not None and parsed.number != rec.decision.number:
        return False
    mine = rec.decision.slug
    slug = parsed.slug
    return not slug or mine == slug or re.fullmatch(re.escape(slug) + r"-\d+", mine) is not None


def _check_out(out: Path, log: DecisionLog) -> None:
    """The output folder may not be the log folder or inside it (the export would be
    read back as records, and `--force` would replace them)."""
    target = out.resolve()
    logdir = log.dir.resolve()
    if target == logdir or target.is_relative_to(logdir):
        raise UsageError(f"--out {out} is inside the decision log {log.dir}", where="--out",
                         fix="export into a folder outside the log, such as export/madr")


def export_markdown(log: DecisionLog, out: str | Path, *, fmt: str = "madr", refs: Iterable[str] = (),
                    force: bool = False) -> ExportReport:
    """Export the log (or the records `refs` names) into folder `out`."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format '{fmt}'", where="--format",
                         fix="use one of " + ", ".join(EXPORT_FORMATS))
    out = Path(out)
    _check_out(out, log)
    records = log.records()
    refs = list(refs)
    chosen = [log.resolve(r, records) for r in refs] if refs else records
    chosen = sorted({r.path: r for r in chosen}.values(), key=lambda r: (r.decision.number, r.path.name))
    report = ExportReport(out=out, format=fmt)

    # 1. where every record goes (all of them, so links to unexported ones still resolve)
    formats = {r.decision.stem: _format_of(r, fmt) for r in records}
    names = {r.decision.stem: export_name(r, formats[r.decision.stem]) for r in records}
    taken: dict[str, str] = {}
    for r in chosen:
        name = names[r.decision.stem]
        if name in taken:
            raise ConflictError(f"{taken[name]} and {r.decision.stem} would both be written to {name}",
                                path=out, fix="export them one at a time or renumber one")
        taken[name] = r.decision.stem
    links = _Links(records, names)
    manifest = _read_manifest(out)
    ctx = BodyContext(log, links.sources, report.note, lambda rel: _previous(out, rel, manifest))

    # 2. every file's bytes
    files: dict[str, bytes] = {}
    for rec in chosen:
        stem = rec.decision.stem
        md_rel = names[stem]
        data = _data_of(rec, log, report)
        if data is None:
            kept = _previous(out, md_rel, manifest)
            if kept is not None:
                files[md_rel] = kept  # an earlier export of it stays
            continue
        body = body_of(rec, data, md_rel, formats[stem] == _own_format(rec), ctx)
        text = write_markdown(rec.decision, body.chunks, formats[stem], resolve=links.resolver(md_rel),
                              stem_of=links.stem_of)
        files[md_rel] = text.encode("utf-8")
        for rel, payload in body.assets.items():
            if rel in files and files[rel] != payload:
                report.note(stem, "asset", f"{rel} is also written by another record; the first is kept", "warning")
                continue
            files.setdefault(rel, payload)

    # 3. what may be written, then write it all at once
    changes: dict[Path, bytes | None] = {}
    conflicts = []
    for rel, data in sorted(files.items()):
        path = out / rel
        if path.exists():
            current = path.read_bytes() if path.is_file() else None
            if current == data:
                report.unchanged.append(path)
                manifest[rel] = _sha(data)
                continue
            if current is None or (manifest.get(rel) != _sha(current) and not force):
                conflicts.append(rel)
                continue
        changes[path] = data
        manifest[rel] = _sha(data)
    if conflicts:
        shown = ", ".join(conflicts[:3]) + (f" and {len(conflicts) - 3} more" if len(conflicts) > 3 else "")
        raise ConflictError(f"{len(conflicts)} file(s) exist that adrkit did not write (or that changed "
                            f"since): {shown}", path=out,
                            fix="export into another folder, or pass --force to overwrite them")
    if not refs:
        _remove_stale(out, files, manifest, changes, report)
    if changes:
        manifest_bytes = (json.dumps({"adrkit-export": 1, "files": dict(sorted(manifest.items()))},
                                     indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        changes[out / MANIFEST] = manifest_bytes
        write_all(changes)
    report.written = sorted(p for p, data in changes.items() if data is not None and p.name != MANIFEST)
    report.removed = sorted(p for p, data in changes.items() if data is None)
    return report


def _own_format(rec: Record) -> str | None:
    src = rec.decision.extra.get(SOURCE_KEY)
    return str(src.get("format")) if isinstance(src, dict) and src.get("file") else None


def _data_of(rec: Record, log: DecisionLog, report: ExportReport) -> dict[str, Any] | None:
    """The record's data file ({} when there is none); None when the record is skipped."""
    path = rec.data_path
    stem = rec.decision.stem
    if path.is_dir():
        report.note(stem, "data", f"{path.name} is a folder, not a data file; {stem} is not exported "
                    "(move the folder away)", "warning")
        report.skipped.append(stem)
        return None
    if not path.exists() and not path.is_symlink():
        return {}
    if real_file_inside(path, log.dir) is None:
        report.note(stem, "data", f"{path.name} leads outside the log (a symbolic link); not read", "warning")
        return {}
    try:
        return read_data(path)
    except AdrkitError as exc:
        report.note(stem, "data", f"data file not read: {exc}", "warning")
        return {}
    except OSError as exc:
        report.note(stem, "data", f"data file not read: {exc.strerror or exc}", "warning")
        return {}


class _Links:
    """Where every record goes, built once: the paths a link may use for a record (its
    imported file, `stem.md`, `stem.ipynb`) and each record's number and title."""

    def __init__(self, records: list[Record], names: dict[str, str]) -> None:
        self.names = names
        self.by_stem = {r.decision.stem: r for r in records}
        self.sources: dict[str, str] = {}
        self._stems: dict[str, str] = {}
        for r in records:
            stem = r.decision.stem
            src = r.decision.extra.get(SOURCE_KEY)
            if isinstance(src, dict) and src.get("file"):
                self.sources.setdefault(str(src["file"]), names[stem])
                self._stems.setdefault(str(src["file"]), stem)
            for key in (f"{stem}.md", f"{stem}.ipynb"):
                self.sources.setdefault(key, names[stem])
                self._stems.setdefault(key, stem)

    def resolver(self, md_rel: str):
        here = posixpath.dirname(md_rel) or "."

        def resolve(stem: str) -> LinkTarget | None:
            rec = self.by_stem.get(stem)
            if rec is None:
                return None
            return LinkTarget(rec.decision.number, rec.decision.title, posixpath.relpath(self.names[stem], here))

        return resolve

    def stem_of(self, href: str) -> str | None:
        """The record a link in a notebook leads to (`0003-x.ipynb`, or an exported name)."""
        path = href.split("#", 1)[0]
        return self._stems.get(posixpath.normpath(path)) if path else None


def _previous(out: Path, rel: str, manifest: dict[str, str]) -> bytes | None:
    """A file of an earlier export, as long as it is the one the export wrote."""
    path = out / rel
    if not path.is_file() or path.is_symlink():
        return None
    data = path.read_bytes()
    return data if manifest.get(rel) == _sha(data) else None


def _remove_stale(out: Path, files: dict[str, bytes], manifest: dict[str, str],
                  changes: dict[Path, bytes | None], report: ExportReport) -> None:
    """Plan the removal of the files an earlier export wrote that this one does not:
    only regular files inside `out` whose bytes still have the manifest's hash. Every
    such entry leaves the manifest; a file changed since is kept and reported."""
    for rel in sorted(set(manifest) - set(files)):
        digest = manifest.pop(rel)
        parts = rel.split("/")
        if not rel or rel.startswith("/") or "\\" in rel or ".." in parts or "" in parts or rel == MANIFEST:
            continue
        path = out / rel
        if path.is_symlink() or not path.is_file():
            continue
        stem = posixpath.basename(rel).rsplit(".", 1)[0]
        if _sha(path.read_bytes()) != digest:
            report.note(stem, "removed", f"{rel} is no longer exported but changed since; kept")
            continue
        changes[path] = None
        report.note(stem, "removed", f"{rel} is no longer exported; removed")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, ValueError, UnicodeDecodeError,
            RecursionError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
