"""The record index: every decision of a log as its front matter says, without reading
the notebooks that have not changed.

`RecordIndex(log).entries()` lists the log's `NNNN-slug.ipynb` files and returns, per
record, the SHA-256 of the notebook and, when asked for, the parsed `Decision` (or the
error that keeps it from being read), its section headings and its front matter text.
What it learns is kept in a stat-keyed cache (`adrkit.storage.statcache`) in the
project's `.adrkit-cache/records.sqlite`, so `adrkit list`, `show`, `lint` and `build`
read and parse only the notebooks whose size, mtime, inode or ctime changed since, and
parse a kept record only when its front matter is used (a build with nothing to do
needs the digests alone).

The facts kept are the front matter as JSON when it survives JSON unchanged, else its
YAML text (parsed again on use), so a cached record is read exactly as the file would be.
The same listing gives each record's data file, hashed the same way (`data_digest`),
the data files that belong to no record, and record names that are dangling symbolic
links. Any other file (a guide, a template) can be hashed the same way (`file_digest`).
"""
from __future__ import annotations

import functools
import gc
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from adrkit.core.decision import Decision, parse_filename
from adrkit.core.errors import AdrkitError, FormatError
from adrkit.formats.confirmation import check_cells
from adrkit.formats.notebook import cell_text, front_matter_cell, loads_notebook, sections_of
from adrkit.formats.yamlio import parse_front_matter
from adrkit.storage.statcache import StatCache, digest_of

__all__ = ["RecordEntry", "RecordIndex", "default_index_path", "no_gc", "record_facts", "facts_of_file",
           "facts_of_files", "read_items", "ReadItem"]

_RECORD = "record"
_DATA = "data"
_PARSE_AT_ONCE = 32  # more changed records than this are parsed when first asked about
_READ_IN_PROCESSES = 1000  # this many changed records or more are read by forked processes (`entries`)
_CHUNK = 256
_UNSET: Any = object()
_DEFERRED: Any = object()  # read and hashed, to be read again and parsed when first used


def default_index_path(root: Path) -> Path:
    """Where a project keeps its record index: `.adrkit-cache/records.sqlite` beside
    `.adrkit.yaml`."""
    return Path(root) / ".adrkit-cache" / "records.sqlite"


@contextmanager
def no_gc() -> Iterator[None]:
    """Build many small objects without the cycle collector walking them all again
    and again; restores the collector as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class RecordEntry:
    """One record of the log as the index knows it. `decision`, `error`, `sections`
    and `front_matter_text` are parsed from the kept facts on first use."""

    __slots__ = ("path", "number", "slug", "digest", "raw", "data", "_facts", "_unread", "_index", "_st",
                 "_decision", "_error", "_sections", "_text", "_placeholders", "_checks")

    def __init__(self, path: Path, number: int, slug: str):
        self.path, self.number, self.slug = path, number, slug
        self.digest = ""
        self.raw: bytes | None = None           # the notebook's bytes when this run read them
        self.data: os.DirEntry[str] | None = None  # its data file, when there is one
        self._facts: str | None = None
        self._unread: Any = None  # _DEFERRED: read and hashed, not parsed yet
        self._index: RecordIndex | None = None
        self._st: os.stat_result | None = None
        self._decision: Decision | None = None
        self._error: AdrkitError | None = None
        self._sections = ""  # one "key\theading" a line: a log holds thousands of records
        self._text = ""
        self._placeholders = ""  # headings of the cells still holding template text, one a line
        self._checks = True  # whether its notebook has a check cell (True until read)

    @property
    def data_path(self) -> Path:
        return self.path.with_suffix(".yaml")

    def _load(self) -> None:
        facts, self._facts = self._facts, None
        if facts is not None and not _restore(self, facts) and self._index is not None:
            self._index._reread(self)
        if self._unread is not None and self._index is not None:
            self._unread = None
            raw = self._index._read_again(self)
            if raw is not None:
                self._index._parse(self, raw)

    @property
    def deferred(self) -> bool:
        """Read and hashed, not parsed yet (see `RecordIndex.accept`)."""
        return self._unread is not None

    def accept(self, facts: str | None) -> None:
        """Its facts, read elsewhere from the same bytes (`RecordIndex.accept`)."""
        if self._index is not None:
            self._index.accept(self, facts)

    @property
    def decision(self) -> Decision | None:
        self._load()
        return self._decision

    @property
    def error(self) -> AdrkitError | None:
        self._load()
        return self._error

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(template key, heading) of each section heading."""
        self._load()
        return [tuple(line.split("\t", 1)) for line in self._sections.splitlines()]  # type: ignore[misc]

    @property
    def placeholders(self) -> list[str]:
        """The headings of the cells that still hold their template's text (as marked
        when the record was made; authoring hints aside)."""
        self._load()
        return self._placeholders.splitlines()

    @property
    def has_checks(self) -> bool:
        """Whether the notebook has a check: a code cell tagged `confirmation` that holds
        code (`formats.confirmation.check_cells`; a commented-out example is none)."""
        self._load()
        return self._checks

    @property
    def front_matter_text(self) -> str:
        self._load()
        return self._text


