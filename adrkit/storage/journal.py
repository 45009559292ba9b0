"""The write-ahead journal: a change to several files survives a kill at any moment.

`write_all` (through `adrkit.storage.atomic.write_all`) changes files in these steps,
holding the log's lock (`adrkit.storage.lock`) throughout:

1. plan: read what every target holds now; refuse if it is not what the caller read
   (compare-and-swap on SHA-256), if a link leads out of the folder, or if a target
   is a folder;
2. intent: write `.adrkit-journal.json` in the locked folder, listing every target
   with the hash of its old and new content, the temporary file that will hold the
   new content and the backup name that will hold the old one, and fsync it. Nothing
   else has been touched yet;
3. stage: write every new content to its temporary file and fsync it, then fsync the
   folders, which makes the journal's name durable before the first rename;
4. apply: per file, keep the old content under its backup name (a hard link), then
   rename the new content into place; a new file is published only if its name is
   still free; a deleted file is renamed to its backup;
5. finish: fsync the folders, remove the backups, remove the journal.

A change of one file needs no journal (its rename is all or nothing): it is staged,
checked and renamed into place directly.

`recover` runs whenever the lock is taken. If a journal is there, its writer died.
When any target already holds its new content, the change passed its point of no
return, so recovery rolls it forward from the staged files; otherwise it rolls back
(nothing was replaced yet), the way SQLite replays or discards its journal. Either way
the temporary and backup files of the journal are removed, then the journal. Files a
person changed after the crash are never overwritten: they are left as found, and the
note names them. What killed single-file writes left is removed too
(`adrkit.storage.leftovers`).
"""
from __future__ import annotations

import errno
import json
import os
import socket
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from adrkit.core.errors import AdrkitError, ConflictError
from adrkit.storage import atomic, leftovers, lock
from adrkit.storage.atomic import fsync_dir, remove_quietly, sha256, temp_name

__all__ = ["JOURNAL_NAME", "Change", "Transaction", "plan", "write_all", "recover", "pending", "JournalError"]

JOURNAL_NAME = ".adrkit-journal.json"
FORMAT = 1

Notify = Callable[[str], None]


class JournalError(AdrkitError):
    """A journal that cannot be read back, or an interrupted change that could not be
    finished or undone."""


@dataclass
class Change:
    """One file of a multi-file write."""

    path: Path            # the file that changes (a link inside the root is followed)
    shown: Path           # the path as the caller named it, for messages
    data: bytes | None    # new content; None removes the file
    old: str | None       # SHA-256 before (None: no file)
    new: str | None       # SHA-256 after (None: no file)
    mode: int | None = None
    tmp: Path | None = None
    backup: Path | None = None

    @property
    def creates(self) -> bool:
        return self.old is None

    @property
    def deletes(self) -> bool:
        return self.new is None


# --- planning -------------------------------------------------------------------------

def _abs(path: str | Path) -> Path:
    return Path(os.path.abspath(path))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _current(path: Path) -> bytes | None:
    """The bytes at `path` (following a link), None when there is no file."""
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        if os.path.islink(path):  # a link to nothing: the name is taken all the same
            return b"\0dangling link " + os.fsencode(os.readlink(path))
        return None
    except IsADirectoryError:
        raise ConflictError("is a folder, not a file", path=path, fix="move it out of the way")


def _through_link(path: Path, root: str, deleting: bool) -> Path:
    """The file a change to `path` touches: a link is followed when it stays inside
    `root` (a removal removes the link itself); a link leading out is refused."""
    if not os.path.islink(path):
        return path
    real = os.path.realpath(path)
    if not _inside(real, root):
        raise ConflictError(f"is a symbolic link to {real}, outside {root}", path=path,
                            fix="adrkit never changes or removes a file through a link that leads out of "
                                "the folder; replace the link with a copy of the file to change it here")
    return path if deleting else Path(real)


