"""The page cache: what lets a rebuild skip what did not change.

Keys:

- a page's key (`page_key`) is the SHA-256 of everything its converted body depends
  on: the notebook's and data file's bytes (their digests, from the stat-keyed record
  index), the fingerprint of the installed adrkit package with its templates
  (`adrkit.storage.statcache.code_fingerprint`: any change to any module or template,
  the graph colours included, gives new keys), the versions of the libraries that
  convert and sanitize, and the options that change a body (`--execute`, and where a
  guide's links point);
- a build's inputs (`inputs_key`) are every page key, the settings and everything else
  the site is made of: when they are what the last build into the same folder saw, and
  that folder is as it was left, there is nothing to do.

Per page key the cache keeps what the conversion learned (`meta`: links, files,
sections, problems) apart from the body and search text, so a build holds only the
small part in memory and reads each body when it writes that page. Small blobs (the
decision graph's drawings) are kept by kind and key. Per output folder, the last
build's inputs, manifest (file -> digest, size, mtime, render key), report and what it
made of each page (`views`: a page's template context).

Everything is in one SQLite file, `pages.sqlite`, written in one transaction per
build. Keys a build did not use are pruned at its end. A corrupt or unreadable store is
rebuilt; an entry that does not parse is a miss, never an error.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from adrkit.storage.statcache import code_fingerprint, remove_database

__all__ = ["PageCache", "page_key", "build_fingerprint", "CACHE_FORMAT"]

CACHE_FORMAT = 4
_LIBRARIES = ("nbconvert", "nbformat", "nh3", "mistune", "pygments", "jinja2", "markupsafe")


@lru_cache(maxsize=1)
def build_fingerprint() -> str:
    """The code a page depends on: the adrkit package (every module and template),
    the conversion libraries' versions, and the Graphviz that draws diagrams."""
    from importlib import metadata

    digest = hashlib.sha256(f"cache {CACHE_FORMAT} {code_fingerprint()}".encode())
    for name in _LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name} {version}\0".encode())
    dot = shutil.which("dot")
    if dot:
        try:
            st = os.stat(dot)
            digest.update(f"dot {os.path.realpath(dot)} {st.st_size} {st.st_mtime_ns}".encode())
        except OSError:
            pass
    return digest.hexdigest()


def page_key(kind: str, digest: str, data_digest: str | None, *, execute: bool = False,
             where: str = "", output_limit: int | None = None) -> str:
    """The cache key of a page: its notebook's and data file's digests, the code, and
    what else changes its body (`execute`; `where` a guide's links point; the largest
    output kept, `output_limit`)."""
    h = hashlib.sha256(build_fingerprint().encode())
    h.update(f"\0{kind}\0{'execute' if execute else 'stored'}\0{where}\0{digest}\0{data_digest or '-'}"
             f"\0{output_limit}".encode())
    return h.hexdigest()[:32]  # 128 bits: a key, not a signature


