"""The links of imported records: which record or file each one leads to, the files
to copy into the log with them, and the links to write so they still lead there.

A record's notebook lives in the log folder, not where its markdown file was, so a
link is pointed at what it meant:

- to another record of the import (`003-x.md`, `./ADR-0003-x.md`, `../0001-x/README.md`,
  `../other/0002-y.md`, `/adr/32`, a full URL to another host's copy of a record in the
  same folder): the target's notebook, `0003-x.ipynb`, with its `#anchor`;
- to a local file (an image, an attachment, an extra markdown part): the file is
  copied into the log at its path relative to the imported folder, and the link
  points there; a file outside the imported folder but inside the same repository
  (`../diagrams/x.png`) is copied under `_imported/`;
- anything else (another host, a missing file) is left as written and reported.

Each rewrite is kept as (written, original) so the markdown export gives the original
text back (`restore_hrefs`).
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import quote, unquote, urlsplit

from adrkit.formats.markdown import Chunk, Note, iter_links, parse_record_name
from adrkit.formats.markdown.blocks import split_lines
from adrkit.storage.paths import real_file_inside

__all__ = ["RecordIndex", "LinkPlan", "plan_links", "restore_hrefs", "IMPORTED_DIR", "repository_root"]

IMPORTED_DIR = "_imported"  # files from outside the imported folder, in the log
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".ico", ".avif"}


def repository_root(folder: Path) -> Path:
    """The repository an imported folder belongs to (the nearest folder above holding
    `.git`), else the folder's parent: files a record links outside its folder are
    copied only from inside it."""
    folder = folder.resolve()
    for up in [folder, *folder.parents]:
        if (up / ".git").exists():
            return up
    return folder.parent


class RecordIndex:
    """The records of one import, found by the many ways links name them."""

    def __init__(self, items: Iterable[Any], stem_of: Callable[[Any], str], rel_of: Callable[[Any], str],
                 number_of: Callable[[Any], int | None], text_of: Callable[[Any], str] = lambda item: "") -> None:
        self.text_of = text_of
        self._ids: dict[int, set[str]] = {}
        self.by_rel: dict[str, Any] = {}
        self.by_folder: dict[str, Any] = {}
        self.by_name: dict[str, list[Any]] = {}
        self.by_number: dict[int, list[Any]] = {}
        self.by_stem: dict[str, Any] = {}
        self.stem_of = stem_of
        for item in items:
            rel = rel_of(item)
            self.by_rel[rel] = item
            self.by_rel[_without_ext(rel)] = item
            base = rel.rsplit("/", 1)[-1]
            if base.rsplit(".", 1)[0].lower() in ("readme", "index", "_index") and "/" in rel:
                folder = rel.rsplit("/", 1)[0]
                self.by_folder[folder] = item
                base = folder.rsplit("/", 1)[-1]
            self.by_name.setdefault(_without_ext(base).lower(), []).append(item)
            number = number_of(item)
            if number is not None:
                self.by_number.setdefault(number, []).append(item)
            self.by_stem[stem_of(item)] = item

    def has_anchor(self, item: Any, fragment: str) -> bool:
        """Whether a record has a heading with this GitHub-style id."""
        from adrkit.formats.markdown.blocks import heading_ids

        key = id(item)
        if key not in self._ids:
            self._ids[key] = heading_ids(self.text_of(item))
        frag = unquote(fragment)
        return frag in self._ids[key] or frag.lower() in self._ids[key]

    def find(self, href: str, base_rel: str) -> Any | None:
        """The record `href` (written in the record at `base_rel`) leads to, or None."""
        path = _path_of(href)
        if path is None:
            return None
        if _SCHEME.match(href) or href.startswith("//"):
            return self._by_url(path)
        if path.startswith("/"):
            return self._by_site_path(path)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(base_rel), path))
        for key in (target, _without_ext(target), target.rstrip("/")):
            if key in self.by_rel:
                return self.by_rel[key]
            if key in self.by_folder:
                return self.by_folder[key]
        if target.startswith("../") or target == "..":
            return None
        return self.by_stem.get(_without_ext(target.rsplit("/", 1)[-1]))

    def _by_url(self, path: str) -> Any | None:
        """A full URL to another host's copy of a record: its file (or folder) name."""
        parts = [p for p in path.split("/") if p]
        if not parts:
            return None
        name = parts[-1]
        if name.rsplit(".", 1)[0].lower() in ("readme", "index", "_index") and len(parts) > 1:
            name = parts[-2]
        if not name.lower().endswith((".md", ".markdown", ".mdx")) and name.lower() not in self.by_name:
            return None
        hits = self.by_name.get(_without_ext(name).lower(), [])
        return hits[0] if len(hits) == 1 else None

    def _by_site_path(self, path: str) -> Any | None:
        """A site-absolute link ('/adr/32', '/decisions/0005-x'): by name, then number."""
        name = path.rstrip("/").rsplit("/", 1)[-1]
        hits = self.by_name.get(_without_ext(name).lower(), [])
        if len(hits) == 1:
            return hits[0]
        m = re.fullmatch(r"(?:adr|rfc)?[-_]?0*(\d{1,6})(?:[-_].*)?", _without_ext(name), re.I)
        if m:
            hits = self.by_number.get(int(m.group(1)), [])
            return hits[0] if len(hits) == 1 else None
        return None

    def find_ref(self, ref: str, base_rel: str) -> Any | None:
        """A typed link's target: a path, a URL, a stem, or 'ADR-0005' / '5'."""
        found = self.find(ref, base_rel)
        if found is not None:
            return found
        bare = ref.strip().rsplit("/", 1)[-1]
        bare = _without_ext(bare)
        if bare in self.by_stem:
            return self.by_stem[bare]
        hits = self.by_name.get(bare.lower(), [])
        if len(hits) == 1:
            return hits[0]
        parsed = parse_record_name(bare)
        m = re.fullmatch(r"(?:adr|rfc)?[-_ #]*0*(\d{1,6})", bare, re.I)
        number = int(m.group(1)) if m else parsed.number
        if number is not None and (m or not parsed.slug):
            hits = self.by_number.get(number, [])
            return hits[0] if len(hits) == 1 else None
        return None