class RecordIndex:
    """The records of one log, read through a stat-keyed cache shared by every log of
    the project (pass `cache` to share one store; it is closed by whoever opened it)."""

    def __init__(self, log: Any, cache: StatCache | None = None):
        self.log = log
        self._own = cache is None
        self.cache = cache if cache is not None else StatCache(default_index_path(log.config.root))
        self.orphans: list[Path] = []   # data files of no record (after `entries`)
        self.dangling: list[Path] = []  # record names that are symbolic links to nothing

    def close(self) -> None:
        if self._own:
            self.cache.close()

    def __enter__(self) -> "RecordIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- records -------------------------------------------------------------------
    def entries(self, on_change: Callable[[int], None] | None = None, *, read: bool = True) -> list[RecordEntry]:
        """Every `NNNN-slug.ipynb` of the log (as `DecisionLog.record_paths` lists
        them), in number then name order. `on_change(n)` is told, before any is read,
        that `n` records changed since they were last read. Many changed records are
        hashed here, and read again and parsed when first asked about, or parsed
        elsewhere (`accept`: a build parses them in its worker processes, `read=False`);
        very many are read at once by forked processes, one a core."""
        found, data, dangling = [], {}, []
        folder = os.path.abspath(self.log.dir)
        base = self.log.dir
        with os.scandir(folder) as it:
            for item in it:
                name = item.name
                if name.endswith(".ipynb") and (parsed := parse_filename(name)):
                    if item.is_file() and _utf8(name) and _inside(item, base):
                        found.append((parsed[0], name, parsed[1], item))
                    elif item.is_symlink() and not os.path.exists(item.path):
                        dangling.append(name)
                elif name.endswith(".yaml") and parse_filename(name):
                    data[name[:-5]] = item
        found.sort(key=lambda f: (f[0], f[1]))
        out = []
        with no_gc():
            seen = []
            for number, name, slug, item in found:
                try:
                    st = item.stat()
                except OSError:
                    st = None
                key = f"{folder}/{name}"
                hit = self.cache.lookup(key, _RECORD, st) if st is not None else None
                seen.append((number, name, slug, st, key, hit))
            changed = sum(1 for *_, hit in seen if hit is None or hit.racy)
            if changed and on_change is not None:
                on_change(changed)
            defer = changed > _PARSE_AT_ONCE
            for number, name, slug, st, key, hit in seen:
                entry = self._entry(base / name, number, slug, st, key, hit, defer)
                entry.data = data.pop(name[:-6], None)
                out.append(entry)
        self.orphans = [base / name for name in sorted(f"{stem}.yaml" for stem in data)]
        self.dangling = [base / name for name in sorted(dangling)]
        self.cache.forget_unseen(_RECORD, [folder])
        if read and changed >= _READ_IN_PROCESSES:
            _read_in_processes([e for e in out if e.deferred])
        return out

    def entry(self, path: Path) -> RecordEntry:
        """One record, read through the index."""
        number, slug = parse_filename(path.name)  # type: ignore[misc]
        key = os.path.abspath(path)
        try:
            st = os.stat(path)
        except OSError:
            st = None
        return self._entry(path, number, slug, st, key, self.cache.lookup(key, _RECORD, st) if st else None, False)

    def _entry(self, path: Path, number: int, slug: str, st: os.stat_result | None, key: str, hit: Any,
               defer: bool) -> RecordEntry:
        entry = RecordEntry(path, number, slug)
        entry._index = self
        if st is None:
            entry._error = FormatError("cannot be read", path=path, fix="check the file and its permissions")
            return entry
        entry._st = st
        if hit is not None and not hit.racy:
            entry.digest, entry._facts = hit.digest, hit.facts
            return entry
        if not self._read_into(entry):
            return entry
        if hit is not None and hit.digest == entry.digest and _restore(entry, hit.facts):
            self.cache.store(key, _RECORD, st, entry.digest, hit.facts)  # no longer racy
            return entry
        if defer:  # the bytes are not kept: many changed records would all be in memory at once
            entry.raw, entry._unread = None, _DEFERRED
        else:
            self._parse(entry, entry.raw)  # type: ignore[arg-type]
        return entry

    def accept(self, entry: RecordEntry, facts: str | None) -> None:
        """The facts of a deferred `entry`, computed elsewhere from the same bytes
        (`facts_of_file`, in a worker process); None leaves it to be read when used."""
        if entry._unread is None or facts is None:
            return
        entry._unread = None
        if not _restore(entry, facts):
            entry._unread = _DEFERRED
        elif entry._st is not None:
            self.cache.store(os.path.abspath(entry.path), _RECORD, entry._st, entry.digest, facts)

    def _read_again(self, entry: RecordEntry) -> bytes | None:
        """A deferred entry's bytes; when they are no longer the ones hashed, the new
        ones are read but not kept under the old stat."""
        hashed = entry.digest
        if not self._read_into(entry):
            return None
        raw, entry.raw = entry.raw, None
        if entry.digest != hashed:
            entry._st = None
        return raw

    def _parse(self, entry: RecordEntry, raw: bytes) -> None:
        facts = _read(entry, raw)
        if entry._st is not None:
            self.cache.store(os.path.abspath(entry.path), _RECORD, entry._st, entry.digest,
                             json.dumps(facts, ensure_ascii=False))

    def _read_into(self, entry: RecordEntry) -> bool:
        try:
            raw = entry.path.read_bytes()
        except IsADirectoryError:
            entry._error = FormatError("is a folder, not a notebook", path=entry.path, fix="move it out of the log")
            return False
        except OSError as exc:
            entry._error = FormatError(f"cannot be read: {exc.strerror}", path=entry.path,
                                       fix="check the file and its permissions")
            return False
        entry.raw, entry.digest = raw, digest_of(raw)
        return True

    def _reread(self, entry: RecordEntry) -> None:
        """Kept facts that do not parse: read the notebook again and keep fresh ones."""
        key = os.path.abspath(entry.path)
        if entry._st is None or not self._read_into(entry):
            return
        facts = _read(entry, entry.raw)  # type: ignore[arg-type]
        self.cache.store(key, _RECORD, entry._st, entry.digest, json.dumps(facts, ensure_ascii=False))

    # --- other files -------------------------------------------------------------
    def data_digest(self, entry: RecordEntry) -> str | None:
        """The SHA-256 of the record's data file, None when it has none."""
        if entry.data is None:
            return None
        try:
            st = entry.data.stat()
        except OSError:
            return self.file_digest(entry.data_path)
        return self._digest(entry.data.path, st)

    def file_digest(self, path: Path) -> str | None:
        """The SHA-256 of any file (a data file, a guide, a template), read only when
        its stat changed; None when there is no such file."""
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return f"unreadable {exc.errno}"
        return self._digest(os.path.abspath(path), st)

    def _digest(self, key: str, st: os.stat_result) -> str:
        hit = self.cache.lookup(key, _DATA, st)
        if hit is not None and not hit.racy:
            return hit.digest
        try:
            with open(key, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            return f"unreadable {exc.errno}"
        digest = digest_of(raw)
        self.cache.store(key, _DATA, st, digest, "")
        return digest

    def facts(self, path: Path, kind: str) -> tuple[os.stat_result, str, str | None] | None:
        """(stat, digest, cached facts or None) of any file, for facts a caller computes
        and keeps with `remember`; None when the file cannot be read."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        hit = self.cache.lookup(os.path.abspath(path), kind, st)
        if hit is not None and not hit.racy:
            return st, hit.digest, hit.facts
        return st, "", None

    def remember(self, path: Path, kind: str, st: os.stat_result, digest: str, facts: str) -> None:
        self.cache.store(os.path.abspath(path), kind, st, digest, facts)


# --- what a record holds, and back ----------------------------------------------------

def record_facts(path: Path, number: int, slug: str, raw: bytes) -> dict[str, Any]:
    """What the index keeps of a record, from its notebook's bytes (a pure function:
    a worker process can compute it)."""
    return _read(RecordEntry(path, number, slug), raw)


def facts_of_file(path: str, number: int, slug: str, digest: str) -> str | None:
    """`record_facts` of the notebook at `path` as JSON, provided it still has `digest`
    (None when it changed or cannot be read: the index reads it itself)."""
    try:
        raw = Path(path).read_bytes()
    except OSError:
        return None
    if digest_of(raw) != digest:
        return None
    return json.dumps(record_facts(Path(path), number, slug, raw), ensure_ascii=False)


ReadItem = tuple[str, int, str, str]  # what a process needs to read a record: path, number, slug, digest


def read_items(entries: list[RecordEntry]) -> list[ReadItem]:
    """What another process needs to read each of `entries` (`facts_of_files`)."""
    return [(str(e.path), e.number, e.slug, e.digest) for e in entries]


def facts_of_files(items: list[ReadItem]) -> list[str | None]:
    """`facts_of_file` of each item, in order."""
    return [facts_of_file(*item) for item in items]


def _read_in_processes(entries: list[RecordEntry]) -> None:
    """Read `entries` (deferred) in forked processes, one a core, when this process may
    fork (more than one core, no other thread: a forked copy of a held lock never
    opens); what they could not read is read here when used."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from adrkit.storage.processes import may_fork, usable_cores

    if not may_fork():
        return
    items = read_items(entries)
    chunks = [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]
    try:
        with ProcessPoolExecutor(usable_cores(), mp_context=multiprocessing.get_context("fork")) as pool:
            with no_gc():
                for start, facts in zip(range(0, len(entries), _CHUNK), pool.map(facts_of_files, chunks)):
                    for entry, one in zip(entries[start:start + _CHUNK], facts):
                        entry.accept(one)
    except (OSError, BrokenProcessPool):
        return  # no processes to be had, or one died: what is left is read here when used


