"""The body of one exported markdown file: a decision notebook's cells as chunks of
markdown, and the files they show.

- markdown cells as written: an imported record written back in its own format gets
  its original links again (`import_links.restore_hrefs`); otherwise links to other
  decisions are pointed at their exported files. Local images are copied beside the
  markdown, each read only when its real location is inside the log
  (`storage.paths.real_file_inside`);
- cell attachments and image outputs extracted by nbconvert's
  `ExtractAttachmentsPreprocessor` and `ExtractOutputPreprocessor`, configured to put
  them in `<stem>_files/`; DataFrame tables as markdown tables, text as text;
- trade-off tables and request lifecycles from the decision's data file: MADR
  sections with a score table, a Mermaid block and an SVG file.
"""
from __future__ import annotations

import copy
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

from adrkit.core.decision import slugify
from adrkit.core.errors import AdrkitError
from adrkit.core.requestflow import Lifecycle
from adrkit.core.tradeoff import Tradeoff
from adrkit.formats.celltags import tags_of, view_of
from adrkit.formats.markdown import (SOURCE_KEY, Chunk, html_table_to_markdown, iter_links, section_key,
                                     split_sections)
from adrkit.formats.markdown.blocks import split_lines
from adrkit.formats.notebook import cell_text, load_template
from adrkit.render.requestflow import lifecycle_mermaid
from adrkit.render.charts import chart_files
from adrkit.render.tradeoff import tradeoff_markdown
from adrkit.services.import_links import restore_hrefs
from adrkit.storage.log import DecisionLog, Record
from adrkit.storage.paths import real_file_inside

__all__ = ["Body", "BodyContext", "body_of", "SCHEME"]

SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")
_IMAGE_TYPES = {"image/svg+xml", "image/png", "image/jpeg", "image/gif"}


@dataclass
class BodyContext:
    """What every record's body needs from the export as a whole."""

    log: DecisionLog
    sources: dict[str, str]  # every path a link may use for a record -> its exported path
    note: Callable[..., None]  # note(stem, kind, message, level)
    previous: Callable[[str], bytes | None]  # an exported file as it is now (None when absent)
    templates: dict[str, Any] = field(default_factory=dict)


@dataclass
class Body:
    chunks: list[Chunk]
    assets: dict[str, bytes]
    failed: bool = False  # a diagram could not be drawn


def body_of(rec: Record, data: dict[str, Any], md_rel: str, own_format: bool, ctx: BodyContext) -> Body:
    """The chunks and files of one record's export (see the module docstring)."""
    stem = rec.decision.stem
    src = rec.decision.extra.get(SOURCE_KEY)
    imported = isinstance(src, dict) and bool(src.get("file"))
    here = posixpath.dirname(md_rel)
    out = Body([], {})
    nb, extracted = _extract(rec, here)
    for rel, payload in extracted.items():
        out.assets[posixpath.join(here, rel)] = payload
    pending, option_names = _tradeoff_chunks(rec, data, ctx, out.assets, here)  # MADR sections, chart files
    replaced = {c.key for c in pending if c.key}
    placeholders = _template_texts(rec, ctx) if replaced else {}
    present = {_cell_key(c) for c in nb.get("cells", [])[1:] if c.get("cell_type") == "markdown"}
    emitted: dict[str, int] = {}
    merged: set[str] = set()
    lifecycle_done = False
    images = [0]  # image outputs so far, for their alt text

    def take(keys: set[str | None]) -> list[Chunk]:
        last = max((i for i, c in enumerate(pending) if c.key in keys), default=-1)
        taken = pending[:last + 1]
        del pending[:last + 1]
        return taken

    def emit(new: list[Chunk]) -> None:
        for c in new:
            if c.key:
                emitted.setdefault(c.key, len(out.chunks))
            out.chunks.append(c)

    restore = own_format and imported and md_rel == str(src.get("file"))

    def local_text(text: str, cell: dict[str, Any]) -> str:
        meta = _meta(cell)
        base = ""
        if restore:
            base = here
            if meta.get("hrefs"):
                text = restore_hrefs(text, meta["hrefs"])
        if not _may_link(text):
            return text
        links = list(iter_links(text))
        _copy_local_files(links, ctx.log.dir, base, here, out.assets, stem, ctx)
        return _rewrite_links(text, links, _link_base(rec, src), md_rel, ctx.sources, restored=restore)

    for cell in nb.get("cells", [])[1:]:
        kind = cell.get("cell_type")
        if not view_of(cell).published:
            continue
        if kind == "markdown":
            key = _cell_key(cell)
            meta = _meta(cell)
            if key == "status" and not imported:
                continue  # a native record's status lives in its front matter
            text = cell_text(cell)
            if key in replaced and not meta.get("role"):
                emit(take({key}))
            if key in emitted and not meta.get("role"):
                prose = _prose_of(text)
                if _squash(prose) in placeholders.get(key, ()):
                    prose = ""
                if prose:
                    prose = local_text(prose, cell)
                    at = emitted[key]
                    out.chunks[at] = _merge_section(out.chunks[at], prose, option_names, in_place=key not in merged)
                    merged.add(key)
                continue
            if not text.strip() and not meta.get("role"):
                continue
            out.chunks.append(_chunk(local_text(text, cell), meta, restore))
        elif kind == "code":
            tags = tags_of(cell)
            if "adrkit-tradeoff" in tags and replaced:
                emit(take({c.key for c in pending if c.key not in present}))
                continue
            if "adrkit-lifecycle" in tags:
                if lifecycle_done:
                    continue
                found = _lifecycle_chunks(rec, data, here, out, ctx)
                if found:
                    out.chunks.extend(found)
                    lifecycle_done = True
                    continue
            out.chunks.extend(_code_chunks(cell, images))
    if pending:
        _insert_before_more_information(out.chunks, pending)
    if not lifecycle_done:
        found = _lifecycle_chunks(rec, data, here, out, ctx)
        if found:
            heading = Chunk("## Request lifecycle", "\n\n", "Request lifecycle", 2)
            _insert_before_more_information(out.chunks, [heading] + found)
    if restore:
        _copy_parts(rec, src, here, out.assets, ctx)
    return out


