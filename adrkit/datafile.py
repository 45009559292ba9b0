"""The structured data beside a decision notebook: `NNNN-slug.yaml`.

Trade-off tables and request lifecycles are data, not prose. They live in a plain
YAML file next to the notebook, keyed by kind and name:

    tradeoffs:
      main: {...}          # adrkit.tradeoff.Tradeoff.to_dict()
    lifecycles:
      main: {...}          # adrkit.requestflow.Lifecycle.to_dict()

Widgets write it on every edit (atomically); the site and the exporters read it.
One `DataFile` object per path is shared inside a process, so two widgets of one
notebook never mistake each other's writes for an outside change; a change made by
anyone else since the last read or write is detected and refused.
"""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import yaml

from .atomic import write_atomic
from .errors import ConflictError, FormatError

__all__ = ["KINDS", "DataFile", "data_file", "read_data", "dump_data"]

KINDS = ("tradeoffs", "lifecycles")
_HEADER = "# Structured data of {stem}: trade-off tables and request lifecycles.\n" \
          "# Edited by the adrkit widgets; safe to edit by hand (keep it valid YAML).\n"


def _digest(raw: bytes | None) -> str | None:
    return None if raw is None else hashlib.sha256(raw).hexdigest()


def _parse(raw: bytes, path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except UnicodeDecodeError:
        raise FormatError("is not UTF-8 text", path=path, fix="restore it from version control")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FormatError(f"does not parse as YAML: {getattr(exc, 'problem', '') or exc}", path=path,
                          where=f"line {mark.line + 1}" if mark else None,
                          fix="fix the YAML (or restore it from version control)")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FormatError("is not a mapping", path=path, fix="start it with 'tradeoffs:' or 'lifecycles:'")
    for kind in KINDS:
        if kind in data and data[kind] is not None and not isinstance(data[kind], dict):
            raise FormatError(f"'{kind}' must map names to tables", path=path, where=kind,
                              fix=f"write '{kind}:' then '  main:' and the fields under it")
    return data


def read_data(path: str | Path) -> dict[str, Any]:
    """The whole data file as a dict ({} when there is none)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    return _parse(raw, path)


def dump_data(data: dict[str, Any], stem: str) -> str:
    ordered = {k: data[k] for k in KINDS if data.get(k)}
    ordered.update({k: v for k, v in data.items() if k not in KINDS})
    body = yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100) if ordered else "{}\n"
    return _HEADER.format(stem=stem) + body


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
            self._data = _parse(raw, self.path) if raw is not None else {}
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