def _read(entry: RecordEntry, raw: bytes) -> dict[str, Any]:
    """Parse the notebook into `entry`; returns the facts to keep."""
    from adrkit.storage.log import refuse_conflict_markers

    try:
        try:
            nb = loads_notebook(raw, path=entry.path)
        except FormatError:
            refuse_conflict_markers(entry.path, raw)  # a git merge's markers, named as such
            raise
        text = cell_text(front_matter_cell(nb, path=entry.path))
        entry._text = text
        sections = [(s.key, s.heading) for s in sections_of(nb)]
        entry._sections = _lines(sections)
        placeholders = _placeholder_headings(nb)
        entry._checks = _CONFIRMATION in raw and bool(check_cells(nb))
        entry._placeholders = "\n".join(placeholders)
        data = parse_front_matter(text, path=entry.path)
        entry._decision = Decision.from_front_matter(data, number=entry.number, slug=entry.slug, path=entry.path)
    except AdrkitError as exc:
        entry._error = exc
        return {"error": [type(exc).__name__, exc.message, exc.where, exc.fix]}
    except (TypeError, AttributeError, ValueError) as exc:
        error = FormatError(f"has an unexpected shape ({exc})", path=entry.path,
                            fix="repair it in JupyterLab or restore it from version control")
        entry._error = error
        return {"error": ["FormatError", error.message, None, error.fix]}
    facts: dict[str, Any] = {"text": text, "sections": sections, "placeholders": placeholders,
                             "checks": entry._checks}
    if _json_exact(data):
        facts["front"] = data
    return facts


