"""A rebuild after an edit to the words of a few records: write what shows them, and
take everything else as it is.

When the records that changed keep their front matter and everything their conversion
finds besides their words (the decisions their text links to, their files, sections and
problems: the page's "face", `model.face_of`), nothing the rest of the site shows of them
changed: not the index, the timeline, the graph, the links and backlinks on other pages.
Only their own pages, the parts of the search index that hold their text, decisions.json
and the feed (which quote their opening words) can come out different. This path renders
those, from what the last build kept of each page (`emit.SiteState`, and the page
cache's views) and without reading the front matter of the records that did not change,
and replaces them in the site folder, each file in one step, once the folder is checked
to hold exactly the files the last build left there. The work is that of the changed
pages, not of the whole site: no staging folder of ten thousand links.

It is taken only when it gives the same site as a full build (a test builds both and
compares them byte for byte): the same records and guides in the same places, the same
settings and other inputs, every changed page published before and after, its front
matter unchanged, and at most `LIMIT` of them. `plan` says whether it applies before any
conversion; `write` checks the converted faces and gives up (None) if one changed, for
the full build to carry on with the conversions already in the cache.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from adrkit.publish.cache import PageCache
from adrkit.publish.guides import GUIDES_DIR
from adrkit.publish.model import DECISION, Page, Source, front_of

__all__ = ["QuickPlan", "plan", "write", "LIMIT", "site_state", "source_ident"]

LIMIT = 32
FEED_ENTRIES = 100


def source_ident(src: Source) -> str:
    """A source's page ident (`Page.ident`), known before its front matter is read."""
    return f"{src.log}:{src.name}" if src.kind == DECISION else f"{src.site_dir}/{src.name}"


def site_state(sources: list[Source], inputs: str, state: Any, logs: list[dict[str, Any]],
               settings: dict[str, Any]) -> dict[str, Any]:
    """What the quick path of the next build needs of this one (with the site itself:
    decisions.json and the search index are read back from it)."""
    return {"inputs": inputs, "keys": [[source_ident(s), s.key] for s in sources], "pages": state.pages,
            "logs": logs, "settings": settings, "multi": bool(settings.get("multi"))}


@dataclass
class QuickPlan:
    changed: list[Source]
    old: dict[str, Any]
    keys: list[list[str]]
    positions: dict[str, int] = field(default_factory=dict)  # ident -> place in old["pages"]


def plan(sources: list[Source], inputs: str, old: dict[str, Any] | None, drafts: bool) -> QuickPlan | None:
    """The changed sources when only their words may have changed (see above); else None.
    `sources`: every record and guide found, in order; `inputs`: the other inputs."""
    if not old or old.get("inputs") != inputs:
        return None
    keys = [[source_ident(s), s.key] for s in sources]
    then = old.get("keys") or []
    if len(keys) != len(then):
        return None
    positions = {row[0]: i for i, row in enumerate(old.get("pages") or [])}
    changed = []
    for src, (ident, key), before in zip(sources, keys, then):
        if before[0] != ident:
            return None
        if before[1] != key:
            if ident not in positions:
                return None  # a draft, or a record that could not be read: the site's shape may change
            changed.append(src)
    if not changed or len(changed) > LIMIT:
        return None
    for src in changed:
        if src.kind == DECISION:
            src.decision = src.record.decision
            if src.decision is None or (src.decision.status == "draft" and not drafts):
                return None
        face = old["pages"][positions[source_ident(src)]][2]
        if face.split(":", 1)[0] != front_of(src):
            return None
    return QuickPlan(changed, old, keys, positions)


