"""A stat-keyed cache of what files hold: decide what changed the way make and git do,
from file stats, before reading anything.

Each entry is one file and one kind of fact about it (a notebook's front matter, a data
file's findings...), stored with the file's stat signature (size, mtime, inode, ctime),
the SHA-256 of its bytes and the facts as text. A lookup whose signature matches
returns the digest and the facts without opening the file; anything else is a miss,
and the caller reads and hashes the file.

- Racy entries: a file written in the same clock tick as it was recorded could change
  again without changing its size or mtime. An entry recorded less than `RACY_NS` after
  the file's mtime comes back marked `racy`, and the caller compares the content hash
  before trusting it (git's racy-clean rule).
- Code: every store holds the fingerprint of the code that computed its facts
  (`code_fingerprint`, a hash of the installed adrkit package with its templates); a
  store written by other code is emptied.
- Damage: a store that cannot be opened or read (corrupt, locked, read-only) is
  rebuilt, or kept in memory for this process. The cache can make a command faster,
  never wrong; a row that does not parse is a miss.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from adrkit.about import __version__

__all__ = ["StatCache", "Hit", "code_fingerprint", "signature", "RACY_NS", "digest_of", "remove_database"]

RACY_NS = 2_000_000_000  # a file younger than this when recorded is checked by content
_BATCH = 2000  # entries written at once
_FORMAT = "1"
_PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over adrkit's version and every file of the installed package (modules,
    page templates, notebook templates, site assets), by relative path and content:
    any change to the code or a template gives a new fingerprint."""
    digest = hashlib.sha256(f"adrkit {__version__}".encode())
    files = []
    for folder, dirs, names in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        files.extend(os.path.join(folder, n) for n in names if not n.endswith((".pyc", ".pyo")))
    for path in sorted(files):
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        digest.update(os.path.relpath(path, _PACKAGE).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signature(st: os.stat_result) -> tuple[int, int, int, int]:
    """What must be unchanged for a file to count as unchanged."""
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


@dataclass(frozen=True)
class Hit:
    digest: str
    facts: str
    racy: bool  # recorded too soon after the file was written: compare `digest` first


class StatCache:
    """Facts about files by (path, kind), trusted while the file's stat is unchanged.

    `path` of the store is a SQLite file (None: memory only). Entries are read in bulk
    per kind on first use and written in one transaction by `close()`."""

    def __init__(self, path: Path | None, code: str | None = None):
        self.path = Path(path) if path is not None else None
        self.code = code or code_fingerprint()
        self._db: Any = None
        self._rows: dict[str, dict[str, tuple[Any, ...]]] = {}
        self._pending: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._seen: dict[str, set[str]] = {}
        self._opened = False

    # --- reading -------------------------------------------------------------------
    def lookup(self, path: str, kind: str, st: os.stat_result) -> Hit | None:
        """The stored digest and facts of `path` when its stat is what was recorded."""
        rows = self._rows.get(kind)
        if rows is None:
            rows = self._kind(kind)
        self._seen[kind].add(path)
        row = (self._pending.get((path, kind)) if self._pending else None) or rows.get(path)
        if row is None or row[0] != (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns):
            return None
        return Hit(row[2], row[3], racy=row[1] - st.st_mtime_ns < RACY_NS)

    def store(self, path: str, kind: str, st: os.stat_result, digest: str, facts: str) -> None:
        """Record what `path` (as `st` describes it) holds."""
        self._seen.setdefault(kind, set()).add(path)
        self._pending[(path, kind)] = (signature(st), time.time_ns(), digest, facts)
        if len(self._pending) >= _BATCH:
            self._flush()  # a first read of ten thousand records is not all held at once

    def release(self, kind: str) -> None:
        """Let go of the entries of `kind` read from the store (a later lookup reads
        them again); what this run stored is kept until `close`."""
        self._rows.pop(kind, None)

    def forget_unseen(self, kind: str, prefixes: Iterable[str]) -> None:
        """Drop entries of `kind` under the folders `prefixes` that this run did not
        look up (files removed since)."""
        seen = self._seen.get(kind, set())
        starts = tuple(os.path.join(p, "") for p in prefixes)
        stale = [p for p in self._kind(kind) if p.startswith(starts) and p not in seen]
        if stale:
            self._pending.update({(p, kind): () for p in stale})

    # --- the store ---------------------------------------------------------------
    def _kind(self, kind: str) -> dict[str, tuple[Any, ...]]:
        """Every entry of `kind`: path -> (signature, recorded, digest, facts)."""
        rows = self._rows.get(kind)
        if rows is None:
            rows = {}
            self._seen.setdefault(kind, set())
            db = self._conn()
            if db is not None:
                try:
                    for path, size, mtime, ino, ctime, recorded, digest, facts in db.execute(
                            "SELECT path, size, mtime, ino, ctime, recorded, digest, facts FROM files "
                            "WHERE kind = ?", (kind,)):
                        rows[path] = ((size, mtime, ino, ctime), recorded, str(digest), str(facts))
                except _errors():
                    rows = {}
                    self._drop()
            self._rows[kind] = rows
        return rows

    def _conn(self) -> Any:
        if self._opened:
            return self._db
        self._opened = True
        if self.path is None:
            return None
        for attempt in range(2):
            try:
                self._db = _open(self.path, self.code)
                return self._db
            except _errors() + (OSError,):
                if attempt == 0:
                    remove_database(self.path)  # corrupt: start again
        self._db = None
        return None

    def _drop(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except _errors():
                pass
        self._db = None

    def close(self) -> None:
        """Write what this run learned (best effort) and close the store."""
        self._flush()
        self._drop()

    def _flush(self) -> None:
        db = self._conn() if self._pending else self._db
        if db is not None and self._pending:
            puts = [(p, k, *row[0], *row[1:]) for (p, k), row in self._pending.items() if row]
            drops = [(p, k) for (p, k), row in self._pending.items() if not row]
            try:
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO files (path, kind, size, mtime, ino, ctime, recorded, "
                               "digest, facts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", puts)
                db.executemany("DELETE FROM files WHERE path = ? AND kind = ?", drops)
                db.execute("COMMIT")
            except _errors():
                try:
                    db.execute("ROLLBACK")
                except _errors():
                    pass
        self._pending.clear()  # a later lookup of these reads the file again: none is looked up twice


def _open(path: Path, code: str) -> Any:
    import sqlite3

    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS files (path TEXT, kind TEXT, size INTEGER, mtime INTEGER, "
                   "ino INTEGER, ctime INTEGER, recorded INTEGER, digest TEXT, facts TEXT, "
                   "PRIMARY KEY (path, kind))")
        row = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
        if row is None or row[0] != f"{_FORMAT} {code}":
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM files")
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('code', ?)", (f"{_FORMAT} {code}",))
            db.execute("COMMIT")
    except BaseException:
        db.close()
        raise
    return db


def remove_database(path: Path) -> None:
    """Remove an SQLite file and its write-ahead log, whatever of them is there."""
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(f"{path}{suffix}")
        except OSError:
            pass


def _errors() -> tuple[type[Exception], ...]:
    import sqlite3

    return (sqlite3.Error,)