_CONFIRMATION = b'"confirmation"'  # the cell tag, as the notebook's JSON holds it


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _inside(item: os.DirEntry[str], folder: Path) -> bool:
    """A file of the log, not a symbolic link out of it (the same rule as
    `DecisionLog.record_paths`): a notebook or data file elsewhere is never read."""
    if not item.is_symlink():
        return True
    from adrkit.storage.paths import real_file_inside

    return real_file_inside(Path(item.path), folder) is not None


def _placeholder_headings(nb: dict[str, Any]) -> list[str]:
    from adrkit.formats.celltags import HINT, tags_of
    from adrkit.formats.notebook import placeholder_paragraphs

    out = []
    for cell in (nb.get("cells") or [])[1:]:
        if isinstance(cell, dict) and HINT not in tags_of(cell) and placeholder_paragraphs(cell):
            out.append(" ".join(cell_text(cell).split("\n", 1)[0].lstrip("# ").split()) or "text")
    return out


def _lines(sections: Any) -> str:
    return "\n".join(f"{k.replace(chr(10), ' ').replace(chr(9), ' ')}\t{h.replace(chr(10), ' ')}" for k, h in sections)


def _json_exact(data: Any) -> bool:
    try:
        return json.loads(json.dumps(data, ensure_ascii=False)) == data
    except (TypeError, ValueError, RecursionError):
        return False


