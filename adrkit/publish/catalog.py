"""`decisions.json`: the site's decisions for portals and for other sites, and the
decisions of other sites this one lists (`adrkit build --include`).

The document is versioned: `"version": 1`, described by the JSON Schema shipped in the
package (`schemas/decisions-1.schema.json`, `$id` `urn:adrkit:decisions-json:1`) and
copied beside `decisions.json` in every site as `decisions.schema.json`. Each decision
carries the fields of `adrkit list --json`, its log, its page's URL (relative to
decisions.json), the opening words of its text and its resolved relations.

An include is another site's `decisions.json`, by path (relative to the project root) or
by http(s) URL. Its decisions are checked against the schema (a decision that does not
match is left out with a warning naming it), and listed in this site's index and search
with links to their own pages: an absolute URL for an include read from the web, a path
relative to this site for one read from disk (so two sites published side by side link
to each other, from `file://` too). Nothing of an include is trusted: every field is
escaped where it is shown, and a link that is neither relative nor http(s) is dropped.
"""
from __future__ import annotations

import hashlib
import json
import os
import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import quote, unquote, urljoin, urlsplit

from adrkit.about import __version__
from adrkit.publish.report import Problem

__all__ = ["SCHEMA_PATH", "SCHEMA_NAME", "FORMAT_VERSION", "decisions_document", "document_lines", "entry_line",
           "schema", "Remote",
           "Included", "read_include", "validate_document"]

FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("schemas") / f"decisions-{FORMAT_VERSION}.schema.json"
SCHEMA_NAME = "decisions.schema.json"  # its name in the site
MAX_BYTES = 64 * 2**20
_TIMEOUT = 20


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of decisions.json (version 1)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _safe_json(value: Any, indent: int | None = None) -> str:
    """JSON without control characters, surrogates or noncharacters in any string (a
    lone surrogate cannot even be written as UTF-8), bidirectional controls written as
    `\\u202e` escapes, and `<`, `>`, `&` escaped: safe even if a portal pastes it into a page."""
    from adrkit.core.text import BIDI_CONTROLS, clean_text, map_strings

    text = json.dumps(map_strings(value, clean_text), indent=indent, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    for ch in BIDI_CONTROLS:
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text


def entry_line(entry: dict[str, Any]) -> str:
    """One decision of decisions.json, as its line."""
    return _safe_json(entry)


def document_lines(text: str) -> list[str]:
    """The decisions' lines of a decisions.json that `decisions_document` wrote, in order."""
    lines = []
    inside = False
    for line in text.splitlines():
        if line == '  "decisions": [':
            inside = True
        elif inside and line.startswith("    {"):
            lines.append(line[4:-1] if line.endswith(",") else line[4:])
        elif inside:
            break
    return lines


def decisions_document(lines: Iterable[str], *, title: str, logs: list[dict[str, Any]], count: int) -> Iterator[str]:
    """decisions.json, in pieces, from each decision's line (`entry_line`; see the
    schema); `count` is how many lines there are. One decision per line: readable,
    diffable, and written without holding ten thousand of them at once."""
    doc = {"version": FORMAT_VERSION, "schema": SCHEMA_NAME, "generator": f"adrkit {__version__}",
           "title": title, "count": count, "logs": logs}
    yield _safe_json(doc, indent=2)[:-2] + ',\n  "decisions": ['
    first = True
    for line in lines:
        yield ("\n    " if first else ",\n    ") + line
        first = False
    yield "\n  ]\n}\n" if not first else "]\n}\n"


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def _errors(doc: Any) -> list[tuple[list[Any], str]]:
    return [(list(e.absolute_path), e.message) for e in _validator().iter_errors(doc)]


def validate_document(doc: Any) -> list[str]:
    """What keeps `doc` from being a decisions.json version 1: messages naming the
    place; empty when it is one."""
    return [f"{'/'.join(map(str, where)) or '(top)'}: {message}"
            for where, message in sorted(_errors(doc), key=lambda e: [str(p) for p in e[0]])]


# --- other sites' decisions ------------------------------------------------------------

@dataclass(frozen=True)
class Remote:
    """A decision of another site, as this site lists it."""

    site: str     # the other site's title
    log: str      # its log's name there
    number: int
    stem: str
    title: str
    status: str
    date: str
    tags: tuple[str, ...]
    summary: str
    href: str     # its page, absolute or relative to this site's root

    @property
    def label(self) -> str:
        return f"{self.number:04d}"

    @property
    def ident(self) -> str:
        return f"{self.log}:{self.stem}"

    @property
    def caption(self) -> str:
        return f"{self.label} {self.title}"


@dataclass
class Included:
    """One include, read: its decisions and what was wrong with it."""

    spec: str
    title: str = ""
    digest: str = ""
    decisions: list[Remote] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_include(spec: str, root: Path, out: Path, taken: frozenset[str] = frozenset()) -> Included:
    """The decisions of the decisions.json at `spec` (a path relative to `root`, or an
    http(s) URL), with links from the site built at `out`.

    Their log, as this site names it: the other site's title as a log name when it
    publishes one log; its own log names when it publishes several (prefixed with the
    title's name when this site's logs `taken` have one of them already)."""
    result = Included(spec)
    scheme = urlsplit(spec).scheme.lower()
    try:
        if scheme in ("http", "https"):
            raw, base = _fetch(spec), spec
        else:
            path = Path(unquote(urlsplit(spec).path) if scheme == "file" else spec)
            path = path if path.is_absolute() else root / path
            with open(path, "rb") as fh:
                raw = fh.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                raise OSError(f"is larger than {MAX_BYTES // 2**20} MB")
            base = _relative_base(path.parent, out)
    except OSError as exc:
        result.problems.append(_problem(spec, f"cannot be read: {getattr(exc, 'strerror', None) or exc}",
                                        "fix the path or URL, or remove it from --include / site.include"))
        return result
    result.digest = hashlib.sha256(raw).hexdigest()
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        result.problems.append(_problem(spec, f"is not JSON ({exc})", "point it at a site's decisions.json"))
        return result
    bad: dict[int, str] = {}
    for where, message in _errors(doc) if isinstance(doc, dict) else []:
        if len(where) >= 2 and where[0] == "decisions" and isinstance(where[1], int):
            bad.setdefault(where[1], message)
    if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION or not isinstance(doc.get("decisions"), list):
        result.problems.append(_problem(
            spec, "is not a decisions.json of version 1", "point it at a decisions.json written by "
            "'adrkit build' (see the schema decisions.schema.json beside it)"))
        return result
    result.title = str(doc.get("title") or spec) if isinstance(doc.get("title"), (str, type(None))) else spec
    site_log = _log_name(result.title)
    named = {str(item.get("log")) for item in doc["decisions"] if isinstance(item, dict) and item.get("log")}
    several = len(named) > 1

    def log_of(item: dict[str, Any]) -> str:
        if not several or not item.get("log"):
            return site_log
        own = _log_name(str(item["log"]))
        return f"{site_log}-{own}" if own in taken else own

    for i, item in enumerate(doc["decisions"]):
        href = _href(item.get("url"), base) if isinstance(item, dict) and i not in bad else None
        if href is None:
            reason = bad.get(i) or "its url is neither relative nor http(s)"
            result.problems.append(_problem(spec, f"decision {i + 1} is left out: {reason}",
                                            "fix that site's decisions.json"))
            continue
        result.decisions.append(Remote(
            site=result.title, log=log_of(item), number=int(item["number"]),
            stem=str(item["stem"]), title=str(item["title"]), status=str(item["status"]),
            date=str(item.get("date") or ""), tags=tuple(str(t) for t in item.get("tags") or ()),
            summary=str(item.get("summary") or ""), href=href))
    return result


def _problem(spec: str, message: str, fix: str) -> Problem:
    return Problem("include", message, spec, "include", fix)


def _fetch(url: str) -> bytes:
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": f"adrkit/{__version__}",
                                                   "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:  # noqa: S310 (http(s) only)
            data = response.read(MAX_BYTES + 1)
    except OSError:
        raise
    except Exception as exc:  # http.client errors that are not OSErrors
        raise OSError(str(exc)) from exc
    if len(data) > MAX_BYTES:
        raise OSError(f"is larger than {MAX_BYTES // 2**20} MB")
    return data


def _relative_base(folder: Path, out: Path) -> str:
    """`folder` as a URL path relative to the site at `out`, ending in '/'."""
    rel = os.path.relpath(os.path.realpath(folder), os.path.realpath(out))
    return "" if rel == "." else quote(Path(rel).as_posix()) + "/"


def _href(url: Any, base: str) -> str | None:
    """The link to an included decision's page: `url` resolved against `base` (an
    absolute http(s) URL, or a path relative to this site); None when unsafe."""
    if not isinstance(url, str) or not url.strip() or any(c in url for c in "\\\0\r\n\t"):
        return None
    parts = urlsplit(url)
    if parts.scheme:
        return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None
    if url.startswith("//"):
        return None
    if urlsplit(base).scheme:
        return urljoin(base, url)
    if url.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(base or ".", parts.path))
    return joined + (f"#{parts.fragment}" if parts.fragment else "")


def _log_name(title: str) -> str:
    import re

    name = re.sub(r"[^a-z0-9_-]+", "-", title.lower()).strip("-_")[:40]
    return name or "remote"