def write(quick: QuickPlan, converted: Callable[[], list[Page]], *, out: Path, cache: PageCache, renderer: Any,
          last: dict[str, Any], sources: list[Source], guide_sources: list[Source],
          title: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Write the changed pages and what quotes them into the site (`converted()` gives
    the pages; they are converted meanwhile). Returns the site's files (the manifest)
    and the state for the next build; None when one of them shows more than new words,
    or the site folder is not exactly what the last build left."""
    manifest = last.get("manifest") or {}
    out_key = str(out.absolute())
    idents = [source_ident(s) for s in quick.changed]
    views = cache.views(out_key, idents)
    if len(views) != len(idents) or not _as_left(out, manifest):
        return None
    pages = converted()
    try:
        return _write(quick, pages, out, cache, renderer, manifest, views, sources, guide_sources, title)
    except _Unusable:
        return None


def _write(quick: QuickPlan, pages: list[Page], out: Path, cache: PageCache, renderer: Any,
           manifest: dict[str, Any], views: dict[str, Any], sources: list[Source], guide_sources: list[Source],
           title: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    from adrkit.publish.catalog import decisions_document, document_lines, entry_line
    from adrkit.publish.emit import decisions_key, entry_of, render_key, settings_key
    from adrkit.publish.feeds import atom_feed
    from adrkit.publish.search import part_script

    old = quick.old
    rows = [list(row) for row in old["pages"]]
    for page in pages:
        row = rows[quick.positions[page.ident]]
        if page.error or page.face != row[2]:
            return None
        if (views.get(page.ident) or {}).get("check"):
            return None  # its check may be stale now: the full build judges it again
        row[1] = page.key
    if len(pages) != len(quick.changed):
        return None
    settings = settings_key(renderer)
    files: dict[str, tuple[str, str]] = {}  # what to write: file -> (text, render key)
    for page in pages:
        context = {**views[page.ident], "key": page.key}
        body, _ = cache.body(page.key)
        files[page.file] = (renderer.render(context, body, page if page.kind == DECISION else None),
                            render_key(settings, page.file, context))
    root = Path(os.path.realpath(out))
    for part in _search_parts(root, rows, pages, old.get("multi", False)):
        files[part.file] = (part_script(part, cache.texts), part.render_key)
    decisions = [row for row in rows if not row[0].startswith(f"{GUIDES_DIR}/")]
    lines = document_lines((root / "decisions.json").read_text(encoding="utf-8"))
    if len(lines) != len(decisions):
        return None
    for page in pages:
        if page.kind == DECISION:
            lines[quick.positions[page.ident]] = entry_line(entry_of(page, views[page.ident]["relations"]))
    files["decisions.json"] = ("".join(decisions_document(lines, title=title, logs=old["logs"], count=len(lines))),
                               decisions_key(settings, title, old["logs"], [(row[0], row[1]) for row in decisions]))
    files["feed.xml"] = (atom_feed(_newest(decisions, sources, cache, pages), title), "")
    if any(p.kind != DECISION for p in pages):  # the guides index quotes each guide's opening words
        context = renderer.guides(_guides(guide_sources, cache, pages))
        files[f"{GUIDES_DIR}/index.html"] = (renderer.render(context),
                                             render_key(settings, f"{GUIDES_DIR}/index.html", context))
    manifest = _replace(out, manifest, files)
    return manifest, {**old, "keys": quick.keys, "pages": rows}


def _search_parts(root: Path, rows: list[list[Any]], pages: list[Page], multi: bool) -> list[Any]:
    """The parts of the search index that hold the changed pages, read back from the
    site and given their new texts (by key)."""
    from adrkit.publish.search import PART, SearchDoc, SearchPart, read_part, search_parts

    keys = {(row[0] if multi or row[0].startswith(f"{GUIDES_DIR}/") else row[0].split(":", 1)[1]): row[1]
            for row in rows}
    order = [r[0] for r in rows if not r[0].startswith(f"{GUIDES_DIR}/")] + \
            [r[0] for r in rows if r[0].startswith(f"{GUIDES_DIR}/")]
    index = {ident: i for i, ident in enumerate(order)}
    files = {search_parts([SearchDoc((), "")] * (index[p.ident] + 1), PART)[-1].file for p in pages}
    parts = []
    for file in sorted(files):
        docs = read_part((root / file).read_text(encoding="utf-8"))
        if docs is None:
            raise _Unusable(file)
        found = []
        for doc in docs:
            key = keys.get(doc.get("s", "")) if doc.get("type") != "remote" else ""
            fields = tuple((k, v) for k, v in doc.items() if k != "x")
            found.append(SearchDoc(fields, key or "", "" if key else str(doc.get("x", ""))))
        parts.append(SearchPart(file, tuple(found)))
    return parts


class _Unusable(Exception):
    """A file of the site is not as the last build wrote it."""


def _as_left(out: Path, manifest: dict[str, Any]) -> bool:
    """The site folder holds the files the last build wrote, untouched, and no other."""
    seen = 0
    todo = [(os.path.realpath(out), "")]
    while todo:
        folder, prefix = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return False
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                todo.append((entry.path, rel + "/"))
                continue
            before = manifest.get(rel)
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                return False
            if before is None or st.st_size != before[1] or st.st_mtime_ns != before[2]:
                return False
            seen += 1
    return seen == len(manifest)


def _replace(out: Path, manifest: dict[str, Any], files: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Write `files` into the site, each replaced in one step (pages first, then what
    lists them); returns the manifest with their new entries."""
    import hashlib

    from adrkit.storage.atomic import write_atomic

    manifest = dict(manifest)
    root = Path(os.path.realpath(out))
    for rel, (text, key) in files.items():
        data = text.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()[:32]
        before = manifest.get(rel)
        if before and before[0] == digest:
            manifest[rel] = [*before[:3], key]
            continue
        write_atomic(root / rel, data)
        st = os.stat(root / rel)
        manifest[rel] = [digest, st.st_size, st.st_mtime_ns, key]
    return manifest


def _newest(decisions: list[list[Any]], sources: list[Source], cache: PageCache, changed: list[Page]) -> list[Page]:
    """The pages the feed shows (the newest `FEED_ENTRIES`), with their front matter read."""
    top = sorted(decisions, key=lambda row: (row[4] or "", row[5]), reverse=True)[:FEED_ENTRIES]
    by_ident = {p.ident: p for p in changed}
    wanted = {row[0] for row in top} - set(by_ident)
    chosen = {}
    for src in sources:
        ident = f"{src.log}:{src.name}"
        if src.kind == DECISION and ident in wanted:
            src.decision = src.record.decision
            chosen[ident] = src
    metas = cache.metas(s.key for s in chosen.values())
    pages = []
    for row in top:
        if row[0] in by_ident:
            pages.append(by_ident[row[0]])
        else:
            src = chosen[row[0]]
            pages.append(Page.from_meta(src, src.key, metas.get(src.key) or {}))
    return pages


def _guides(sources: list[Source], cache: PageCache, changed: list[Page]) -> list[Page]:
    """Every guide's page, in order (the guides index lists them all)."""
    by_key = {p.key: p for p in changed}
    metas = cache.metas(s.key for s in sources if s.key not in by_key)
    return [by_key.get(s.key) or Page.from_meta(s, s.key, metas.get(s.key) or {}) for s in sources
            if s.key in by_key or s.key in metas]