def _meta(cell: dict[str, Any]) -> dict[str, Any]:
    meta = (cell.get("metadata") or {}).get("adrkit")
    return meta if isinstance(meta, dict) else {}


def _chunk(text: str, meta: dict[str, Any], keep_gaps: bool) -> Chunk:
    """A cell as a chunk, with what the import said it carries."""
    fields = meta.get("fields") if isinstance(meta.get("fields"), dict) else {}
    links = meta.get("links") if isinstance(meta.get("links"), list) else []
    drop = [int(n) for n in meta.get("drop") or [] if isinstance(n, int)]
    gap = str(meta.get("gap", "\n\n"))
    if not keep_gaps:
        text = text.rstrip(" \t\n")
    if keep_gaps and meta.get("hrefs"):
        fields = {k: [v[0], _restore_plain(str(v[1]), meta["hrefs"])]
                  for k, v in fields.items() if isinstance(v, list) and len(v) == 2}
    role = meta.get("role") if isinstance(meta.get("role"), str) else None
    heading = None
    first = text.split("\n", 1)[0]
    m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", first)
    level = len(first) - len(first.lstrip("#")) if m else 0
    if m:
        heading = m.group(1)
    return Chunk(text, gap, heading, level, role, dict(fields), [list(x) for x in links], drop)


def _restore_plain(value: str, pairs: list[Any]) -> str:
    for pair in pairs:
        if isinstance(pair, list) and len(pair) == 2 and str(pair[0]) in value:
            value = value.replace(str(pair[0]), str(pair[1]), 1)
    return value


def _link_base(rec: Record, src: Any) -> str:
    return str(src["file"]) if isinstance(src, dict) and src.get("file") else f"{rec.decision.stem}.ipynb"


def _may_link(text: str) -> bool:
    """Whether a text can hold a link at all (most cells do not; parsing them is the
    export's main cost)."""
    return "](" in text or "]:" in text or "<" in text


def _rewrite_links(text: str, links: list[Any], base_rel: str, md_rel: str, sources: dict[str, str], *,
                   restored: bool = False) -> str:
    """Point links at other records' exported files (names change across formats).
    A link written in the notebook is relative to the log folder; a restored original
    (`restored`), like any link of a record imported by an earlier version, is relative
    to the record's own file."""
    here = posixpath.dirname(md_rel) or "."
    base = posixpath.dirname(base_rel)
    spans = []
    for link in links:
        href = link.href
        if SCHEME.match(href):
            continue
        path, sep, frag = href.partition("#")
        path = unquote(path.split("?", 1)[0])
        if not path:
            continue
        target = None
        candidates = [posixpath.normpath(posixpath.join(base, path))]
        if not restored:
            candidates.insert(0, posixpath.normpath(path))
        for candidate in candidates:
            if candidate in sources:
                target = candidate
                break
        if target is None:
            continue
        new_path = posixpath.relpath(sources[target], here)
        if posixpath.normpath(posixpath.join(here, path)) != posixpath.normpath(posixpath.join(here, new_path)):
            spans.append((link.line, link.start, link.end, new_path + sep + frag))
    if not spans:
        return text
    lines = split_lines(text)
    for line, start, end, new in sorted(spans, reverse=True):
        lines[line] = lines[line][:start] + new + lines[line][end:]
    return "".join(lines)


