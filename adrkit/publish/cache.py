"""Stage 2 of the pipeline: the page cache that lets a rebuild skip unchanged decisions.

A page's key is the SHA-256 of everything its converted body depends on: the notebook
bytes, the data file bytes, the adrkit version, a fingerprint of the conversion code and
templates (and of the renderers it calls), and the build options that change a body
(`--execute`). The cache keeps, per key, the decision's front matter and the converted
body with what the build learned from it, in `<project>/.adrkit-cache/publish/pages.sqlite`.
Keys not used by a build are pruned at its end. A corrupt or unreadable entry is a
miss, never an error.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from adrkit.about import __version__

__all__ = ["PageCache", "page_key", "code_fingerprint", "CACHE_FORMAT"]

CACHE_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent.parent
# Files whose content changes what a converted body looks like.
_BODY_SOURCES = ("publish/prepare.py", "publish/sanitize.py", "publish/files.py", "publish/svgfile.py", "publish/convert.py",
                 "publish/renders.py", "publish/guides.py", "publish/review.py",
                 "render/__init__.py", "render/graphviz.py", "render/diagrams.py", "render/tradeoff.py",
                 "render/charts.py", "render/requestflow.py", "render/jinja.py",
                 "core/tradeoff/model.py", "core/tradeoff/analysis.py", "core/wording.py",
                 "core/decision_graph.py", "core/dot.py", "core/text.py",
                 "core/requestflow/model.py", "core/requestflow/dot.py", "core/requestflow/annotations.py",
                 "formats/datafile.py", "formats/notebook.py", "formats/celltags.py")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of adrkit's version, the page template and the conversion code."""
    digest = hashlib.sha256(f"adrkit {__version__} cache {CACHE_FORMAT}".encode())
    template_dirs = (_PACKAGE / "publish" / "templates" / "adrkit", _PACKAGE / "render" / "templates")
    files = [p for d in template_dirs for p in sorted(d.rglob("*"))] + [_PACKAGE / rel for rel in _BODY_SOURCES]
    for path in files:
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            continue
        digest.update(str(path.relative_to(_PACKAGE)).encode())
        digest.update(hashlib.sha256(data).digest())
    for dist in ("nbconvert", "nh3", "mistune", "pygments"):
        digest.update(f"{dist} {_dist_version(dist)}".encode())
    return digest.hexdigest()


def _dist_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def page_key(notebook: bytes, data: bytes | None, *, execute: bool, guide: str | None = None,
             output_limit: int | None = None) -> str:
    """The cache key of a page; a guide's key also holds the decision folder as seen
    from the guide (its links depend on it); `output_limit` is the largest output kept."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(b"execute" if execute else b"stored")
    if output_limit is not None:
        digest.update(f"output limit {output_limit}".encode())
    if guide is not None:
        digest.update(b"guide\0" + guide.encode("utf-8"))
    digest.update(hashlib.sha256(notebook).digest())
    digest.update(hashlib.sha256(data).digest() if data is not None else b"no data file")
    return digest.hexdigest()


class PageCache:
    """Converted pages by key, in one SQLite file (one transaction per build, so a
    cold build does not create a file per page and a no-op build reads them fast)."""

    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self._used: set[str] = set()
        self._db: Any = None

    def _conn(self) -> Any:
        if self._db is None:
            import sqlite3

            self.dir.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.dir / "pages.sqlite", timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, entry TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS blobs (kind TEXT, key TEXT, value TEXT, PRIMARY KEY (kind, key))")
            db.execute("BEGIN")
            self._db = db
        return self._db

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            row = self._conn().execute("SELECT entry FROM pages WHERE key = ?", (key,)).fetchone()
            entry = json.loads(row[0]) if row else None
        except (OSError, ValueError, _db_errors()):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        self._used.add(key)
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        entry = {**entry, "key": key}
        try:
            self._conn().execute("INSERT OR REPLACE INTO pages (key, entry) VALUES (?, ?)",
                                 (key, json.dumps(entry, ensure_ascii=False, separators=(",", ":"))))
        except (OSError, _db_errors()):
            return  # a cache that cannot be written only makes the next build slower
        self._used.add(key)

    def prune(self) -> int:
        """Delete entries this build did not use; returns how many."""
        try:
            db = self._conn()
            keys = [row[0] for row in db.execute("SELECT key FROM pages")]
            stale = [(k,) for k in keys if k not in self._used]
            db.executemany("DELETE FROM pages WHERE key = ?", stale)
            return len(stale)
        except (OSError, _db_errors()):
            return 0

    def close(self) -> None:
        """Commit what this build stored."""
        if self._db is not None:
            try:
                self._db.execute("COMMIT")
            except _db_errors():
                pass
            self._db.close()
            self._db = None

    # --- small blobs (the drawn graph, the output manifest) ---------------------
    def get_blob(self, kind: str, key: str) -> str | None:
        try:
            row = self._conn().execute("SELECT value FROM blobs WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        except (OSError, _db_errors()):
            return None
        return row[0] if row else None

    def put_blob(self, kind: str, key: str, text: str) -> None:
        try:
            db = self._conn()
            db.execute("DELETE FROM blobs WHERE kind = ?", (kind,))
            db.execute("INSERT INTO blobs (kind, key, value) VALUES (?, ?, ?)", (kind, key, text))
        except (OSError, _db_errors()):
            pass


def _db_errors() -> type[Exception]:
    import sqlite3

    return sqlite3.Error
