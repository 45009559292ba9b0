"""Atomic file writes: a temporary file in the same folder, fsync, then os.replace.

`write_atomic` writes one file. `write_all` writes several files so that either all of
them change or none does: every new content is staged in a temp file first, and only
when all are staged are they moved into place; if a move fails, the ones already moved
are put back from their previous bytes.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

__all__ = ["write_atomic", "write_all", "remove_quietly"]


def _stage(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
    except BaseException:
        remove_quietly(tmp)
        raise
    return tmp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Replace `path` with `data` in one step; readers see the old or the new file."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = _stage(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise


def write_all(changes: Mapping[Path, bytes | str | None],
              renames: Iterable[tuple[Path, Path]] = ()) -> None:
    """Apply several writes (content, or None to delete) and renames as one unit.

    All contents are staged before anything is touched. If applying fails half-way,
    the files already changed get their old bytes back, so callers see all or nothing.
    """
    staged: list[tuple[Path, str | None]] = []
    renames = list(renames)
    try:
        for path, data in changes.items():
            if data is None:
                staged.append((Path(path), None))
            else:
                raw = data.encode("utf-8") if isinstance(data, str) else data
                staged.append((Path(path), _stage(Path(path), raw)))
    except BaseException:
        for _, tmp in staged:
            if tmp:
                remove_quietly(tmp)
        raise

    backups: dict[Path, bytes | None] = {}
    for path, _ in staged:
        backups[path] = path.read_bytes() if path.exists() else None
    for src, dst in renames:
        backups.setdefault(src, src.read_bytes() if src.exists() else None)
        backups.setdefault(dst, dst.read_bytes() if dst.exists() else None)
    try:
        for src, dst in renames:
            os.replace(src, dst)
        for path, tmp in staged:
            if tmp is None:
                remove_quietly(path)
            else:
                os.replace(tmp, path)
    except BaseException:
        for _, tmp in staged:
            if tmp:
                remove_quietly(tmp)
        for path, old in backups.items():
            try:
                if old is None:
                    remove_quietly(path)
                else:
                    write_atomic(path, old)
            except OSError:
                pass
        raise