def _check(shown: Path, expected: str | None, found: str | None) -> None:
    if expected == found:
        return
    if expected is None:
        raise ConflictError("appeared since this command looked (another program created it)", path=shown,
                            fix="run the command again")
    if found is None:
        raise ConflictError("was removed since this command read it (another program removed it)",
                            path=shown, fix="run the command again")
    raise ConflictError("changed on disk since this command read it (another program saved it)", path=shown,
                        fix="run the command again to apply it on top of that change")


def plan(changes: Mapping[Path, bytes | None], renames: Iterable[tuple[Path, Path]],
         expect: Mapping[Path, str | None], root: Path) -> list[Change]:
    """Every file that really changes, checked against what the caller read."""
    root_real = os.path.realpath(root)
    wanted: dict[Path, tuple[bytes | None, int | None]] = {p: (d, None) for p, d in changes.items()}
    for src, dst in renames:
        if src in wanted or dst in wanted:
            raise ValueError(f"{src} or {dst} is both renamed and written")
        data = _current(_through_link(src, root_real, deleting=False))
        if data is None:
            raise ConflictError("was removed since this command read it (another program removed it)",
                                path=src, fix="run the command again")
        wanted[dst] = (data, os.stat(src).st_mode & 0o7777)
        wanted[src] = (None, None)
    out: list[Change] = []
    for shown, (data, mode) in wanted.items():
        target = _through_link(shown, root_real, deleting=data is None)
        before = _current(target)
        old = sha256(before)
        if shown in expect:
            _check(shown, expect[shown], old)
        if before == data:
            continue
        out.append(Change(target, shown, data, old, sha256(data), mode))
    # new and replaced files first, removals last: a reader never sees a record missing
    out.sort(key=lambda c: c.deletes)
    return out


# --- the journal file ------------------------------------------------------------------

def _rel(path: Path, folder: Path) -> str:
    return os.path.relpath(path, folder)


def _checksum(body: dict) -> str:
    return sha256(json.dumps(body, sort_keys=True, ensure_ascii=True).encode("ascii"))  # type: ignore[return-value]


def _command() -> list[str]:
    return [a[:200] for a in ["adrkit", *sys.argv[1:]][:20]]


class Transaction:
    """One journaled multi-file write in `folder` (the locked folder)."""

    def __init__(self, folder: Path, changes: list[Change], label: str | None = None):
        self.folder = folder
        self.changes = changes
        self.label = label
        self.journal = folder / JOURNAL_NAME
        self.folders = _missing_folders(c.path.parent for c in changes if c.data is not None)
        self._journal_written = False

    # 2. intent
    def write_intent(self) -> None:
        for c in self.changes:
            c.tmp = temp_name(c.path) if c.data is not None else None
            c.backup = temp_name(c.path, "bak") if not c.creates else None
        body = {"adrkit-journal": FORMAT, "pid": os.getpid(), "host": socket.gethostname(),
                "command": self.label or " ".join(_command()),
                "folders": [_rel(f, self.folder) for f in self.folders],
                "changes": [{"path": _rel(c.path, self.folder), "old": c.old, "new": c.new,
                             "tmp": c.tmp and _rel(c.tmp, self.folder),
                             "backup": c.backup and _rel(c.backup, self.folder)} for c in self.changes]}
        body["sha256"] = _checksum(body)
        text = json.dumps(body, indent=1, ensure_ascii=False).encode("utf-8")
        staged = atomic.stage(self.journal, text)
        try:
            atomic.publish_new(staged.path, self.journal)
        except FileExistsError:
            staged.discard()
            raise JournalError("an interrupted change is still pending", path=self.journal,
                               fix="run any adrkit command to finish or undo it first")
        except BaseException:
            staged.discard()
            raise
        staged.close()
        self._journal_written = True

    # 3. stage; then the names of the journal, the staged files and the new folders
    # are made durable together (one fsync per folder), before the first rename
    def stage(self) -> None:
        for folder in self.folders:
            folder.mkdir()
        for c in self.changes:
            if c.data is not None:
                with _about(c):
                    atomic.stage(c.path, c.data, mode=c.mode, hold=False, tmp=c.tmp).close()
        named = {self.folder} | {c.path.parent for c in self.changes if c.tmp} | {f.parent for f in self.folders}
        for folder in named:
            fsync_dir(folder)

    # 4. apply
    def apply(self) -> None:
        for c in self.changes:
            with _about(c):
                _apply(c)

    # 5. finish: once the renames are durable the journal may go (if its removal is
    # lost to a power cut, recovery finds every file new and only cleans up)
    def finish(self) -> None:
        for folder in {c.path.parent for c in self.changes}:
            fsync_dir(folder)
        for c in self.changes:
            if c.backup is not None:  # every staged file was renamed into place
                remove_quietly(c.backup)
        remove_quietly(self.journal)

    def run(self) -> None:
        try:
            self.write_intent()
            self.stage()
            self.apply()
        except BaseException as exc:
            self._undo(exc)
            raise
        atomic.count_write()
        self.finish()

    def _undo(self, exc: BaseException) -> None:
        """Roll back after a failure in this process; the journal stays if even that fails."""
        if not self._journal_written:
            for c in self.changes:
                if c.tmp is not None:
                    _remove(c.tmp)
            return
        try:
            left = _roll_back(self.changes)
            _remove_folders(self.folders, self.changes)
        except OSError as undo_exc:
            raise JournalError("a multi-file write failed and could not be undone "
                               f"({undo_exc.strerror or undo_exc})", path=self.journal,
                               fix="free space or fix permissions, then run any adrkit command to "
                                   "finish undoing it") from exc
        _clean(self.changes, self.journal, self.folder)
        if left:
            raise JournalError("a multi-file write failed, and these files changed meanwhile, so they "
                               "were left as found: " + ", ".join(map(str, left)), path=self.folder,
                               fix="check them with 'git diff', then run 'adrkit lint'") from exc