def _restore(entry: RecordEntry, text: str) -> bool:
    """Fill `entry` from kept facts; False when they do not parse (then it is read again)."""
    try:
        facts = json.loads(text)
        if "error" in facts:
            kind, message, where, fix = facts["error"]
            cls = _error_classes().get(kind, FormatError)
            entry._error = cls(message, path=entry.path, where=where, fix=fix)
            return True
        entry._text = facts["text"]
        entry._sections = _lines((str(k), str(h)) for k, h in facts["sections"])
        entry._placeholders = "\n".join(str(h) for h in facts.get("placeholders") or [])
        entry._checks = bool(facts.get("checks", True))
        data = facts["front"] if "front" in facts else parse_front_matter(entry._text, path=entry.path)
        entry._decision = Decision.from_front_matter(data, number=entry.number, slug=entry.slug, path=entry.path)
        return True
    except AdrkitError as exc:  # same file, same code: the same error as reading it
        entry._error = exc
        return True
    except (ValueError, KeyError, TypeError, AttributeError):
        entry._decision = entry._error = None
        return False


@functools.lru_cache(maxsize=1)
def _error_classes() -> dict[str, type[AdrkitError]]:
    from adrkit.core import errors

    from adrkit.storage.log import ConflictMarkers

    return {name: getattr(errors, name) for name in errors.__all__} | {"ConflictMarkers": ConflictMarkers}


