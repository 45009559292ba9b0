"""Atomic file writes: a temporary file in the same folder, fsync, then a rename.

- `write_atomic` replaces one file; readers see the old or the new file, never a part.
- `create_new` publishes a new file only if the name is still free, even when another
  process creates it in the meantime (the name is taken with a hard link, never
  replaced).
- `write_all` writes several files so that either all of them change or none does,
  also when the process is killed half-way: the change is first recorded in a
  write-ahead journal (`adrkit.storage.journal`) that the next adrkit command finishes
  or undoes. It takes the log's lock (`adrkit.storage.lock`), checks that every file
  is still what the caller read (compare-and-swap on content hashes), creates new
  files exclusively, and never changes a file through a symbolic link that leads out
  of the folder being written.

Failures of the file system (a full disk, a read-only folder, a refused permission)
become `WriteError`s that name the file being written and the fix, never a temporary
name. Temporary files are named `.NAME.XXXXXXXX.tmp` beside their target, cut to fit
the file system's name limit; while one is being written its writer holds an
advisory lock on it, so the clean-up of killed runs can tell it from a leftover.
"""
from __future__ import annotations

import errno
import hashlib
import os
import secrets
from pathlib import Path
from typing import Iterable, Mapping

from adrkit.core.errors import AdrkitError, ConflictError

try:  # POSIX advisory locks; absent on Windows, where an open file cannot be deleted anyway
    import fcntl
except ImportError:  # pragma: no cover - exercised only on Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["UMASK", "WriteError", "write_atomic", "create_new", "write_all", "remove_quietly",
           "sha256", "temp_name", "fsync_dir", "name_max", "Staged", "stage", "publish_new",
           "write_error", "writes_done", "count_write"]


def _umask() -> int:
    # Read once at import: changing the umask later would race with other threads.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _umask()
_TOKEN_CHARS = 8
_writes = 0


def writes_done() -> int:
    """How many writes this process has completed (a command compares the count
    before and after to know whether it changed anything)."""
    return _writes


def count_write() -> None:
    global _writes
    _writes += 1


class WriteError(AdrkitError, OSError):
    """The file system refused a write: the disk is full, the folder is read-only, a
    permission is missing. Names the file being written (never a temporary name) and
    the fix; still an OSError, so callers that catch file system errors see it."""

    def __init__(self, message: str, *, path=None, where=None, fix=None, code: int | None = None):
        AdrkitError.__init__(self, message, path=path, where=where, fix=fix)
        self.errno = code
        self.strerror = message
        self.filename = None

    __str__ = AdrkitError.__str__


_REASONS = {
    errno.ENOSPC: ("the disk is full", "free some space, then run the command again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space, then run the command again"),
    errno.EROFS: ("the file system is read-only", "run the command on a writable copy, or remount the folder "
                                                  "read-write"),
    errno.EACCES: ("permission denied", "make {folder} writable for this user"),
    errno.EPERM: ("the operation is not permitted", "make {folder} writable for this user"),
    errno.EIO: ("the disk reported an input/output error", "check the disk, then run the command again"),
}


def write_error(exc: OSError, path: Path, *, what: str = "was not written",
                changed_nothing: bool = True) -> OSError:
    """The one-line error for an OSError met while writing `path` (the record, not a
    temporary file); an errno without a known reason is returned unchanged."""
    reason = _REASONS.get(exc.errno or -1)
    if reason is None:
        return exc
    message, fix = reason
    fix = fix.format(folder=path.parent)
    if changed_nothing:
        fix += " (nothing was changed)"
    return WriteError(f"{message}, so it {what}", path=path, fix=fix, code=exc.errno)