def _without_ext(path: str) -> str:
    lower = path.lower()
    for ext in (".md", ".markdown", ".mdx", ".ipynb", ".html"):
        if lower.endswith(ext):
            return path[:-len(ext)]
    return path


def _path_of(href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    if _SCHEME.match(href) and not href.lower().startswith(("http:", "https:")):
        return None
    parts = urlsplit(href)
    path = unquote(parts.path)
    return path or None


@dataclass
class LinkPlan:
    """What one record's links need: rewrites per chunk (line, start, end, new href),
    the (written, original) pairs per chunk, files to copy (source -> path in the
    log), and notes."""

    rewrites: dict[int, list[tuple[int, int, int, str, str]]] = field(default_factory=dict)
    assets: dict[Path, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


def plan_links(rel: str, chunks: list[Chunk], root: Path, repo: Path, index: RecordIndex,
               log_dir: Path, self_item: Any) -> LinkPlan:
    """Where every link of one record leads (see the module docstring)."""
    plan = LinkPlan()
    seen: set[str] = set()
    for ci, chunk in enumerate(chunks):
        for link in iter_links(chunk.text):
            new = _new_href(link, rel, root, repo, index, log_dir, self_item, plan, seen)
            if new is not None and new != link.href:
                plan.rewrites.setdefault(ci, []).append((link.line, link.start, link.end, new, link.href))
    return plan


def _new_href(link: Any, rel: str, root: Path, repo: Path, index: RecordIndex, log_dir: Path,
              self_item: Any, plan: LinkPlan, seen: set[str]) -> str | None:
    href = link.href
    kind = "image" if link.is_image else "link"
    first = href not in seen
    seen.add(href)
    if href.startswith("#") and len(href) > 1:
        if first and not index.has_anchor(self_item, href[1:]):
            plan.notes.append(Note("dangling-anchor", f"link '{href}' leads to no heading of this record; kept "
                                   "as written", "warning"))
        return None
    path = _path_of(href)
    if path is None:
        return None
    parts = urlsplit(href)
    remote = bool(_SCHEME.match(href)) or href.startswith("//")
    target = index.find(href, rel) if not link.is_image else None
    if target is not None:
        frag = f"#{parts.fragment}" if parts.fragment else ""
        if parts.fragment and first and not index.has_anchor(target, parts.fragment):
            plan.notes.append(Note("dangling-anchor", f"link '{href}' leads to {index.stem_of(target)}, which has "
                                   f"no heading '#{parts.fragment}'; kept as written", "warning"))
        return quote(index.stem_of(target), safe="") + ".ipynb" + frag
    if remote:
        return None
    if path.startswith("/"):
        if first:
            plan.notes.append(Note(f"outside-{kind}", f"{kind} '{href}' is a path on a web site, not a file "
                                   "of the imported folder; kept as written", "warning"))
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
    source = (root / joined) if not joined.startswith("..") else Path(posixpath.normpath(
        (root.resolve() / joined).as_posix()))
    inside = not (joined == ".." or joined.startswith("../"))
    if source.is_dir():
        return None
    if not inside and source.suffix.lower() not in _IMAGE_EXT:
        if first:
            plan.notes.append(Note(f"outside-{kind}", f"{kind} '{href}' leads outside the imported folder; "
                                   "kept as written", "warning" if link.is_image else "note"))
        return None
    container = root if inside else repo
    real = real_file_inside(source, container) if source.exists() else None
    if real is None:
        if first:
            if source.exists() or source.is_symlink():
                plan.notes.append(Note(f"outside-{kind}", f"{kind} '{href}' leads outside the "
                                       f"{'imported folder' if inside else 'repository'}; kept as written, "
                                       "not copied", "warning"))
            else:
                plan.notes.append(Note(f"dangling-{kind}", f"{kind} '{href}' leads to a missing file; "
                                       "kept as written", "warning"))
        return None
    if inside:
        dest = joined
    else:
        dest = posixpath.join(IMPORTED_DIR, Path(real).relative_to(repo.resolve()).as_posix())
    if _looks_like_record_file(dest):
        dest = posixpath.join(IMPORTED_DIR, dest)
    plan.assets[Path(real)] = dest
    if first and not inside:
        plan.notes.append(Note("copied", f"{kind} '{href}' lies outside the imported folder; copied into "
                               f"the log as {dest}"))
    if first and not link.is_image and source.suffix.lower() not in _IMAGE_EXT:
        plan.notes.append(Note("attachment", f"file '{href}' copied beside the notebook"))
    if posixpath.normpath(path) == dest and not path.startswith("./"):
        return None
    query = f"?{parts.query}" if parts.query else ""
    frag = f"#{parts.fragment}" if parts.fragment else ""
    return quote(dest, safe="/-._~!$&'()*+,;=:@") + query + frag


def _looks_like_record_file(dest: str) -> bool:
    """A copied file must never look like a notebook or data file of the log."""
    if "/" in dest:
        return False
    return bool(re.match(r"^\d{1,6}-.+\.(ipynb|yaml)$", dest))


def apply_rewrites(text: str, rewrites: list[tuple[int, int, int, str, str]]) -> str:
    """`text` with each (line, start, end) span replaced by its new href."""
    lines = split_lines(text)
    for line, start, end, new, _ in sorted(rewrites, key=lambda r: (r[0], r[1]), reverse=True):
        lines[line] = lines[line][:start] + new + lines[line][end:]
    return "".join(lines)


def restore_hrefs(text: str, pairs: list[list[str]]) -> str:
    """Undo the import's rewrites: each link destination equal to a pair's written href
    becomes its original again, pairs taken in order."""
    if not pairs:
        return text
    pending = [(str(p[0]), str(p[1])) for p in pairs if isinstance(p, (list, tuple)) and len(p) == 2]
    spans = []
    for link in iter_links(text):
        for n, (written, original) in enumerate(pending):
            if link.href == written:
                spans.append((link.line, link.start, link.end, original, written))
                del pending[n]
                break
    return apply_rewrites(text, spans)
