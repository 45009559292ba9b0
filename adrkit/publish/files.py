"""What the site publishes beside its pages, and what it refuses.

A record may link to a local file (`[report](img/report.csv)`, `![x](img/flow.svg)`);
the site copies it to `files/...`, where a reader can open it directly, on the site's
origin. So a file is copied only when it is inert when opened:

- its real location (every symbolic link followed) is inside the decision folder (or
  the guide's folder): `adrkit.storage.paths.real_file_inside`, the one containment
  check, which the build also applies to notebooks, data files and the logo;
- no part of its path is hidden (`.git/config`, `.env`);
- its type is one the site publishes (`PUBLISHED`, by file name extension): images,
  SVG (rebuilt by `svgfile.clean_svg_file`, never copied byte for byte), plain text and
  data, audio and video, archives and office documents. HTML, XHTML, XML, scripts,
  style sheets, PDF and files of unknown type can run code or load other files when
  opened, or be taken for HTML by a browser that guesses; they are not published: a
  warning says so and the page shows the link as text;
- a text or document file whose first bytes look like markup (`<html`, `<?xml`) is
  refused too, since it is HTML under another name.

`content_type` gives the one safe media type of every file of a site, which `serve`
sends with `X-Content-Type-Options: nosniff`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from adrkit.core.decision import parse_filename
from adrkit.publish.report import Problem
from adrkit.storage.paths import real_file_inside

__all__ = ["PUBLISHED", "FileType", "file_type", "refusal", "content_type", "linked_file_problems",
           "copy_linked_files", "logo_source", "write_logo", "unpublishable_records", "LOGO_TYPES"]


@dataclass(frozen=True)
class FileType:
    mime: str
    kind: str  # "image", "svg", "text" or "binary"


def _types(kind: str, mime: str, *extensions: str) -> dict[str, FileType]:
    return {ext: FileType(mime, kind) for ext in extensions}


_TEXT = "text/plain; charset=utf-8"
PUBLISHED: dict[str, FileType] = {
    ".png": FileType("image/png", "image"), ".jpg": FileType("image/jpeg", "image"),
    ".jpeg": FileType("image/jpeg", "image"), ".gif": FileType("image/gif", "image"),
    ".webp": FileType("image/webp", "image"), ".avif": FileType("image/avif", "image"),
    ".bmp": FileType("image/bmp", "image"), ".ico": FileType("image/x-icon", "image"),
    ".svg": FileType("image/svg+xml", "svg"),
    **_types("text", _TEXT, ".txt", ".text", ".log", ".md", ".markdown", ".rst", ".adoc", ".yaml", ".yml",
             ".toml", ".ini", ".cfg", ".conf", ".properties", ".sql", ".py", ".go", ".java", ".kt", ".rb",
             ".rs", ".c", ".h", ".cpp", ".hpp", ".cs", ".sh", ".dot", ".gv", ".puml", ".mmd", ".proto",
             ".graphql", ".tf", ".hcl", ".diff", ".patch"),
    ".csv": FileType("text/csv; charset=utf-8", "text"),
    ".tsv": FileType("text/tab-separated-values; charset=utf-8", "text"),
    ".json": FileType("application/json", "text"),
    # a notebook that is not a page of the site (a guide's example): its JSON, to download
    ".ipynb": FileType("application/x-ipynb+json", "text"),
    ".mp4": FileType("video/mp4", "binary"), ".webm": FileType("video/webm", "binary"),
    ".mp3": FileType("audio/mpeg", "binary"), ".ogg": FileType("audio/ogg", "binary"),
    ".wav": FileType("audio/wav", "binary"), ".m4a": FileType("audio/mp4", "binary"),
    ".zip": FileType("application/zip", "binary"), ".gz": FileType("application/gzip", "binary"),
    ".tgz": FileType("application/gzip", "binary"), ".tar": FileType("application/x-tar", "binary"),
    ".docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "binary"),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "binary"),
    ".pptx": FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", "binary"),
    ".odt": FileType("application/vnd.oasis.opendocument.text", "binary"),
    ".ods": FileType("application/vnd.oasis.opendocument.spreadsheet", "binary"),
    ".odp": FileType("application/vnd.oasis.opendocument.presentation", "binary"),
}
# Named in the warning, so an author knows why the file is not there.
_ACTIVE = {".html": "an HTML file", ".htm": "an HTML file", ".xhtml": "an XHTML file",
           ".xht": "an XHTML file", ".shtml": "an HTML file", ".mht": "a web archive",
           ".mhtml": "a web archive", ".xml": "an XML file", ".xsl": "an XSL style sheet",
           ".xslt": "an XSL style sheet", ".svgz": "a compressed SVG file", ".js": "a script",
           ".mjs": "a script", ".cjs": "a script", ".wasm": "a WebAssembly module",
           ".css": "a style sheet", ".pdf": "a PDF (it can hold scripts and forms)",
           ".swf": "a Flash file", ".jar": "a Java archive", ".hta": "an HTML application",
           ".rss": "a feed (XML)", ".atom": "a feed (XML)", ".rdf": "an XML file", ".vtt": "a WebVTT file"}
# The site's own files: pages, assets, the feed and the machine-readable outputs.
_SITE = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".json": "application/json",
         ".xml": "application/atom+xml; charset=utf-8", ".svg": "image/svg+xml",
         ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
         ".webp": "image/webp", ".ico": "image/x-icon"}
LOGO_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".svg")
_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<[!?a-zA-Z/]")
_HEAD = 1024


def file_type(name: str) -> FileType | None:
    """The type the site publishes a file as, by its extension; None if it refuses it."""
    return PUBLISHED.get(PurePosixPath(name).suffix.lower())


def refusal(rel: str) -> str | None:
    """Why a linked file (path relative to its folder) is not published, judged by its
    name alone; None when it may be."""
    parts = PurePosixPath(rel).parts
    if any(part.startswith(".") for part in parts):
        return "is a hidden file"
    suffix = PurePosixPath(rel).suffix.lower()
    if suffix in PUBLISHED:
        return None
    if suffix in _ACTIVE:
        return f"is {_ACTIVE[suffix]}, a type that can run code or load other files when opened"
    if not suffix:
        return "has no file name extension, so a browser would guess its type"
    return f"is of a type ({suffix}) that is not on the site's list of inert files"


def content_type(name: str) -> str:
    """The media type a site file is served with: the site's own pages and assets by
    their extension, a copied file (under `files/`) by `PUBLISHED`, anything else as
    bytes to download."""
    path = PurePosixPath(name)
    if "files" in path.parts[:-1]:
        found = file_type(path.name)
        return found.mime if found else "application/octet-stream"
    return _SITE.get(path.suffix.lower(), "application/octet-stream")


# --- linked files ----------------------------------------------------------------------

_SVG_MEMO: dict[tuple[str, int, int], tuple[bytes | None, str | None]] = {}


def _verdict(folder: Path, rel: str) -> tuple[str | None, str, bytes | None, Path | None]:
    """(why not, warning kind, clean bytes for an SVG, real source) for a linked file."""
    source = folder / rel
    if not source.is_file():
        return "does not exist", "broken-link", None, None
    real = real_file_inside(source, folder)
    if real is None:
        return "outside", "broken-link", None, None
    reason = refusal(rel)
    if reason:
        return reason, "unpublished-file", None, None
    kind = PUBLISHED[PurePosixPath(rel).suffix.lower()].kind
    if kind == "svg":
        data, why = _clean_svg(real)
        return (f"is not an SVG drawing the site can publish safely: it {why}" if why else None,
                "unpublished-file", data, real)
    if kind in ("text", "binary"):
        try:
            with open(real, "rb") as fh:
                head = fh.read(_HEAD)
        except OSError as exc:
            return f"cannot be read: {exc.strerror}", "unreadable", None, None
        if _MARKUP.match(head):
            return "starts like an HTML or XML document, which a browser may run as one", "unpublished-file", None, None
    return None, "", None, real


def _clean_svg(real: Path) -> tuple[bytes | None, str | None]:
    from adrkit.publish.svgfile import SvgRefused, clean_svg_file

    try:
        st = real.stat()
        key = (str(real), st.st_mtime_ns, st.st_size)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    if key not in _SVG_MEMO:
        try:
            _SVG_MEMO[key] = (clean_svg_file(real.read_bytes()), None)
        except SvgRefused as exc:
            _SVG_MEMO[key] = (None, str(exc))
        except OSError as exc:
            _SVG_MEMO[key] = (None, f"cannot be read ({exc.strerror})")
        if len(_SVG_MEMO) > 256:
            _SVG_MEMO.pop(next(iter(_SVG_MEMO)))
    return _SVG_MEMO[key]


def linked_file_problems(path: Path, rels: list[str], folder: Path, name: str) -> tuple[list[Problem], list[str]]:
    """Warnings for the local files the page of `path` links to (`rels`, inside
    `folder`) that the site cannot include, and the ones whose links must become text;
    `name` says what `folder` is ('decision folder')."""
    problems, unlink = [], []
    for rel in rels:
        reason, kind, _, _ = _verdict(folder, rel)
        if reason is None:
            continue
        where = str(path)
        if reason == "does not exist":
            problems.append(Problem("broken-link", f"links to '{rel}', which does not exist",
                                    where, "text", "add the file or fix the link"))
        elif reason == "outside":
            problems.append(Problem("broken-link", f"links to '{rel}', which a symbolic link puts outside the "
                                    f"{name}, so the site does not include it", where, "text",
                                    f"copy the file into the {name} instead of linking to it"))
            unlink.append(rel)
        else:
            problems.append(Problem(kind, f"links to '{rel}', which {reason}; the site does not publish it "
                                    "and shows the link as text", where, "text",
                                    "link to an image (PNG, JPEG, SVG), a text or data file, or to where "
                                    "the document is hosted"))
            unlink.append(rel)
    return problems, unlink


def copy_linked_files(writer: Any, folder: Path, rels: list[str], prefix: str, copied: set[str],
                      digest: Callable[[Path], str | None] | None = None) -> None:
    """Copy each file of `rels` that the site publishes from `folder` to `prefix + rel`
    (SVG files cleaned); `copied` holds the site paths already written. With `digest`
    (a file's content hash), a file the last build wrote unchanged is kept."""
    for rel in rels:
        target = prefix + rel
        if target in copied:
            continue
        reason, _, data, real = _verdict(folder, rel)
        if reason is not None or real is None:
            continue
        key = f"file:{digest(real)}" if digest is not None else ""
        if data is not None:
            writer.write(target, data, key=key + ":clean" if key else "")
        else:
            writer.copy(target, real, key=key)
        copied.add(target)


# --- the logo ------------------------------------------------------------------------------

def logo_source(config: Any) -> tuple[Path | None, list[Problem]]:
    """The file `site.logo` of the settings names, when the site may publish it (an
    image inside the project, an SVG that cleans), and what was wrong with it."""
    logo = config.site_logo
    if not logo:
        return None, []
    where, settings = "site.logo", str(config.path)
    text = str(logo)
    if "://" in text or text.startswith("//") or text.lower().startswith("data:"):
        return None, [Problem("config", "site logo must be a file in the project, not a URL (the site loads "
                              "nothing from other hosts)", settings, where, "save the image beside .adrkit.yaml")]
    path = Path(text)
    if not path.is_absolute():
        path = config.root / path
    suffix = path.suffix.lower()
    if suffix not in LOGO_TYPES:
        return None, [Problem("config", f"site logo '{logo}' is not an image the site publishes",
                              settings, where, "use a PNG, JPEG, GIF, WebP, ICO or SVG file")]
    if not path.is_file():
        return None, [Problem("config", f"site logo '{logo}' does not exist", settings, where,
                              "fix the path (relative to .adrkit.yaml)")]
    real = real_file_inside(path, config.root)
    if real is None:
        return None, [Problem("config", f"site logo '{logo}' is outside the project, so the site does not "
                              "publish it", settings, where, "copy the image into the project and point to it")]
    if suffix == ".svg":
        data, why = _clean_svg(real)
        if data is None:
            return None, [Problem("config", f"site logo '{logo}' is not an SVG drawing the site can publish "
                                  f"safely: it {why}", settings, where, "save it as a plain SVG, or use a PNG")]
    return path, []


def write_logo(writer: Any, name: str, real: Path, key: str = "") -> None:
    """Write the logo `logo_source` found to `name` in the site (an SVG cleaned)."""
    if real.suffix.lower() == ".svg":
        data, _ = _clean_svg(Path(os.path.realpath(real)))
        if data is not None:
            writer.write(name, data, key=key + ":clean" if key else "")
    else:
        writer.copy(name, real, key=key)


# --- records that are not files of the log -------------------------------------------------

def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unpublishable_records(folder: Path, *, guides: bool = False) -> list[Problem]:
    """Warnings for the notebooks of `folder` that are symbolic links to a file that
    does not exist or lies outside `folder` (neither is read): `NNNN-*.ipynb` records
    of a decision folder, or with `guides` any visible `*.ipynb` of a guides folder."""
    problems = []
    what = "guides folder" if guides else "decision folder"
    with os.scandir(folder) as entries:  # the entries' types come with the listing: no stat per file
        found = [(e.name, e.is_symlink()) for e in entries if e.name.endswith(".ipynb")
                 and (parse_filename(e.name) if not guides else not e.name.startswith("."))]
    for name in sorted(n for n, _ in found if not _utf8(n)):
        problems.append(Problem("unreadable", "has a file name that is not UTF-8, so it is not published",
                                str(folder / name), fix="rename it"))
    links = sorted(n for n, link in found if link and _utf8(n))
    for name in links:
        path = folder / name
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if not os.path.exists(path):
            problems.append(Problem(
                "unreadable", f"is a symbolic link to '{target}', which does not exist, so it is not published",
                str(path), fix="restore the file it points to or remove the link"))
        elif real_file_inside(path, folder) is None:
            problems.append(Problem(
                "unreadable", f"is a symbolic link to '{target}', outside the {what}, so it is not "
                "read or published", str(path), fix=f"move the notebook into the {what}"))
    return problems
