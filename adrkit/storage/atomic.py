"""Atomic file writes: a temporary file in the same folder, fsync, then os.replace.

`write_atomic` replaces one file; `create_new` publishes a new file only if the name is
still free. `write_all` writes several files so that either all of them change or none
does: every new content is staged in a temp file first, the old bytes of every touched
file are read, and only then are they moved into place; if a move fails, the files
already changed get their old bytes back.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from adrkit.core.errors import AdrkitError, ConflictError

__all__ = ["UMASK", "write_atomic", "create_new", "write_all", "remove_quietly"]


def _umask() -> int:
    # Read once at import: changing the umask later would race with other threads.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _umask()


def _target(path: Path) -> Path:
    """Write through a symlink to the file it names, keeping the link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _stage(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~UMASK
        os.chmod(tmp, mode)
    except BaseException:
        remove_quietly(tmp)
        raise
    return tmp


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Replace `path` with `data` in one step; readers see the old or the new file."""
    path = _target(Path(path))
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = _stage(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise
    _sync_dir(path.parent)


def create_new(path: str | Path, data: bytes | str) -> None:
    """Write a new file, failing with ConflictError if the name is taken, even when
    another process creates it in the meantime (hard-link publish, never replace)."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = _stage(path, data)
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise ConflictError("already exists", path=path, fix="choose another title or number")
    finally:
        remove_quietly(tmp)
    _sync_dir(path.parent)


def _read_old(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_all(changes: Mapping[Path, bytes | str | None],
              renames: Iterable[tuple[Path, Path]] = ()) -> None:
    """Apply several writes (content, or None to delete) and renames as one unit.

    Everything that can fail before the first change (staging, reading the old bytes)
    happens first. If applying fails half-way, the changed files get their old bytes
    back; if even that fails, an error lists the files left changed."""
    renames = [(Path(a), Path(b)) for a, b in renames]
    staged: list[tuple[Path, str | None]] = []
    backups: dict[Path, bytes | None] = {}
    try:
        for path, data in changes.items():
            path = _target(Path(path))
            if data is None:
                staged.append((path, None))
            else:
                raw = data.encode("utf-8") if isinstance(data, str) else data
                staged.append((path, _stage(path, raw)))
        for path, _ in staged:
            backups[path] = _read_old(path)
        for src, dst in renames:
            backups.setdefault(src, _read_old(src))
            backups.setdefault(dst, _read_old(dst))
    except BaseException:
        for _, tmp in staged:
            if tmp:
                remove_quietly(tmp)
        raise

    done: list[Path] = []
    try:
        for src, dst in renames:
            os.replace(src, dst)
            done += [src, dst]
        for path, tmp in staged:
            if tmp is None:
                remove_quietly(path)
            else:
                os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for _, tmp in staged:
            if tmp:
                remove_quietly(tmp)
        failed = []
        for path in dict.fromkeys(done + [p for p, _ in staged]):
            old = backups.get(path)
            try:
                if old is None:
                    remove_quietly(path)
                elif _read_old(path) != old:
                    write_atomic(path, old)
            except OSError:
                failed.append(str(path))
        if failed:
            raise AdrkitError("a multi-file write failed and could not be undone",
                              where=", ".join(failed),
                              fix="restore these files from version control, then run 'adrkit lint'")
        raise
    for folder in {p.parent for p, _ in staged}:
        _sync_dir(folder)
