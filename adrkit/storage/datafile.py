"""Reading and writing the data file beside a decision notebook, `NNNN-slug.yaml`.

The file's shape is `adrkit.formats.datafile`'s. Widgets write it on every edit
(atomically); the site and the exporters read it.

Every editor holds its own `DataFile`: the bytes it last read or wrote are its *base*.
A save is a compare-and-swap on the base's content hash: when the file still holds the
base, the entry is written over it; when anyone else wrote in between (another editor
in this kernel, another tab or kernel, the shell, `git pull`), the save merges instead
of overwriting. The other entries of the file are taken as they are on disk; the
edited entry is merged field by field with `adrkit.formats.datamerge.merge3`, so an
outside change to another field is kept, and a field both sides changed is a
`DataConflict` naming each such field, settled per field with `prefer`. Nothing is
written while a conflict is open.

`DataFile._writing` is the one place a save holds exclusive access to the file: the
read, the compare and the write happen inside it. It holds the decision log's
write lock, and nothing else in this module does.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from adrkit.core.errors import ConflictError, FormatError, NotFoundError
from adrkit.formats.datafile import KINDS, dump_data, parse_data
from adrkit.formats.datamerge import Change, Conflict, changes, merge3
from adrkit.storage.atomic import write_atomic
from adrkit.storage.lock import log_lock
from adrkit.storage.paths import real_file_inside

__all__ = ["DataFile", "DataConflict", "Snapshot", "Saved", "data_file", "read_data", "load_tradeoff",
           "save_tradeoff", "load_lifecycle", "save_lifecycle"]


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


@dataclass(frozen=True)
class Snapshot:
    """The file's bytes at one moment, their hash and what they hold."""

    raw: bytes | None
    digest: str | None
    data: dict[str, Any]

    def entry(self, kind: str, name: str) -> dict[str, Any] | None:
        section = self.data.get(kind)
        value = section.get(name) if isinstance(section, dict) else None
        return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Saved:
    """What a save wrote: the entry as stored (mine, with any outside change to it merged
    in) and the outside changes it took: to this entry (`taken`) and elsewhere (`elsewhere`,
    as 'kind.name' of each other entry that changed)."""

    entry: dict[str, Any] | None
    taken: list[Change] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)


class DataConflict(ConflictError):
    """A save that found fields changed both here and on disk. Nothing was written;
    `conflicts` names each field, `theirs` is the entry as the file holds it now."""

    def __init__(self, path: Path, where: str, conflicts: list[Conflict], theirs: dict[str, Any] | None,
                 *, message: str | None = None):
        fields = len(conflicts)
        super().__init__(message or (f"changed on disk since it was loaded: {fields} field"
                                     f"{'s' if fields != 1 else ''} changed both here and there"),
                         path=path, where=where,
                         fix="keep theirs or use yours for each field, or reload to take their version")
        self.conflicts = conflicts
        self.theirs = theirs