@contextmanager
def _about(change: Change) -> Iterator[None]:
    """Mark a file system error with the file it was about (not a temporary name)."""
    try:
        yield
    except OSError as exc:
        if not hasattr(exc, "adrkit_path"):
            exc.adrkit_path = change.shown  # type: ignore[attr-defined]
        raise


def _missing_folders(parents: Iterable[Path]) -> list[Path]:
    """The folders a write must make, parents first."""
    missing: set[Path] = set()
    for parent in parents:
        while not parent.is_dir() and parent != parent.parent:
            missing.add(parent)
            parent = parent.parent
    return sorted(missing, key=lambda p: len(p.parts))


def _remove_folders(folders: list[Path], changes: list[Change]) -> None:
    """Remove the folders a rolled-back write made, once its files are gone."""
    for c in changes:
        for extra in (c.tmp, c.backup):
            if extra is not None:
                _remove(extra)
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except FileNotFoundError:
            pass
        except OSError:
            pass  # something else is in it now: keep it


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        pass


def _apply(c: Change) -> None:
    """One file's step of the apply phase; safe to run again after a crash."""
    if c.creates:
        assert c.tmp is not None
        try:
            atomic.publish_new(c.tmp, c.path)
        except FileExistsError:
            raise ConflictError("appeared while this command was writing (another program created it)",
                                path=c.shown, fix="run the command again")
        return
    assert c.backup is not None
    if c.deletes:
        try:
            os.rename(c.path, c.backup)
        except FileNotFoundError:
            _check(c.shown, c.old, None)
        found = sha256(_current(c.backup))
        if found != c.old:
            os.rename(c.backup, c.path)
            _check(c.shown, c.old, found)
        return
    assert c.tmp is not None
    if not os.path.lexists(c.backup):
        try:
            os.link(c.path, c.backup, follow_symlinks=False)
        except FileNotFoundError:
            _check(c.shown, c.old, None)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
                raise
            os.rename(c.path, c.backup)  # no hard links here: the name is empty for an instant
    found = sha256(_current(c.backup))
    if found != c.old:
        if not os.path.lexists(c.path):
            os.rename(c.backup, c.path)
        else:
            os.unlink(c.backup)
        _check(c.shown, c.old, found)
    os.replace(c.tmp, c.path)