def _copy_local_files(links: list[Any], log_dir: Path, base: str, here: str, assets: dict[str, bytes], stem: str,
                      ctx: BodyContext) -> None:
    """Copy the local files a text's links show beside the markdown: `base` is where
    they start from inside the log. Only files whose real location is inside the log."""
    for link in links:
        href = link.href
        if SCHEME.match(href):
            continue
        path = href.split("#", 1)[0].split("?", 1)[0]
        local = posixpath.normpath(posixpath.join(base, unquote(path))) if path else ""
        if not local or local.startswith("../") or local == ".." or local.startswith("/") \
                or local.endswith(".ipynb"):
            continue
        source = log_dir / local
        real = real_file_inside(source, log_dir)
        if real is not None:
            dest = posixpath.normpath(posixpath.join(here, posixpath.relpath(local, base or ".")))
            if not dest.startswith("../"):
                assets.setdefault(dest, real.read_bytes())
        elif source.is_file() or source.is_symlink():
            ctx.note(stem, "outside", f"'{href}' is a link to a file outside the log; not copied", "warning")
        elif link.is_image:
            ctx.note(stem, "image", f"image '{href}' not found in the log; link kept")


def _copy_parts(rec: Record, src: dict[str, Any], here: str, assets: dict[str, bytes], ctx: BodyContext) -> None:
    """The other files of a folder-per-record, back beside it."""
    folder = posixpath.dirname(str(src.get("file", "")))
    for part in src.get("files") or []:
        rel = posixpath.normpath(posixpath.join(folder, str(part)))
        if rel.startswith("../") or rel.startswith("/"):
            continue
        real = real_file_inside(ctx.log.dir / rel, ctx.log.dir)
        if real is None:
            ctx.note(rec.decision.stem, "part", f"'{part}' of the record's folder is not in the log; not exported",
                     "warning")
            continue
        assets.setdefault(posixpath.normpath(posixpath.join(here, str(part))), real.read_bytes())


# --- nbconvert: outputs and attachments -----------------------------------------------------