class DataFile:
    """One editor's view of a data file: what it last read or wrote (the base)."""

    _in_process = threading.Lock()  # see _writing

    def __init__(self, path: str | Path):
        self.path = Path(path).resolve()
        self.base = Snapshot(None, None, {})
        self.reload()

    @property
    def stem(self) -> str:
        return self.path.stem

    # --- reading ------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The file as it is now (raises FormatError when it does not parse). Bytes equal
        to the base's are not parsed again."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Snapshot(None, None, {})
        digest = _digest(raw)
        if digest == self.base.digest and raw is not None:
            return self.base
        return Snapshot(raw, digest, parse_data(raw, self.path))

    def reload(self) -> dict[str, Any]:
        """Read the file and take it as the base."""
        self.base = self.snapshot()
        return self.base.data

    def changed_on_disk(self) -> bool:
        """Whether the file's bytes differ from the base."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raw = None
        return _digest(raw) != self.base.digest

    def get(self, kind: str, name: str = "main") -> dict[str, Any] | None:
        """The entry as the base holds it."""
        return self.base.entry(kind, name)

    def outside_changes(self, kind: str, name: str, now: Snapshot | None = None) -> list[Change]:
        """How the entry on disk differs from the base's."""
        now = now or self.snapshot()
        return changes(self.base.entry(kind, name) or {}, now.entry(kind, name) or {})

    def rebase(self, now: Snapshot) -> None:
        """Take `now` as the base (after checking its changes leave this entry alone)."""
        self.base = now

    # --- writing ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Exclusive access for one read-compare-write: the decision log's write lock
        (`adrkit.storage.lock.log_lock` on the data file's folder), so another tab,
        kernel or command cannot write between the compare and the rename."""
        with self._in_process, log_lock(self.path.parent):
            yield

    def put(self, kind: str, name: str, value: dict[str, Any] | None, *,
            prefer: Mapping[tuple[str, ...], str] | None = None,
            check: Callable[[dict[str, Any]], None] | None = None) -> Saved:
        """Store one entry (None removes it) and write the file atomically.

        When the file still holds the base, `value` is written as it is. Otherwise the
        entry is merged with the file's (see the module docstring) and every other entry
        is kept as on disk. `prefer` settles conflicting fields ('mine' or 'theirs' by
        path); `check` may refuse a merged entry (raise an AdrkitError), which then counts
        as a conflict. Raises DataConflict, writing nothing, while a conflict is open."""
        if kind not in KINDS:
            raise ValueError(f"unknown data kind {kind!r}")
        where = f"{kind}.{name}"
        with self._writing():
            now = self.snapshot()
            mine = value
            taken: list[Change] = []
            elsewhere: list[str] = []
            if now.digest != self.base.digest:
                base_entry, theirs = self.base.entry(kind, name), now.entry(kind, name)
                merged, conflicts = merge3(base_entry, theirs, mine, prefer=prefer)
                if conflicts:
                    raise DataConflict(self.path, where, conflicts, theirs)
                if merged is not None and check is not None and merged != mine:
                    try:
                        check(merged)
                    except ConflictError:
                        raise
                    except Exception as exc:
                        raise DataConflict(self.path, where, [], theirs, message=(
                            "changed on disk since it was loaded, and the two versions do not fit "
                            f"together: {getattr(exc, 'message', exc)}")) from exc
                taken = changes(mine or {}, merged or {}) if merged != mine else []
                elsewhere = _other_changes(self.base.data, now.data, kind, name)
                mine = merged
            data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in now.data.items()}
            section = dict(data.get(kind) or {})
            if mine is None:
                section.pop(name, None)
            else:
                section[name] = mine
            data[kind] = section
            text = dump_data(data, self.stem)
            write_atomic(self.path, text)
            raw = text.encode("utf-8")
            self.base = Snapshot(raw, _digest(raw), data)
            return Saved(mine, taken, elsewhere)


def _other_changes(before: dict[str, Any], after: dict[str, Any], kind: str, name: str) -> list[str]:
    """'kind.name' of every entry other than kind.name that differs."""
    found = []
    for k in dict.fromkeys([*before, *after]):
        b, a = before.get(k), after.get(k)
        if not (isinstance(b, dict) or b is None) or not (isinstance(a, dict) or a is None):
            if b != a:
                found.append(str(k))
            continue
        for n in dict.fromkeys([*(b or {}), *(a or {})]):
            if (k, n) != (kind, name) and (b or {}).get(n) != (a or {}).get(n):
                found.append(f"{k}.{n}")
    return found


def data_file(path: str | Path) -> DataFile:
    """A new DataFile for `path`, with the file as it is now as its base."""
    return DataFile(path)


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


def save_tradeoff(tradeoff, path: str | Path, name: str = "main") -> None:
    """Validate, then write `tradeoff` into the data file atomically (the other entries
    of the file are kept as they are)."""
    tradeoff.validate(path=path, where=f"tradeoffs.{name}")
    DataFile(path).put("tradeoffs", name, tradeoff.to_dict())


def load_lifecycle(path: str | Path, name: str = "main"):
    """The request lifecycle `name` from a data file (a `Lifecycle`)."""
    from adrkit.core.requestflow import Lifecycle

    path = Path(path)
    section = read_data(path).get("lifecycles") or {}
    if name not in section:
        raise NotFoundError(f"no lifecycle named '{name}'", path=path, where="lifecycles",
                            fix="use one of " + (", ".join(map(str, section)) or "(none yet: add one in the widget)"))
    return Lifecycle.from_dict(section[name], name=name, path=path)


def save_lifecycle(lifecycle, path: str | Path, name: str = "main") -> None:
    """Validate, then write `lifecycle` into the data file atomically (the other entries
    of the file are kept as they are)."""
    lifecycle.validate(path=path)
    DataFile(path).put("lifecycles", name, lifecycle.to_dict())