# --- recovery -----------------------------------------------------------------------------

def _state(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return sha256(_current(path))
    except AdrkitError:
        return "a folder"


def _roll_forward(changes: list[Change]) -> list[Path]:
    """Finish every change that can be finished; the files changed by someone else."""
    left = []
    for c in changes:
        now = _state(c.path)
        if now == c.new:
            continue
        ready = c.data is None or _state(c.tmp) == c.new
        if (now == c.old or (now is None and _state(c.backup) == c.old)) and ready:
            if now is None and not c.creates and not c.deletes:
                os.replace(c.tmp, c.path)  # type: ignore[arg-type]
            else:
                _apply(c)
        else:
            left.append(c.shown)
    return left


def _roll_back(changes: list[Change]) -> list[Path]:
    """Put every file back as it was; the files changed by someone else."""
    left = []
    for c in reversed(changes):
        now = _state(c.path)
        if now == c.old:
            continue
        if now == c.new or now is None:
            if c.creates:
                os.unlink(c.path)
            elif _state(c.backup) == c.old:
                os.replace(c.backup, c.path)  # type: ignore[arg-type]
            else:
                left.append(c.shown)
        else:
            left.append(c.shown)
    return left


def _clean(changes: list[Change], journal: Path, folder: Path) -> None:
    for parent in {c.path.parent for c in changes}:
        fsync_dir(parent)
    for c in changes:
        for extra in (c.tmp, c.backup):
            if extra is not None:
                _remove(extra)
    _remove(journal)
    fsync_dir(folder)


def _load(journal: Path) -> tuple[dict, list[Change]]:
    fix = (f"the interrupted change it records cannot be read back: check the files it names "
           f"(git status), then delete {journal.name}")
    try:
        body = json.loads(journal.read_bytes())
        given = body.pop("sha256")
        if body.get("adrkit-journal") != FORMAT or given != _checksum(body):
            raise ValueError("checksum")
        folder = journal.parent
        body["folders"] = [folder / f for f in body.get("folders", [])]
        changes = []
        for item in body["changes"]:
            path = folder / item["path"]
            changes.append(Change(path, path, None if item["new"] is None else b"", item["old"], item["new"],
                                  tmp=folder / item["tmp"] if item["tmp"] else None,
                                  backup=folder / item["backup"] if item["backup"] else None))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise JournalError(f"is damaged ({exc.__class__.__name__})", path=journal, fix=fix)
    return body, changes


def recover(folder: Path, *, notify: Notify | None = None) -> str | None:
    """Finish or undo the change an interrupted writer recorded in `folder`, and
    remove what killed runs left there. Call with the lock of `folder` held (taking
    the lock does it). Returns what was done, as the note also given to `notify`."""
    folder = Path(folder)
    note = None
    journal = folder / JOURNAL_NAME
    if os.path.lexists(journal):
        note = _recover_journal(journal)
    leftovers.sweep_strays(folder)
    if note and notify is not None:
        notify(note)
    return note


def _recover_journal(journal: Path) -> str:
    body, changes = _load(journal)
    who = f"'{body.get('command') or 'adrkit'}', pid {body.get('pid', '?')}"
    started = any(_state(c.path) == c.new and c.new != c.old for c in changes)
    try:
        if started:
            left = _roll_forward(changes)
            done = f"finished an interrupted change ({who}): {len(changes) - len(left)} file(s) now hold it"
        else:
            left = _roll_back(changes)
            _remove_folders(body["folders"], changes)
            done = f"undid an interrupted change ({who}): every file is as it was before it"
    except OSError as exc:
        raise JournalError(f"records an interrupted change ({who}) that could not be completed: "
                           f"{exc.strerror or exc}", path=journal,
                           fix="free space or fix permissions, then run any adrkit command again")
    for c in changes:
        if c.shown in left and c.backup is not None and os.path.lexists(c.backup):
            kept = c.path.with_name(c.path.name + ".adrkit-kept")
            os.replace(c.backup, kept)
    _clean(changes, journal, journal.parent)
    if left:
        done += ("; these changed since and were left as found (the version before the interrupted "
                 "change is beside each as NAME.adrkit-kept, where there was one): " + ", ".join(map(str, left)))
    return done


def pending(folder: Path) -> bool:
    """Whether `folder` holds a journal, a lock file or leftovers of a killed run
    (then a reader should take the lock, which waits for a live writer and cleans up
    after a dead one)."""
    try:
        with os.scandir(folder) as it:
            return any(e.name in (JOURNAL_NAME, lock.LOCK_NAME) or leftovers.is_stray(e.name) for e in it
                       if e.name.startswith("."))
    except OSError:
        return False


# --- the entry point ------------------------------------------------------------------------

def _common_folder(paths: list[Path]) -> Path:
    return Path(os.path.commonpath([str(p.parent) for p in paths]))


def write_all(changes: Mapping[Path, bytes | str | None], renames: Iterable[tuple[Path, Path]] = (), *,
              expect: Mapping[Path, str | None] | None = None, root: Path | None = None,
              label: str | None = None) -> None:
    """See `adrkit.storage.atomic.write_all`."""
    items = {_abs(p): (d.encode("utf-8") if isinstance(d, str) else d) for p, d in changes.items()}
    moves = [(_abs(a), _abs(b)) for a, b in renames]
    wanted = {_abs(p): h for p, h in (expect or {}).items()}
    paths = list(items) + [p for pair in moves for p in pair]
    if not paths:
        return
    held = lock.current_folder()
    if root is None:
        everything_inside = held is not None and all(
            _inside(os.path.realpath(p.parent), str(held)) for p in paths)
        root = held if everything_inside else _common_folder(paths)
    folder = held if held is not None else Path(root)
    with lock.log_lock(folder) as locked:
        try:
            todo = plan(items, moves, wanted, Path(root))
            if len(todo) == 1 and _sweepable(todo[0], Path(locked)):
                with _about(todo[0]):
                    _single(todo[0])
            elif todo:
                Transaction(locked, todo, label).run()
        except OSError as exc:
            raise _named(exc, items, moves) from exc


def _sweepable(c: Change, folder: Path) -> bool:
    """Whether a killed single write of `c` leaves only what recovery sweeps: a
    temporary record file directly in the locked folder. Anything else (an image in a
    subfolder, an export) goes through the journal, whose recovery removes it."""
    return (os.path.realpath(c.path.parent) == os.path.realpath(folder)
            and leftovers.is_stray(f".{c.path.name}.00000000.tmp"))


def _single(c: Change) -> None:
    """One file: a rename is all or nothing already, so no journal is needed. The
    staged file is locked while it exists (leftovers tells it from a killed run's)."""
    if c.deletes:
        _check(c.shown, c.old, sha256(_current(c.path)))
        os.unlink(c.path)
    else:
        staged = atomic.stage(c.path, c.data, mode=c.mode)  # type: ignore[arg-type]
        try:
            if c.creates:
                try:
                    atomic.publish_new(staged.path, c.path)
                except FileExistsError:
                    raise ConflictError("appeared while this command was writing (another program created it)",
                                        path=c.shown, fix="run the command again")
            else:
                _check(c.shown, c.old, sha256(_current(c.path)))
                os.replace(staged.path, c.path)
        except BaseException:
            staged.discard()
            raise
        staged.close()
    atomic.count_write()
    fsync_dir(c.path.parent)


def _named(exc: OSError, items: Mapping[Path, bytes | None], moves: list[tuple[Path, Path]]) -> OSError:
    """The file system error with the record it concerns named, not a temporary file."""
    if isinstance(exc, AdrkitError):
        return exc
    shown = getattr(exc, "adrkit_path", None)
    if shown is None:
        shown = next(iter(items), moves[0][0] if moves else Path("."))
    return atomic.write_error(exc, shown)

