"""Write decisions out as markdown: MADR 4, MADR 2 (log4brains) or Nygard (adr-tools).

`export_markdown` turns each decision notebook into one markdown file, with:

- the head (front matter, title, status) from `markdown_io`'s writers, which give an
  imported record its original text back while its fields are unchanged;
- the markdown cells as written; links to other decisions pointed at their exported
  files; local images copied beside the markdown;
- trade-off tables and request lifecycles from the decision's data file (through
  `adrkit.tradeoff` and `adrkit.requestflow`, when installed): MADR sections with a
  score table, a Mermaid block and an SVG file;
- code outputs: DataFrame tables as markdown tables, images as files, text as text.

Output is deterministic. Every file is written in one all-or-nothing step, and a
file the exporter did not write itself (see `MANIFEST`) is never replaced without
`force`.
"""
from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote

from adrkit.storage.atomic import write_all
from adrkit.storage.datafile import read_data
from adrkit.core.errors import AdrkitError, ConflictError, UsageError
from adrkit.formats.markdown import (FORMAT_ALIASES, SOURCE_KEY, Chunk, LinkTarget, Note, html_table_to_markdown, iter_links, parse_record_name, section_key, split_chunks, write_markdown)
from adrkit.core.decision import slugify
from adrkit.formats.celltags import tags_of, view_of
from adrkit.formats.notebook import cell_text, load_template
from adrkit.core.requestflow import Lifecycle
from adrkit.core.tradeoff import Tradeoff
from adrkit.render.requestflow import lifecycle_mermaid
from adrkit.render.charts import chart_files
from adrkit.render.tradeoff import tradeoff_markdown
from adrkit.storage.log import DecisionLog, Record

__all__ = ["MANIFEST", "ExportReport", "export_markdown", "export_name", "EXPORT_FORMATS"]

MANIFEST = ".adrkit-export.json"
EXPORT_FORMATS = ("madr", "madr2", "log4brains", "nygard", "adr-tools", "source")
_SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")
_IMAGE_TYPES = (("image/svg+xml", "svg"), ("image/png", "png"), ("image/jpeg", "jpg"), ("image/gif", "gif"))


@dataclass
class ExportReport:
    out: Path
    format: str
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    notes: dict[str, list[Note]] = field(default_factory=dict)

    def note(self, stem: str, kind: str, message: str, level: str = "note") -> None:
        self.notes.setdefault(stem, []).append(Note(kind, message, level))

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "format": self.format,
                "written": [str(p) for p in self.written], "unchanged": [str(p) for p in self.unchanged],
                "removed": [str(p) for p in self.removed],
                "notes": {k: [n.to_dict() for n in v] for k, v in sorted(self.notes.items())}}


def _format_of(rec: Record, fmt: str) -> str:
    if fmt == "source":
        src = rec.decision.extra.get(SOURCE_KEY)
        return str(src.get("format")) if isinstance(src, dict) and src.get("format") in FORMAT_ALIASES else "madr"
    return FORMAT_ALIASES[fmt]


def export_name(rec: Record, fmt: str) -> str:
    """The exported file's path (relative, posix) for a record in a format: the
    imported file's own path when writing its own format back and the name still
    fits the record (see `_name_fits`), else `stem.md`."""
    src = rec.decision.extra.get(SOURCE_KEY)
    if isinstance(src, dict) and src.get("file") and src.get("format") == fmt:
        name = str(src["file"])
        if ".." not in name.split("/") and not name.startswith("/") and _name_fits(name, rec):
            return name
    return f"{rec.decision.stem}.md"


def _name_fits(name: str, rec: Record) -> bool:
    """Whether a file name still names the record: its number (when it has one) is the
    record's number and its slug is the record's slug, or that slug with the `-N`
    the importer adds when two files give the same name."""
    parsed = parse_record_name(name.rsplit("/", 1)[-1])
    if parsed is None:
        return True
    number, _, slug = parsed
    if number is not None and number != rec.decision.number:
        return False
    mine = rec.decision.slug
    return mine == slug or re.fullmatch(re.escape(slug) + r"-\d+", mine) is not None


