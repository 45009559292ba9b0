"""The log's lock: one adrkit writer at a time per decision log.

Every command that changes a log holds an exclusive advisory lock (`flock`) on the
file `.adrkit.lock` in the log folder while it reads what it will change and writes
it. A second writer waits, saying once "another adrkit command is changing this log
(pid N); waiting", and gives up with a `LockTimeout` after `timeout` seconds (default
60, or `ADRKIT_LOCK_TIMEOUT`). The kernel drops the lock when its holder dies, so a
killed command never leaves the log locked; the lock file itself is removed by the
holder on release (a waiter checks that the file it locked is still the one at that
name, so removal cannot let two holders in).

Whoever takes the lock first finishes or undoes an interrupted change before doing
anything else (`adrkit.storage.journal.recover`).

For any writer of files in a log (a widget saving a data file, a script):

    from adrkit.storage.lock import log_lock

    with log_lock(log.dir, timeout=10, notify=print):
        ...  # read, check, write (adrkit.storage.atomic)

The lock is re-entrant within a thread: a function that takes it may call another
that takes it again. Threads of one process take turns, like processes do.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from adrkit.core.errors import ConflictError, UsageError
from adrkit.storage.atomic import UMASK, write_error

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt  # type: ignore[import-not-found]

__all__ = ["LOCK_NAME", "DEFAULT_TIMEOUT", "LockTimeout", "log_lock", "current_folder", "holder",
           "lock_timeout"]

LOCK_NAME = ".adrkit.lock"
DEFAULT_TIMEOUT = 60.0
ENV_TIMEOUT = "ADRKIT_LOCK_TIMEOUT"
WAITING = "another adrkit command is changing this log ({who}); waiting"

Notify = Callable[[str], None]


class LockTimeout(ConflictError):
    """Another writer kept the log locked for longer than the caller would wait."""


_guard = threading.Lock()
_thread_locks: dict[str, threading.RLock] = {}
_local = threading.local()


def lock_timeout(given: float | None = None) -> float:
    """`given`, else ADRKIT_LOCK_TIMEOUT, else 60 seconds."""
    if given is not None:
        return float(given)
    raw = os.environ.get(ENV_TIMEOUT)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise UsageError(f"{ENV_TIMEOUT}={raw!r} is not a number of seconds",
                         fix="unset it or give a number such as 60")
    return value


def _stack() -> list[str]:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def current_folder() -> Path | None:
    """The folder whose lock this thread holds (the innermost one), if any."""
    stack = _stack()
    return Path(stack[-1]) if stack else None


def holder(folder: Path) -> str | None:
    """Who holds (or last held) the lock of `folder`: 'pid N' or 'pid N on HOST'."""
    try:
        text = (Path(folder) / LOCK_NAME).read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        return None
    if not text:
        return None
    who = f"pid {text[0]}"
    if len(text) > 1 and text[1] != socket.gethostname():
        who += f" on {text[1]}"
    return who


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except (BlockingIOError, PermissionError):
        return False
    except OSError as exc:
        if exc.errno in (11, 13, 35, 36):  # EAGAIN, EACCES, EWOULDBLOCK (BSD), EDEADLK
            return False
        raise
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (named.st_ino, named.st_dev) == (mine.st_ino, mine.st_dev)


def _open_lock_file(path: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(path, flags, 0o666 & ~UMASK)
    except OSError as exc:
        err = write_error(exc, path.parent, what="cannot be locked for a change")
        if err is exc:
            raise
        raise err from exc


def _acquire(folder: Path, timeout: float, notify: Notify | None) -> int:
    path = folder / LOCK_NAME
    deadline = time.monotonic() + timeout
    delay, told = 0.005, False
    while True:
        fd = _open_lock_file(path)
        if _try_lock(fd):
            if _same_file(fd, path):
                try:  # who holds it, for the message of a waiting writer; not vital
                    os.ftruncate(fd, 0)
                    os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode("utf-8"))
                except OSError:
                    pass
                return fd
            os.close(fd)  # the holder removed the file as we locked it: lock the new one
            continue
        os.close(fd)
        who = holder(folder) or "pid unknown"
        if not told and notify is not None:
            notify(WAITING.format(who=who))
            told = True
        if time.monotonic() >= deadline:
            raise LockTimeout(f"another adrkit command ({who}) is still changing this log after "
                              f"{timeout:g} s", path=folder,
                              fix=f"wait for it to finish and run this again, or set {ENV_TIMEOUT} "
                                  "to wait longer")
        time.sleep(min(delay, max(deadline - time.monotonic(), 0.001)))
        delay = min(delay * 2, 0.1)


def _release(folder: Path, fd: int) -> None:
    path = folder / LOCK_NAME
    try:
        if _same_file(fd, path):
            os.unlink(path)
    except OSError:
        pass
    finally:
        os.close(fd)


def _thread_lock(key: str) -> threading.RLock:
    with _guard:
        return _thread_locks.setdefault(key, threading.RLock())


@contextmanager
def log_lock(folder: str | Path, *, timeout: float | None = None, notify: Notify | None = None,
             recover: bool = True) -> Iterator[Path]:
    """Hold the exclusive lock of the log in `folder` (made if missing, and removed
    again if still empty on release); yields the folder's real path. With `recover`
    (the default) an interrupted change found there is finished or undone first."""
    wait = lock_timeout(timeout)
    folder = Path(folder)
    made = False
    if not folder.is_dir():
        try:
            folder.mkdir(parents=True)
            made = True
        except FileExistsError:
            pass
        except OSError as exc:
            err = write_error(exc, folder, what="cannot be created")
            if err is exc:
                raise
            raise err from exc
    key = os.path.realpath(folder)
    stack = _stack()
    if key in stack:  # re-entered by this thread
        stack.append(key)
        try:
            yield Path(key)
        finally:
            stack.pop()
        return
    in_process = _thread_lock(key)
    if not in_process.acquire(timeout=wait):
        raise LockTimeout("another thread of this process is still changing this log after "
                          f"{wait:g} s", path=folder, fix="wait for it to finish")
    try:
        fd = _acquire(Path(key), wait, notify)
        stack.append(key)
        try:
            if recover:
                from adrkit.storage import journal

                journal.recover(Path(key), notify=notify)
            yield Path(key)
        finally:
            stack.pop()
            _release(Path(key), fd)
            if made:
                try:
                    folder.rmdir()
                except OSError:
                    pass
    finally:
        in_process.release()
