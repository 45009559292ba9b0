"""What killed runs leave behind, and how to tell it from what live ones are using.

- Temporary files of single-file writes (`.NNNN-slug.ipynb.XXXXXXXX.tmp`, and the
  journal's own) whose writer died: a writer holds an advisory lock on its temporary
  file while it writes it, so one nobody holds is a leftover (`sweep_strays`, run by
  journal recovery with the log's lock held).
- Staging folders of killed site builds (`.site.building-XXXX`): a build holds a lock
  on its staging folder while it runs (`claim_folder`); `sweep_folders` removes the
  ones nobody holds.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import Iterable

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: an open file cannot be removed anyway
    fcntl = None  # type: ignore[assignment]

__all__ = ["is_stray", "sweep_strays", "claim_folder", "sweep_folders"]

_STRAY = re.compile(r"^\.(?:\d+-.+\.(?:ipynb|yaml)|\.adrkit-journal\.json)\.[0-9a-z_]{8}\.(?:tmp|bak)$")


def is_stray(name: str) -> bool:
    """Whether a file name is one of adrkit's temporary or backup names in a log."""
    return bool(_STRAY.match(name))


def unheld(path: Path) -> bool:
    """Whether nobody holds the advisory lock on `path` (its writer is gone);
    keeps no lock."""
    if fcntl is None:  # pragma: no cover - Windows: an open file cannot be removed anyway
        return True
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def sweep_strays(folder: Path) -> None:
    try:
        names = [e.name for e in os.scandir(folder) if e.name.startswith(".") and _STRAY.match(e.name)
                 and e.is_file(follow_symlinks=False)]
    except OSError:
        return
    for name in names:
        path = folder / name
        if unheld(path):
            try:
                os.unlink(path)
            except OSError:
                pass


def claim_folder(path: Path) -> int | None:
    """Hold an advisory lock on a staging folder for as long as the returned handle
    is open (close it with `os.close`), so `sweep_folders` knows it is in use."""
    if fcntl is None:  # pragma: no cover - Windows
        return None
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def sweep_folders(parent: Path, prefixes: Iterable[str], *, min_age: float = 10.0) -> list[Path]:
    """Remove the staging folders under `parent` whose names start with one of
    `prefixes`, that nobody holds (their build was killed) and that have not changed
    for `min_age` seconds (a build claims its folder a moment after making it)."""
    removed = []
    prefixes = tuple(prefixes)
    now = time.time()
    try:
        entries = [e for e in os.scandir(parent) if e.name.startswith(prefixes)
                   and e.is_dir(follow_symlinks=False) and now - e.stat().st_mtime >= min_age]
    except OSError:
        return removed
    for entry in entries:
        fd = claim_folder(Path(entry.path))
        if fd is None and fcntl is not None:
            continue
        try:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
        finally:
            if fd is not None:
                os.close(fd)
    return removed