def _extract(rec: Record, here: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The notebook with its attachments and image outputs extracted by nbconvert into
    `<stem>_files/`, and those files (paths relative to the markdown's folder)."""
    nb = rec.notebook
    cells = nb.get("cells", [])
    if not any(c.get("attachments") or (c.get("cell_type") == "code" and c.get("outputs")) for c in cells):
        return nb, {}
    import nbformat
    from nbconvert.preprocessors import ExtractAttachmentsPreprocessor, ExtractOutputPreprocessor

    plain = copy.deepcopy(nb)
    for cell in plain.get("cells", []):
        cell["source"] = cell_text(cell)
        for output in cell.get("outputs") or []:
            for mime, value in list((output.get("data") or {}).items()):
                if isinstance(value, list):
                    output["data"][mime] = "".join(value)
            if isinstance(output.get("text"), list):
                output["text"] = "".join(output["text"])
        for bundle in (cell.get("attachments") or {}).values():
            for mime, value in list(bundle.items()):
                if isinstance(value, list):
                    bundle[mime] = "".join(value)
    node = nbformat.from_dict(plain)
    stem = rec.decision.stem
    resources: dict[str, Any] = {"unique_key": stem, "output_files_dir": f"{stem}_files", "outputs": {}}
    outputs = ExtractOutputPreprocessor(output_filename_template="output-{cell_index}-{index}{extension}",
                                        extract_output_types=_IMAGE_TYPES)
    attachments = ExtractAttachmentsPreprocessor(use_separate_dir=False)
    node, resources = outputs.preprocess(node, resources)
    node, resources = attachments.preprocess(node, resources)
    files = {str(name).replace("\\", "/"): data for name, data in resources["outputs"].items()}
    return node, files


def _code_chunks(cell: dict[str, Any], images: list[int]) -> list[Chunk]:
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
        chunk = _rich_output(output, images)
        if chunk is not None:
            out.append(chunk)
    return out


def _destination(path: str) -> str:
    """A path as a link destination: in angle brackets when it holds spaces or brackets."""
    return f"<{path}>" if re.search(r"[\s()<>]", path) else path


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _rich_output(output: dict[str, Any], images: list[int]) -> Chunk | None:
    data = output.get("data") or {}
    if "text/markdown" in data:
        return Chunk(_joined(data["text/markdown"]).strip("\n"))
    if "text/html" in data:
        table = html_table_to_markdown(_joined(data["text/html"]))
        if table:
            return Chunk(table)
    files = (output.get("metadata") or {}).get("filenames") or {}
    for mime in ("image/svg+xml", "image/png", "image/jpeg", "image/gif"):
        if mime in files:
            images[0] += 1
            return Chunk(f"![output {images[0]}]({_destination(str(files[mime]))})")
    if "text/plain" in data and "application/vnd.jupyter.widget-view+json" not in data:
        text = _joined(data["text/plain"])
        if text.strip():
            return Chunk("```text\n" + text.strip("\n") + "\n```")
    return None


# --- trade-offs and lifecycles -------------------------------------------------------------

def _cell_key(cell: dict[str, Any]) -> str | None:
    return _meta(cell).get("section") or section_key(_first_heading(cell_text(cell)))


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


def _template_texts(rec: Record, ctx: BodyContext) -> dict[str, set[str]]:
    """section key -> the prose (whitespace squashed) of the record's template for it:
    text left as the template wrote it says nothing the trade-off does not."""
    name = rec.decision.template or rec.decision.extra.get("adrkit-template")
    if not name:
        return {}
    cache = ctx.templates
    if name not in cache:
        try:
            cache[name] = load_template(str(name), ctx.log.dir)
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


def _tradeoff_chunks(rec: Record, data: dict[str, Any], ctx: BodyContext, assets: dict[str, bytes],
                     here: str) -> tuple[list[Chunk], list[str]]:
    """The MADR sections the decision's trade-off writes (its charts as SVG files in
    `assets`), and its option names."""
    tables = (data.get("tradeoffs") or {}) if isinstance(data, dict) else {}
    if not tables:
        return [], []
    name = "main" if "main" in tables else sorted(tables)[0]
    if len(tables) > 1:
        ctx.note(rec.decision.stem, "tradeoff", f"only trade-off '{name}' is exported "
                 f"({len(tables) - 1} more in the data file)")
    try:
        tradeoff = Tradeoff.from_dict(tables[name], path=rec.data_path, where=f"tradeoffs.{name}")
        charts = chart_files(tradeoff, f"{rec.decision.stem}-tradeoff")
        text = tradeoff_markdown(tradeoff, 2, charts=charts)
        assets.update((posixpath.join(here, file), svg.encode("utf-8")) for file, (svg, _) in charts.items())
    except AdrkitError as exc:
        ctx.note(rec.decision.stem, "tradeoff", f"trade-off not exported: {exc}", "warning")
        return [], []
    chunks = split_sections(text.strip("\n"), max_level=2)
    for c in chunks:
        c.gap = "\n\n"
    return chunks, [str(o.name) for o in tradeoff.options]


def _lifecycle_chunks(rec: Record, data: dict[str, Any], here: str, out: Body, ctx: BodyContext) -> list[Chunk]:
    section = (data.get("lifecycles") or {}) if isinstance(data, dict) else {}
    if not section:
        return []
    chunks = []
    stem = rec.decision.stem
    for name in sorted(section, key=lambda n: (n != "main", n)):
        try:
            lifecycle = Lifecycle.from_dict(section[name], name=name, path=rec.data_path)
        except AdrkitError as exc:
            ctx.note(stem, "lifecycle", f"lifecycle '{name}' not exported: {exc}", "warning")
            continue
        parts = ["```mermaid\n" + lifecycle_mermaid(lifecycle).strip("\n") + "\n```"]
        base = f"{stem}-lifecycle-{slugify(str(name)) or 'lifecycle'}"
        file, n = f"{base}.svg", 2
        while posixpath.join(here, file) in out.assets:
            file, n = f"{base}-{n}.svg", n + 1
        rel = posixpath.join(here, file)
        svg = _render(lifecycle.to_dot(), stem, ctx)
        if svg is None:
            out.failed = True
            previous = ctx.previous(rel)
            if previous is None:
                chunks.append(Chunk("\n\n".join(parts)))
                continue
            ctx.note(stem, "lifecycle", f"{rel} is kept as exported before", "warning")
            svg_bytes = previous
        else:
            svg_bytes = svg.encode("utf-8")
        out.assets[rel] = svg_bytes
        alt = _squash(lifecycle.title or f"Request lifecycle {name}")
        alt = re.sub(r"([\\\[\]])", r"\\\1", alt)
        parts.append(f"![{alt}]({file})")
        chunks.append(Chunk("\n\n".join(parts)))
    return chunks


def _render(dot: str, stem: str, ctx: BodyContext) -> str | None:
    from adrkit.render.graphviz import render_svg

    result = render_svg(dot)
    if result.svg is None:
        ctx.note(stem, "lifecycle", f"no SVG: {result.note}", "error")
        return None
    return result.svg if result.svg.endswith("\n") else result.svg + "\n"