def export_markdown(log: DecisionLog, out: str | Path, *, fmt: str = "madr", refs: Iterable[str] = (),
                    force: bool = False) -> ExportReport:
    """Export the log (or the records `refs` names) into folder `out`."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format '{fmt}'", where="--format",
                         fix="use one of " + ", ".join(EXPORT_FORMATS))
    out = Path(out)
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
    sources = _source_paths(records, names)

    # 2. every file's bytes
    files: dict[str, bytes] = {}
    templates: dict[str, Any] = {}
    for rec in chosen:
        stem = rec.decision.stem
        md_rel = names[stem]
        body, assets = _body(rec, log, md_rel, sources, report, templates)
        resolve = _resolver(records, names, md_rel)
        text = write_markdown(rec.decision, body, formats[stem], resolve=resolve)
        files[md_rel] = text.encode("utf-8")
        for rel, data in assets.items():
            if rel in files and files[rel] != data:
                report.note(stem, "asset", f"{rel} is also written by another record; the first is kept",
                            "warning")
                continue
            files.setdefault(rel, data)

    # 3. what may be written, then write it all at once
    manifest = _read_manifest(out)
    changes: dict[Path, bytes | None] = {}
    conflicts = []
    for rel, data in sorted(files.items()):
        path = out / rel
        if path.exists():
            current = path.read_bytes()
            if current == data:
                report.unchanged.append(path)
                manifest[rel] = _sha(data)
                continue
            if manifest.get(rel) != _sha(current) and not force:
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
    except (FileNotFoundError, ValueError, UnicodeDecodeError, RecursionError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


# --- links -------------------------------------------------------------------------------

def _source_paths(records: list[Record], names: dict[str, str]) -> dict[str, str]:
    """Every path a link may use for a record (its imported file, `stem.md`,
    `stem.ipynb`) -> the record's exported path."""
    found: dict[str, str] = {}
    for r in records:
        stem = r.decision.stem
        src = r.decision.extra.get(SOURCE_KEY)
        if isinstance(src, dict) and src.get("file"):
            found.setdefault(str(src["file"]), names[stem])
        found.setdefault(f"{stem}.md", names[stem])
        found.setdefault(f"{stem}.ipynb", names[stem])
    return found


def _resolver(records: list[Record], names: dict[str, str], md_rel: str):
    by_stem = {r.decision.stem: r for r in records}
    here = posixpath.dirname(md_rel) or "."

    def resolve(stem: str) -> LinkTarget | None:
        rec = by_stem.get(stem)
        if rec is None:
            return None
        return LinkTarget(rec.decision.number, rec.decision.title, posixpath.relpath(names[stem], here))

    return resolve


def _rewrite_links(text: str, base_rel: str, md_rel: str, sources: dict[str, str]) -> str:
    """Point links at other records' exported files (names change across formats)."""
    here = posixpath.dirname(md_rel) or "."
    base = posixpath.dirname(base_rel)
    replacements: dict[str, str] = {}
    for _, _, href in iter_links(text):
        if _SCHEME.match(href) or href in replacements:
            continue
        path, sep, frag = href.partition("#")
        path = unquote(path.split("?", 1)[0])
        if not path:
            continue
        target = posixpath.normpath(posixpath.join(base, path))
        if target not in sources:
            continue
        new_path = posixpath.relpath(sources[target], here)
        if posixpath.normpath(posixpath.join(here, path)) != posixpath.normpath(posixpath.join(here, new_path)):
            replacements[href] = new_path + sep + frag
    for old, new in replacements.items():
        text = re.sub(r"(\]\(\s*<?)" + re.escape(old) + r"(?=[\s>)])", lambda m: m.group(1) + new, text)
        text = re.sub(r"(^\s{0,3}\[[^\]]+\]:\s*<?)" + re.escape(old) + r"(?=[\s>]|$)",
                      lambda m: m.group(1) + new, text, flags=re.M)
    return text


# --- the body ----------------------------------------------------------------------------------