class PageCache:
    """Converted pages by key, small blobs, and the last build of each output folder,
    in one SQLite file under `directory`."""

    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self._used: set[str] = set()
        self._blobs_used: set[tuple[str, str]] = set()
        self._db: Any = None
        self._broken = False

    def __enter__(self) -> "PageCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _conn(self) -> Any:
        if self._db is None and not self._broken:
            for attempt in range(2):
                try:
                    self._db = _open(self.dir / "pages.sqlite")
                    break
                except (OSError, _db_errors()):
                    if attempt == 0:
                        remove_database(self.dir / "pages.sqlite")
            else:
                self._broken = True  # no cache this build: slower, never wrong
        return self._db

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        db = self._conn()
        if db is None:
            return []
        try:
            return db.execute(sql, args).fetchall()
        except _db_errors():
            return []

    def _write(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        db = self._conn()
        if db is None:
            return
        try:
            db.executemany(sql, rows)
        except _db_errors():
            pass  # a cache that cannot be written only makes the next build slower

    # --- pages --------------------------------------------------------------------
    def metas(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The kept conversion results of those `keys` the cache has."""
        wanted = set(keys)
        found: dict[str, dict[str, Any]] = {}
        if not wanted:
            return found
        if len(wanted) <= 500:  # a few: by key; else every row at once
            marks = ",".join("?" * len(wanted))
            rows = self._query(f"SELECT key, meta FROM pages WHERE key IN ({marks})", tuple(wanted))
        else:
            rows = self._query("SELECT key, meta FROM pages")
        for key, text in rows:
            if key in wanted:
                try:
                    meta = json.loads(text)
                except ValueError:
                    continue
                if isinstance(meta, dict):
                    found[key] = meta
        self._used.update(found)
        return found

    def known(self) -> set[str]:
        """The keys of every page the cache has."""
        return {str(k) for (k,) in self._query("SELECT key FROM pages")}

    def body(self, key: str) -> tuple[str, str]:
        """(body, search text) of a page; empty strings when they are gone."""
        rows = self._query("SELECT body, text FROM bodies WHERE key = ?", (key,))
        return (str(rows[0][0]), str(rows[0][1])) if rows else ("", "")

    def texts(self, keys: list[str]) -> dict[str, str]:
        """The search text of each page in `keys`."""
        out: dict[str, str] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            out.update({str(k): str(t) for k, t in
                        self._query(f"SELECT key, text FROM bodies WHERE key IN ({marks})", tuple(chunk))})
        return out

    def put(self, key: str, meta: dict[str, Any], body: str | None = None, text: str = "") -> None:
        self._used.add(key)
        self._write("INSERT OR REPLACE INTO pages (key, meta) VALUES (?, ?)",
                    [(key, json.dumps(meta, ensure_ascii=False, separators=(",", ":")))])
        if body is not None:
            self._write("INSERT OR REPLACE INTO bodies (key, body, text) VALUES (?, ?, ?)", [(key, body, text)])

    def prune(self) -> int:
        """Delete pages this build did not use, and blobs of a kind it replaced."""
        stale = [(k,) for (k,) in self._query("SELECT key FROM pages") if k not in self._used]
        self._write("DELETE FROM pages WHERE key = ?", stale)
        self._write("DELETE FROM bodies WHERE key = ?", stale)
        kinds = {kind for kind, _ in self._blobs_used}
        for kind, key in self._query("SELECT kind, key FROM blobs"):
            if kind in kinds and (kind, key) not in self._blobs_used:
                self._write("DELETE FROM blobs WHERE kind = ? AND key = ?", [(kind, key)])
        return len(stale)

    # --- blobs --------------------------------------------------------------------
    def get_blob(self, kind: str, key: str) -> str | None:
        rows = self._query("SELECT value FROM blobs WHERE kind = ? AND key = ?", (kind, key))
        if rows:
            self._blobs_used.add((kind, key))
            return str(rows[0][0])
        return None

    def put_blob(self, kind: str, key: str, text: str) -> None:
        self._blobs_used.add((kind, key))
        self._write("INSERT OR REPLACE INTO blobs (kind, key, value) VALUES (?, ?, ?)", [(kind, key, text)])

    # --- builds -------------------------------------------------------------------
    def last_build(self, out: str) -> dict[str, Any]:
        """What the last build into `out` left: inputs, manifest, report."""
        rows = self._query("SELECT state FROM builds WHERE out = ?", (out,))
        try:
            state = json.loads(rows[0][0]) if rows else {}
        except ValueError:
            return {}
        return state if isinstance(state, dict) else {}

    def remember_build(self, out: str, state: dict[str, Any]) -> None:
        self._write("INSERT OR REPLACE INTO builds (out, state) VALUES (?, ?)",
                    [(out, json.dumps(state, ensure_ascii=False, separators=(",", ":")))])

    # --- what the last build made of each page ----------------------------------
    def put_view(self, out: str, ident: str, view: str) -> None:
        """Keep the template context (as JSON) of a page a build is writing into `out`;
        it is `out`'s once `keep_views(out)` says the build is done."""
        self._write("INSERT OR REPLACE INTO views (out, ident, view) VALUES (?, ?, ?)", [(_writing(out), ident, view)])

    def drop_views(self, out: str) -> None:
        """Forget what an unfinished build into `out` kept with `put_view`."""
        self._write("DELETE FROM views WHERE out = ?", [(_writing(out),)])

    def keep_views(self, out: str) -> None:
        """The views the build just done put are `out`'s (all its pages: the others go)."""
        self._write("DELETE FROM views WHERE out = ?", [(out,)])
        self._write("UPDATE views SET out = ? WHERE out = ?", [(out, _writing(out))])

    def views(self, out: str, idents: Iterable[str]) -> dict[str, dict[str, Any]]:
        found = {}
        for ident in idents:
            rows = self._query("SELECT view FROM views WHERE out = ? AND ident = ?", (out, ident))
            try:
                view = json.loads(rows[0][0]) if rows else None
            except ValueError:
                view = None
            if isinstance(view, dict):
                found[ident] = view
        return found


    def commit(self) -> None:
        """Commit what is stored so far (another process may then read it); the build
        goes on in a new transaction."""
        if self._db is not None:
            try:
                self._db.execute("COMMIT")
                self._db.execute("BEGIN")
            except _db_errors():
                pass

    def close(self) -> None:
        """Commit what this build stored."""
        if self._db is not None:
            try:
                self._db.execute("COMMIT")
            except _db_errors():
                pass
            self._db.close()
            self._db = None


def _writing(out: str) -> str:
    return f"{out}\0writing"


def _open(path: Path) -> Any:
    import sqlite3

    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != CACHE_FORMAT:
            for table in ("pages", "bodies", "blobs", "builds", "views"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute(f"PRAGMA user_version = {CACHE_FORMAT}")
        db.execute("CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, meta TEXT NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, body TEXT NOT NULL, text TEXT NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS blobs (kind TEXT, key TEXT, value TEXT, PRIMARY KEY (kind, key))")
        db.execute("CREATE TABLE IF NOT EXISTS builds (out TEXT PRIMARY KEY, state TEXT NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS views (out TEXT, ident TEXT, view TEXT NOT NULL, "
                   "PRIMARY KEY (out, ident))")
        db.execute("BEGIN")
    except BaseException:
        db.close()
        raise
    return db


def _db_errors() -> type[Exception]:
    import sqlite3

    return sqlite3.Error
