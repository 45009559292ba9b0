"""Stage 6 of the pipeline: put the site in place in one step.

The whole site is written into a staging folder beside the output folder (same file
system), then swapped in: with `renameat2(RENAME_EXCHANGE)` where the system has it,
so readers always see the complete old site or the complete new one; otherwise with
two renames (the output folder is missing for an instant, never half-written). Files
that did not change are hard-linked from the current site rather than written again,
which makes a rebuild cost what changed, not what exists. A build
that fails before the swap leaves the previous site untouched and removes its staging.

An output folder is replaced only if adrkit made it (it holds the `.adrkit-site`
marker) or it is empty, so `--out` pointed at the wrong folder cannot wipe it. An output
folder that is a symbolic link is kept as a link: the folder it points to is replaced.
The site folder gets the permissions of a folder made under the process umask.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from adrkit.storage.atomic import UMASK
from adrkit.storage.leftovers import claim_folder
from adrkit.core.errors import UsageError

__all__ = ["SiteWriter", "MARKER", "check_out_dir", "site_intact"]

MARKER = ".adrkit-site"
_FOLDER_MODE = 0o777 & ~UMASK
_RENAME_EXCHANGE = 2


def check_out_dir(out: Path, protected: list[Path]) -> None:
    """Refuse an output folder that is not a site adrkit built, that holds the log
    (or another protected folder), or that lies inside the log or a guide folder. A
    protected folder that holds the others (the project root) may hold the site."""
    out = out.resolve()
    folders = [folder.resolve() for folder in protected]
    for folder in folders:
        if out == folder or folder.is_relative_to(out):
            raise UsageError(f"--out {out} would replace {folder}",
                             fix="build into a folder of its own, such as site/")
        holds_another = any(other != folder and other.is_relative_to(folder) for other in folders)
        if out.is_relative_to(folder) and not holds_another:
            raise UsageError(f"--out {out} is inside {folder}",
                             fix="build into a folder of its own outside it, such as site/")
    if out.exists():
        if not out.is_dir():
            raise UsageError(f"--out {out} is a file", fix="give a folder for the site")
        if not (out / MARKER).exists() and any(out.iterdir()):
            raise UsageError(f"{out} is not empty and was not made by 'adrkit build'",
                             fix="give a new or empty folder, or remove this one first")


def site_intact(out: Path, manifest: dict[str, list[Any]]) -> bool:
    """True when the folder `out` holds every file of `manifest` as it was written
    (same size and mtime), so a build with nothing new to write can leave it alone."""
    out = Path(os.path.realpath(Path(out).absolute()))
    if not manifest or not (out / MARKER).is_file():
        return False
    for rel, entry in manifest.items():
        try:
            st = os.stat(out / rel)
        except OSError:
            return False
        if st.st_size != entry[1] or st.st_mtime_ns != entry[2]:
            return False
    return True


class SiteWriter:
    """Collects files under a staging folder, then swaps it in for the output folder.

    `previous` is the manifest of the last build (path -> [sha256, size, mtime_ns,
    render key]); a file whose new content has the same hash, and whose old copy is
    untouched since, is hard-linked from the current site instead of written again.
    `keep(rel, key)` does the same without the content, when the caller knows from `key`
    (a hash of everything the file is made from) that it would come out the same. Files
    are never changed in place, so sharing them between the old and the new site is safe."""

    def __init__(self, out: Path, previous: dict[str, list[Any]] | None = None):
        # A symbolic link as the output folder stays a link: the site is built beside
        # and swapped in for the folder it points to.
        self.out = Path(os.path.realpath(Path(out).absolute()))
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.stage = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.building-", dir=self.out.parent))
        # held while this build runs: the clean-up of killed builds leaves it alone
        self._claim = claim_folder(self.stage)
        # mkdtemp makes a private (0700) folder; the site is for whoever serves it.
        os.chmod(self.stage, _FOLDER_MODE)
        self._dirs: set[Path] = {self.stage}
        self._previous = previous or {}
        self.manifest: dict[str, list[Any]] = {}
        self.written = 0
        self.linked = 0

    def write(self, rel: str, data: str | bytes, key: str = "") -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()[:32]
        path = self._target(rel)
        before = self._previous.get(rel)
        if before and before[0] == digest and self._link(rel, path, before, key):
            return
        with open(path, "wb") as fh:
            fh.write(data)
        st = os.stat(path)
        self.manifest[rel] = [digest, st.st_size, st.st_mtime_ns, key]
        self.written += 1

    def adopt(self, rel: str, entry: list[Any]) -> None:
        """A file another process wrote into the staging folder, with its manifest entry."""
        self.manifest[rel] = list(entry)
        self.written += 1

    def write_lines(self, rel: str, pieces: Iterable[str], key: str = "") -> None:
        """`write` for a large file given in pieces: written as they come, never whole
        in memory."""
        with self.stream(rel, key) as out:
            for text in pieces:
                out(text)

    @contextmanager
    def stream(self, rel: str, key: str = "") -> Iterator[Callable[[str], None]]:
        """A function that appends text to the file `rel`, written as it comes."""
        path = self._target(rel)
        digest = hashlib.sha256()

        def append(text: str) -> None:
            data = text.encode("utf-8")
            digest.update(data)
            fh.write(data)

        with open(path, "wb") as fh:
            yield append
        st = os.stat(path)
        self.manifest[rel] = [digest.hexdigest()[:32], st.st_size, st.st_mtime_ns, key]
        self.written += 1

    def keep(self, rel: str, key: str) -> bool:
        """Take `rel` from the current site when the last build wrote it from the same
        `key` and it is untouched since; False when it must be written."""
        before = self._previous.get(rel)
        if not key or not before or len(before) < 4 or before[3] != key:
            return False
        return self._link(rel, self._target(rel), before, key)

    def _link(self, rel: str, path: Path, before: list[Any], key: str) -> bool:
        old = self.out / rel
        try:
            st = os.stat(old)
            if st.st_size != before[1] or st.st_mtime_ns != before[2]:
                return False
            os.link(old, path)
        except OSError:
            return False
        self.manifest[rel] = [before[0], before[1], before[2], key]
        self.linked += 1
        return True

    def copy(self, rel: str, source: Path, key: str = "") -> None:
        if not self.keep(rel, key):
            self.write(rel, Path(source).read_bytes(), key)

    def _target(self, rel: str) -> Path:
        path = (self.stage / rel)
        parent = path.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return path

    def commit(self) -> None:
        """Make the staged site the output folder."""
        try:
            self._commit()
        finally:
            self._release()

    def _release(self) -> None:
        if self._claim is not None:
            os.close(self._claim)
            self._claim = None

    def _commit(self) -> None:
        self.write(MARKER, "This folder is generated by 'adrkit build'; edits here are lost.\n")
        if self.out.exists():
            if _exchange(self.stage, self.out):
                shutil.rmtree(self.stage, ignore_errors=True)  # now holds the old site
                return
            old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.out.parent))
            os.rmdir(old)
            os.replace(self.out, old)
            try:
                os.replace(self.stage, self.out)
            except BaseException:
                os.replace(old, self.out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(self.stage, self.out)

    def abort(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)
        self._release()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux renameat2); False where unsupported."""
    if not hasattr(os, "sched_getaffinity"):  # not Linux
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