def _body(rec: Record, log: DecisionLog, md_rel: str, sources: dict[str, str], report: ExportReport,
          templates: dict[str, Any] | None = None) -> tuple[list[Chunk], dict[str, bytes]]:
    stem = rec.decision.stem
    src = rec.decision.extra.get(SOURCE_KEY)
    base_rel = str(src["file"]) if isinstance(src, dict) and src.get("file") else f"{stem}.ipynb"
    here = posixpath.dirname(md_rel)
    data = _data_of(rec, report)
    chunks: list[Chunk] = []
    assets: dict[str, bytes] = {}
    counter = [0]
    lifecycle_done = False
    pending, option_names = _tradeoff_chunks(rec, data, report, assets, here)  # MADR sections, chart files
    replaced = {c.key for c in pending if c.key}
    placeholders = _template_texts(rec, log, templates) if replaced else {}
    present = {_cell_key(c) for c in rec.notebook.get("cells", [])[1:] if c.get("cell_type") == "markdown"}

    def take(keys: set[str | None]) -> list[Chunk]:
        """The pending sections up to the last one whose key is in `keys`."""
        last = max((i for i, c in enumerate(pending) if c.key in keys), default=-1)
        taken = pending[:last + 1]
        del pending[:last + 1]
        return taken

    emitted: dict[str, int] = {}  # section key -> index in `chunks` of the trade-off's section
    merged: set[str] = set()  # sections a cell's prose was already merged into

    def emit(new: list[Chunk]) -> None:
        for c in new:
            if c.key:
                emitted.setdefault(c.key, len(chunks))
            chunks.append(c)

    for cell in rec.notebook.get("cells", [])[1:]:
        kind = cell.get("cell_type")
        tags = tags_of(cell)
        view = view_of(cell)
        if not view.published:
            continue
        if kind == "markdown":
            key = _cell_key(cell)
            if key == "status":
                continue
            text = cell_text(cell)
            if key in replaced:
                emit(take({key}))
            if key in emitted:
                # the trade-off writes this section; the cell's own prose goes with it
                prose = _prose_of(text)
                if _squash(prose) in placeholders.get(key, ()):
                    prose = ""
                if prose:
                    prose = _attachments(prose, cell, stem, here, assets, counter)
                    prose = _rewrite_links(prose, base_rel, md_rel, sources)
                    _copy_local_images(prose, log.dir, here, assets, stem, report)
                    at = emitted[key]
                    chunks[at] = _merge_section(chunks[at], prose, option_names, in_place=key not in merged)
                    merged.add(key)
                continue
            if not text.strip():
                continue
            meta = (cell.get("metadata") or {}).get("adrkit") or {}
            text = _attachments(text, cell, stem, here, assets, counter)
            text = _rewrite_links(text, base_rel, md_rel, sources)
            _copy_local_images(text, log.dir, here, assets, stem, report)
            chunks.append(Chunk(text.rstrip(" \t\n"), str(meta.get("gap", "\n\n"))))
        elif kind == "code":
            if "adrkit-tradeoff" in tags and replaced:
                emit(take({c.key for c in pending if c.key not in present}))
                continue
            if "adrkit-lifecycle" in tags:
                if lifecycle_done:
                    continue
                found = _lifecycle_chunks(rec, data, here, assets, report)
                if found:
                    chunks.extend(found)
                    lifecycle_done = True
                    continue
            chunks.extend(_code_chunks(cell, stem, here, assets, counter, report))
        # raw cells after the first are notebook-only
    if pending:
        _insert_before_more_information(chunks, pending)
    if not lifecycle_done:
        found = _lifecycle_chunks(rec, data, here, assets, report)
        if found:
            heading = Chunk("## Request lifecycle", "\n\n", "Request lifecycle", 2)
            _insert_before_more_information(chunks, [heading] + found)
    return chunks, assets


def _cell_key(cell: dict[str, Any]) -> str | None:
    meta = (cell.get("metadata") or {}).get("adrkit") or {}
    return meta.get("section") or section_key(_first_heading(cell_text(cell)))


def _first_heading(text: str) -> str | None:
    m = re.match(r"\s*#{1,6}\s+(.+?)\s*#*\s*$", text.split("\n", 1)[0])
    return m.group(1) if m else None


def _squash(text: str) -> str:
    return " ".join(text.split())


def _prose_of(text: str) -> str:
    """A cell's text without its heading line and the blank lines around it."""
    if _first_heading(text) is not None:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return text.strip("\n").rstrip(" \t\n")


def _template_texts(rec: Record, log: DecisionLog, cache: dict[str, Any] | None) -> dict[str, set[str]]:
    """section key -> the prose (whitespace squashed) of the record's template for it:
    text left as the template wrote it says nothing the trade-off does not."""
    name = rec.decision.template or rec.decision.extra.get("adrkit-template")
    if not name:
        return {}
    cache = {} if cache is None else cache
    if name not in cache:
        try:
            cache[name] = load_template(str(name), log.dir)
        except AdrkitError:
            cache[name] = None
    template = cache[name]
    if template is None:
        return {}
    found: dict[str, set[str]] = {}
    for cell in template.notebook.get("cells", [])[1:]:
        if cell.get("cell_type") == "markdown":
            text = cell_text(cell).replace("{{stem}}", rec.decision.stem)
            found.setdefault(_cell_key(cell) or "", set()).add(_squash(_prose_of(text)))
    return found


