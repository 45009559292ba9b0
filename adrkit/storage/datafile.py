"""Reading and writing the data file beside a decision notebook, `NNNN-slug.yaml`.

The file's shape is `adrkit.formats.datafile`'s. Widgets write it on every edit (atomically); the site and the exporters read it.
One `DataFile` object per path is shared inside a process, so two widgets of one
notebook never mistake each other's writes for an outside change; a change made by
anyone else since the last read or write is detected and refused.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

from adrkit.core.errors import ConflictError, FormatError, NotFoundError
from adrkit.formats.datafile import KINDS, dump_data, parse_data
from adrkit.storage.atomic import write_atomic
from adrkit.storage.paths import real_file_inside

__all__ = ["DataFile", "data_file", "read_data", "load_tradeoff", "save_tradeoff", "load_lifecycle",
           "save_lifecycle"]


def _digest(raw: bytes | None) -> str | None:
    return None if raw is None else hashlib.sha256(raw).hexdigest()

def read_data(path: str | Path) -> dict[str, Any]:
    """The whole data file as a dict ({} when there is none). A data file whose real
    location is not a file in its notebook's folder (a symbolic link out, a pipe) is
    not read: FormatError."""
    path = Path(path)
    if not os.path.lexists(path):
        return {}
    if real_file_inside(path, path.parent) is None:
        raise FormatError("is not a file inside the decision folder (a symbolic link out of it, or not a "
                          "regular file), so it is not read", path=path,
                          fix="replace it with the data file itself")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    return parse_data(raw, path)


class DataFile:
    """One data file, with change detection against the last read or write."""

    def __init__(self, path: str | Path):
        self.path = Path(path).resolve()
        self._lock = threading.RLock()
        self._known: str | None = None
        self._data: dict[str, Any] = {}
        self.reload()

    @property
    def stem(self) -> str:
        return self.path.stem

    def reload(self) -> dict[str, Any]:
        """Read the file from disk and take it as the known state."""
        with self._lock:
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                raw = None
            self._data = parse_data(raw, self.path) if raw is not None else {}
            self._known = _digest(raw)
            return self._data

    def changed_on_disk(self) -> bool:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raw = None
        return _digest(raw) != self._known

    def get(self, kind: str, name: str = "main") -> dict[str, Any] | None:
        with self._lock:
            value = (self._data.get(kind) or {}).get(name)
            return value if isinstance(value, dict) else None

    def put(self, kind: str, name: str, value: dict[str, Any] | None, *, force: bool = False) -> None:
        """Store one table (None removes it) and write the file atomically.

        Raises ConflictError, leaving the file alone, when it changed on disk since
        this process last read or wrote it; `force=True` overwrites anyway."""
        if kind not in KINDS:
            raise ValueError(f"unknown data kind {kind!r}")
        with self._lock:
            if not force and self.changed_on_disk():
                raise ConflictError("changed on disk since it was loaded", path=self.path,
                                    fix="reload to take the other change, or save again to overwrite it")
            data = dict(self._data)
            section = dict(data.get(kind) or {})
            if value is None:
                section.pop(name, None)
            else:
                section[name] = value
            data[kind] = section
            text = dump_data(data, self.stem)
            write_atomic(self.path, text)
            self._data = data
            self._known = _digest(text.encode("utf-8"))


_open: dict[Path, DataFile] = {}
_open_lock = threading.Lock()


def data_file(path: str | Path) -> DataFile:
    """The shared DataFile for `path` in this process."""
    key = Path(path).resolve()
    with _open_lock:
        if key not in _open:
            _open[key] = DataFile(key)
        return _open[key]


# --- one table at a time ------------------------------------------------------------

def load_tradeoff(path: str | Path, name: str = "main"):
    """The trade-off `name` from a data file (a `Tradeoff`)."""
    from adrkit.core.tradeoff import load_tradeoffs

    path = Path(path)
    tables = load_tradeoffs(read_data(path), path=path)
    if name not in tables:
        raise NotFoundError(f"no trade-off named '{name}'", path=path, where="tradeoffs",
                            fix="use one of " + (", ".join(tables) or "(none yet: add one in the widget)"))
    return tables[name]


def save_tradeoff(tradeoff, path: str | Path, name: str = "main", *, force: bool = False) -> None:
    """Validate, then write `tradeoff` into the data file atomically."""
    tradeoff.validate(path=path, where=f"tradeoffs.{name}")
    data_file(path).put("tradeoffs", name, tradeoff.to_dict(), force=force)


def load_lifecycle(path: str | Path, name: str = "main"):
    """The request lifecycle `name` from a data file (a `Lifecycle`)."""
    from adrkit.core.requestflow import Lifecycle

    path = Path(path)
    section = read_data(path).get("lifecycles") or {}
    if name not in section:
        raise NotFoundError(f"no lifecycle named '{name}'", path=path, where="lifecycles",
                            fix="use one of " + (", ".join(map(str, section)) or "(none yet: add one in the widget)"))
    return Lifecycle.from_dict(section[name], name=name, path=path)


def save_lifecycle(lifecycle, path: str | Path, name: str = "main", *, force: bool = False) -> None:
    """Validate, then write `lifecycle` into the data file atomically."""
    lifecycle.validate(path=path)
    data_file(path).put("lifecycles", name, lifecycle.to_dict(), force=force)