def sha256(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def name_max(folder: Path) -> int:
    """The longest file name (in bytes) the file system of `folder` accepts."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return 255


def temp_name(path: Path, kind: str = "tmp") -> Path:
    """`.NAME.XXXXXXXX.kind` beside `path`, NAME cut so the whole fits the name limit."""
    token = secrets.token_hex(_TOKEN_CHARS // 2)
    limit = name_max(path.parent) - len(token) - len(kind) - 3
    raw = path.name.encode("utf-8", "surrogateescape")
    if len(raw) > limit:
        raw = raw[:max(limit, 1)]
        name = raw.decode("utf-8", "ignore") or "x"
    else:
        name = path.name
    return path.with_name(f".{name}.{token}.{kind}")


def fsync_dir(folder: Path) -> None:
    """Make the names in `folder` durable (a rename is not durable until its folder is)."""
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


def _mode_for(path: Path) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        return 0o666 & ~UMASK


class Staged:
    """A temporary file holding new content, written and fsynced, with its advisory
    lock held until `close` (so clean-up never takes it for a leftover)."""

    def __init__(self, path: Path, fd: int | None):
        self.path = path
        self._fd = fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def discard(self) -> None:
        remove_quietly(self.path)
        self.close()


def stage(target: Path, data: bytes, *, mode: int | None = None, hold: bool = True,
          tmp: Path | None = None) -> Staged:
    """Write `data` to a new temporary file beside `target` and fsync it. The name
    is `tmp` when given (the journal chose it and made the folder), else a fresh one."""
    if tmp is None:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = temp_name(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        if fcntl is not None and hold:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        wanted = _mode_for(target) if mode is None else mode
        if hasattr(os, "fchmod"):
            os.fchmod(fd, wanted)
        else:  # pragma: no cover - Windows before Python 3.13
            os.chmod(tmp, wanted)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        remove_quietly(tmp)
        raise
    if not hold:
        os.close(fd)
        fd = None
    return Staged(tmp, fd)


def _target(path: Path) -> Path:
    """Write through a symlink to the file it names, keeping the link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _as_bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Replace `path` with `data` in one step; readers see the old or the new file.
    A symbolic link is kept: the file it names is replaced."""
    shown = Path(path)
    path = _target(shown)
    staged = None
    try:
        staged = stage(path, _as_bytes(data))
        os.replace(staged.path, path)
    except OSError as exc:
        if staged is not None:
            remove_quietly(staged.path)
        raise write_error(exc, shown) from exc
    finally:
        if staged is not None:
            staged.close()
    count_write()
    fsync_dir(path.parent)


def publish_new(tmp: Path, path: Path) -> None:
    """Give the staged file `tmp` the name `path` only if that name is free; raises
    FileExistsError otherwise. Hard link where the file system has them, else an
    exclusive rename (Linux renameat2), else a rename after a check."""
    try:
        os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV):
            raise
        if not _rename_noreplace(tmp, path):
            if os.path.lexists(path):
                raise FileExistsError(errno.EEXIST, "File exists", str(path))
            os.rename(tmp, path)
        return
    remove_quietly(tmp)


def _rename_noreplace(src: Path, dst: Path) -> bool:
    """renameat2(RENAME_NOREPLACE); False where the system lacks it."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(-100, os.fsencode(src), -100, os.fsencode(dst), 1) == 0:
        return True
    err = ctypes.get_errno()
    if err == errno.EEXIST:
        raise FileExistsError(err, "File exists", str(dst))
    return False


def create_new(path: str | Path, data: bytes | str) -> None:
    """Write a new file, failing with ConflictError if the name is taken, even when
    another process creates it in the meantime (hard-link publish, never replace)."""
    path = Path(path)
    staged = None
    try:
        staged = stage(path, _as_bytes(data))
        publish_new(staged.path, path)
    except FileExistsError:
        if staged is not None:
            staged.discard()
        raise ConflictError("already exists", path=path, fix="choose another title or number")
    except OSError as exc:
        if staged is not None:
            staged.discard()
        raise write_error(exc, path, what="was not created") from exc
    finally:
        if staged is not None:
            staged.close()
    count_write()
    fsync_dir(path.parent)


def write_all(changes: Mapping[Path, bytes | str | None],
              renames: Iterable[tuple[Path, Path]] = (), *,
              expect: Mapping[Path, str | None] | None = None,
              root: Path | None = None, label: str | None = None) -> None:
    """Apply several writes (content, or None to delete) and renames as one unit,
    surviving a kill at any point (see `adrkit.storage.journal`).

    `expect` maps a path to the SHA-256 of the bytes the caller read from it (None:
    the caller saw no file there); a file that changed since is not overwritten and
    a `ConflictError` names it. Paths without an expectation must still hold what
    they held when this call read them, and a path that held no file is created
    exclusively. `root` is the folder being written (default: the folder of the
    log whose lock is held, else the folders' common parent); a symbolic link that
    leads out of it is never written or deleted through."""
    from adrkit.storage import journal

    journal.write_all(changes, renames, expect=expect, root=root, label=label)