_BULLET = re.compile(r"^[*+-][ \t]+(.*)$")
_CHOSEN = re.compile(r"^\W{0,3}chosen option\b", re.I)


def _plain(text: str) -> str:
    """Markdown inline text as words: links as their text, emphasis and code marks gone."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return _squash(re.sub(r"[*_`]", "", text)).casefold()


def _names_every_option(prose: str, options: list[str]) -> bool:
    """Whether the prose has a top-level bullet starting with each option's name."""
    bullets = [_plain(m.group(1)) for m in map(_BULLET.match, prose.split("\n")) if m]
    for name in options:
        want = _plain(name)
        if not want or not any(b.startswith(want) and not b[len(want):len(want) + 1].isalnum()
                               for b in bullets):
            return False
    return True


def _merge_section(chunk: Chunk, prose: str, options: list[str], *, in_place: bool = True) -> Chunk:
    """A section the trade-off writes, with a cell's prose for it. The prose follows the
    text, except (with `in_place`) where it says what a generated paragraph says: a
    prose that opens with 'Chosen option:' takes the place of the outcome sentence, and
    one whose bullets name every option takes the place of the option list."""
    paragraphs = chunk.text.split("\n\n")
    at = None
    if in_place and chunk.key == "outcome" and _CHOSEN.match(prose) and len(paragraphs) > 1:
        at = 1
    elif in_place and chunk.key == "options" and options and _names_every_option(prose, options):
        listed = "\n".join(f"* {_squash(name)}" for name in options)
        at = next((i for i, p in enumerate(paragraphs) if i and p == listed), None)
    if at is None:
        paragraphs.append(prose)
    else:
        paragraphs[at] = prose
    return Chunk("\n\n".join(paragraphs), chunk.gap, chunk.heading, chunk.level)


def _insert_before_more_information(chunks: list[Chunk], new: list[Chunk]) -> None:
    at = next((i for i, c in enumerate(chunks)
               if section_key(_first_heading(c.text)) == "more-information"), len(chunks))
    chunks[at:at] = new


def _data_of(rec: Record, report: ExportReport) -> dict[str, Any]:
    try:
        return read_data(rec.data_path)
    except AdrkitError as exc:
        report.note(rec.decision.stem, "data", f"data file not read: {exc}", "warning")
        return {}


def _tradeoff_chunks(rec: Record, data: dict[str, Any], report: ExportReport, assets: dict[str, bytes],
                     here: str) -> tuple[list[Chunk], list[str]]:
    """The MADR sections the decision's trade-off writes (its charts as SVG files in
    `assets`), and its option names."""
    tables = (data.get("tradeoffs") or {}) if isinstance(data, dict) else {}
    if not tables:
        return [], []
    name = "main" if "main" in tables else sorted(tables)[0]
    if len(tables) > 1:
        report.note(rec.decision.stem, "tradeoff", f"only trade-off '{name}' is exported "
                    f"({len(tables) - 1} more in the data file)")
    try:
        tradeoff = Tradeoff.from_dict(tables[name], path=rec.data_path, where=f"tradeoffs.{name}")
        charts = chart_files(tradeoff, f"{rec.decision.stem}-tradeoff")
        text = tradeoff_markdown(tradeoff, 2, charts=charts)
        assets.update((posixpath.join(here, file), svg.encode("utf-8")) for file, (svg, _) in charts.items())
    except AdrkitError as exc:
        report.note(rec.decision.stem, "tradeoff", f"trade-off not exported: {exc}", "warning")
        return [], []
    chunks = split_chunks(text.strip("\n"), max_level=2)
    for c in chunks:
        c.gap = "\n\n"
    return chunks, [str(o.name) for o in tradeoff.options]


def _lifecycle_chunks(rec: Record, data: dict[str, Any], here: str, assets: dict[str, bytes],
                      report: ExportReport) -> list[Chunk]:
    section = (data.get("lifecycles") or {}) if isinstance(data, dict) else {}
    if not section:
        return []
    chunks = []
    stem = rec.decision.stem
    for name in sorted(section, key=lambda n: (n != "main", n)):
        try:
            lifecycle = Lifecycle.from_dict(section[name], name=name, path=rec.data_path)
        except AdrkitError as exc:
            report.note(stem, "lifecycle", f"lifecycle '{name}' not exported: {exc}", "warning")
            continue
        parts = ["```mermaid\n" + lifecycle_mermaid(lifecycle).strip("\n") + "\n```"]
        svg = _render(lifecycle.to_dot(), stem, report)
        if svg is not None:
            base = f"{stem}-lifecycle-{slugify(str(name)) or 'lifecycle'}"
            file, n = f"{base}.svg", 2
            while posixpath.join(here, file) in assets:
                file, n = f"{base}-{n}.svg", n + 1
            assets[posixpath.join(here, file)] = svg.encode("utf-8")
            alt = _squash(lifecycle.title or f"Request lifecycle {name}")
            alt = re.sub(r"([\\\[\]])", r"\\\1", alt)
            parts.append(f"![{alt}]({file})")
        chunks.append(Chunk("\n\n".join(parts)))
    return chunks


def _render(dot: str, stem: str, report: ExportReport) -> str | None:
    from adrkit.render.graphviz import render_svg

    result = render_svg(dot)
    if result.svg is None:
        report.note(stem, "lifecycle", f"no SVG: {result.note}; the Mermaid block only", "warning")
        return None
    return result.svg if result.svg.endswith("\n") else result.svg + "\n"


def _code_chunks(cell: dict[str, Any], stem: str, here: str, assets: dict[str, bytes],
                 counter: list[int], report: ExportReport) -> list[Chunk]:
    out: list[Chunk] = []
    view = view_of(cell)
    if view.show_input and cell_text(cell).strip():
        out.append(Chunk("```python\n" + cell_text(cell).strip("\n") + "\n```"))
    if not view.show_output:
        return out
    for output in cell.get("outputs") or []:
        otype = output.get("output_type")
        if otype == "stream":
            text = _joined(output.get("text"))
            if text.strip() and output.get("name") != "stderr":
                out.append(Chunk("```text\n" + text.strip("\n") + "\n```"))
            continue
        if otype not in ("display_data", "execute_result"):
            continue
        data = output.get("data") or {}
        chunk = _rich_output(data, stem, here, assets, counter)
        if chunk is not None:
            out.append(chunk)
    return out


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _rich_output(data: dict[str, Any], stem: str, here: str, assets: dict[str, bytes],
                 counter: list[int]) -> Chunk | None:
    if "text/markdown" in data:
        return Chunk(_joined(data["text/markdown"]).strip("\n"))
    if "text/html" in data:
        table = html_table_to_markdown(_joined(data["text/html"]))
        if table:
            return Chunk(table)
    for mime, ext in _IMAGE_TYPES:
        if mime in data:
            raw = _joined(data[mime])
            payload = raw.encode("utf-8") if mime == "image/svg+xml" else base64.b64decode(raw)
            counter[0] += 1
            file = f"{stem}-output-{counter[0]}.{ext}"
            assets[posixpath.join(here, file)] = payload
            return Chunk(f"![output {counter[0]}]({file})")
    if "text/plain" in data and "application/vnd.jupyter.widget-view+json" not in data:
        text = _joined(data["text/plain"])
        if text.strip():
            return Chunk("```text\n" + text.strip("\n") + "\n```")
    return None


def _attachments(text: str, cell: dict[str, Any], stem: str, here: str, assets: dict[str, bytes],
                 counter: list[int]) -> str:
    attachments = cell.get("attachments") or {}
    for name, bundle in sorted(attachments.items()):
        for mime, ext in _IMAGE_TYPES:
            if mime in (bundle or {}):
                raw = _joined(bundle[mime])
                payload = raw.encode("utf-8") if mime == "image/svg+xml" else base64.b64decode(raw)
                safe = re.sub(r"[^\w.-]+", "-", name)
                file = f"{stem}-{safe}" if safe.endswith(f".{ext}") else f"{stem}-{safe}.{ext}"
                assets[posixpath.join(here, file)] = payload
                text = text.replace(f"attachment:{name}", file)
                break
    return text


def _copy_local_images(text: str, log_dir: Path, here: str, assets: dict[str, bytes], stem: str,
                       report: ExportReport) -> None:
    """Copy the local files a cell shows (kept beside the notebooks) beside the markdown."""
    for is_image, _, href in iter_links(text):
        if _SCHEME.match(href):
            continue
        path = href.split("#", 1)[0].split("?", 1)[0]
        local = posixpath.normpath(unquote(path))
        if not local or local.startswith("../") or local.startswith("/") or local.endswith((".md", ".ipynb")):
            continue
        source = log_dir / local
        if source.is_file():
            assets.setdefault(posixpath.join(here, local), source.read_bytes())
        elif is_image:
            report.note(stem, "image", f"image '{href}' not found beside the notebook; link kept")
