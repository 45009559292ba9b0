"""The decision log on disk: find it, list its records, resolve a reference, number
new records, and save one or several records atomically.

A project records where its decisions live in `.adrkit.yaml` at its root
(`adrkit.storage.config`); commands find it by walking up from the working folder,
as git finds `.git`.

Each record remembers the SHA-256 of the bytes it was read from, and saving checks
that the file still holds them (compare-and-swap), so a change another program made
in between is reported, never overwritten. Writers hold the log's lock
(`DecisionLog.lock`); `DecisionLog.recover` finishes or undoes what a killed command
left, and is what every command runs first.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from adrkit.core.decision import Decision, make_stem, parse_filename, slug_budget
from adrkit.core.errors import AdrkitError, ConflictError, FormatError, NotFoundError, UsageError
from adrkit.formats.notebook import (cell_text, decision_from_notebook, dumps_notebook, loads_notebook,
                                     sections_of, set_front_matter)
from adrkit.storage.atomic import create_new, name_max, write_all, write_atomic
from adrkit.storage.config import CONFIG_NAME, DEFAULT_DIR, Config, default_log_name, find_config
from adrkit.storage.paths import real_file_inside

__all__ = ["Record", "DecisionLog", "ConflictMarkers", "refuse_conflict_markers", "find_log", "init_log",
           "ignore_generated"]

_MARKERS = re.compile(rb"^(<{7}|>{7})(?: |$)", re.MULTILINE)


class ConflictMarkers(FormatError):
    """A notebook holding the conflict markers of an unfinished git merge."""


@dataclass
class Record:
    """A decision as stored: its notebook path, the parsed decision and the notebook,
    and the SHA-256 of the bytes read (None for a record not yet written)."""

    path: Path
    decision: Decision
    notebook: dict[str, Any]
    digest: str | None = None

    @property
    def data_path(self) -> Path:
        return self.path.with_suffix(".yaml")

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(template key, heading) of each section heading, as `RecordEntry` has them."""
        return [(s.key, s.heading) for s in sections_of(self.notebook)]

    @property
    def front_matter_text(self) -> str:
        return cell_text(self.notebook["cells"][0]) if self.notebook.get("cells") else ""


def _utf8(name: str) -> bool:
    """False for a file name that is not UTF-8 (its bytes come back as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class DecisionLog:
    """The folder of decision notebooks, and operations over all of it. `name` is the
    log's name in the project's settings (its folder's name when they list none)."""

    def __init__(self, directory: Path, config: Config | None = None, name: str | None = None,
                 title: str = ""):
        self.dir = Path(directory)
        self.config = config or Config(root=self.dir.parent, decisions=self.dir.name)
        spec = None if name else self._spec()
        self.name = name or (spec.name if spec else default_log_name(self.dir.name))
        self.title = title or (spec.title if spec else "")

    def _spec(self) -> Any:
        """The entry of the settings' `logs` naming this folder, if any."""
        here = os.path.normpath(os.path.abspath(self.dir))
        for spec in self.config.all_logs():
            if os.path.normpath(os.path.abspath(self.config.root / spec.folder)) == here:
                return spec
        return None

    # --- discovery ----------------------------------------------------------------
    def record_paths(self) -> list[Path]:
        """Every `NNNN-slug.ipynb` in the log, in number then name order; a symbolic
        link to a file outside the log is not a record of it (`real_file_inside`), nor
        is a file whose name is not UTF-8 (the build warns about both)."""
        found = []
        with os.scandir(self.dir) as it:
            for entry in it:
                if entry.name.endswith(".ipynb") and _utf8(entry.name) and entry.is_file() \
                        and (not entry.is_symlink() or real_file_inside(Path(entry.path), self.dir)):
                    parsed = parse_filename(entry.name)
                    if parsed:
                        found.append((parsed[0], entry.name))
        return [self.dir / name for _, name in sorted(found)]

    def read(self, path: Path) -> Record:
        number, slug = parse_filename(path.name)  # type: ignore[misc]
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise NotFoundError("no such file", path=path)
        except IsADirectoryError:
            raise FormatError("is a folder, not a notebook", path=path, fix="move it out of the log")
        try:
            nb = loads_notebook(raw, path=path)
            decision = decision_from_notebook(nb, number=number, slug=slug, path=path)
        except FormatError:
            refuse_conflict_markers(path, raw)
            raise
        except (TypeError, AttributeError, ValueError) as exc:
            raise FormatError(f"has an unexpected shape ({exc})", path=path,
                              fix="repair it in JupyterLab or restore it from version control")
        return Record(path, decision, nb, hashlib.sha256(raw).hexdigest())

    def load_all(self) -> tuple[list[Record], list[AdrkitError]]:
        """All records that read cleanly, and an error for each one that does not."""
        records, problems = [], []
        for path in self.record_paths():
            try:
                records.append(self.read(path))
            except AdrkitError as exc:
                problems.append(exc)
        return records, problems

    def records(self) -> list[Record]:
        """All records; the first unreadable one is an error."""
        records, problems = self.load_all()
        if problems:
            raise problems[0]
        return records

    # --- references ---------------------------------------------------------------
    def resolve(self, ref: str, records: Iterable[Record] | None = None) -> Record:
        """A record by number ('7', '0007'), file name, stem, or part of its slug."""
        ref = unicodedata.normalize("NFKC", str(ref)).strip()
        if not Path(ref).name.strip(". "):
            raise UsageError(f"'{ref}' is not a decision reference", fix="give a number or part of a slug")
        if records is None:
            records = self._records_for(ref)
        records = list(records)
        name = Path(ref).name
        for suffix in (".ipynb", ".yaml", ".md", ".html"):
            if name.endswith(suffix):
                name = name[: -len(suffix)]
        if re.fullmatch(r"\d+", name):
            hits = [r for r in records if r.decision.number == int(name)]
        else:
            hits = [r for r in records if r.decision.stem == name]
            if not hits:
                needle = name.lower()
                hits = [r for r in records if needle in r.decision.slug.lower()]
        if not hits:
            self._refuse_outside_link(name)
            raise NotFoundError(f"no decision matches '{ref}'", path=self.dir,
                                fix="run 'adrkit list' to see numbers and slugs")
        if len(hits) > 1:
            names = ", ".join(r.path.name for r in hits[:5])
            raise UsageError(f"'{ref}' matches {len(hits)} decisions: {names}",
                             fix="give the full file name or a longer part of the slug")
        return hits[0]

    def _refuse_outside_link(self, name: str) -> None:
        """A reference that names a notebook linked in from outside the log gets an
        error naming that link, rather than 'no decision matches'."""
        with os.scandir(self.dir) as it:
            for entry in it:
                parsed = parse_filename(entry.name) if entry.name.endswith(".ipynb") else None
                if not parsed or not entry.is_symlink() or real_file_inside(Path(entry.path), self.dir):
                    continue
                number, slug = parsed
                if (name.isdigit() and int(name) == number) or name == Path(entry.name).stem \
                        or (not name.isdigit() and name.lower() in slug.lower()):
                    raise FormatError("is a symbolic link to a file outside the decision log; adrkit reads, "
                                      "changes and deletes no file through it", path=Path(entry.path),
                                      fix="copy the notebook into the log instead of linking it")

    def _records_for(self, ref: str) -> list[Record]:
        """Read only the files a reference can match (the others may even be broken)."""
        name = unicodedata.normalize("NFKC", Path(ref).name.split(".")[0])
        paths = self.record_paths()
        if re.fullmatch(r"\d+", name):
            paths = [p for p in paths if parse_filename(p.name)[0] == int(name)]  # type: ignore[index]
        else:
            needle = name.lower()
            paths = [p for p in paths if needle in p.stem.lower()]
        return [self.read(p) for p in paths]

    def next_number(self) -> int:
        numbers = [parse_filename(p.name)[0] for p in self.record_paths()]  # type: ignore[index]
        return max(numbers, default=0) + 1

    def path_for(self, number: int, slug: str) -> Path:
        return self.dir / f"{make_stem(number, slug)}.ipynb"

    def slug_bytes(self) -> int:
        """How many bytes of UTF-8 a slug may have here: the file system's name limit
        less the number, the '.ipynb' and the temporary-file affixes."""
        return slug_budget(name_max(self.dir if self.dir.is_dir() else self.dir.parent))

    # --- locking and recovery -------------------------------------------------------
    @contextmanager
    def lock(self, *, timeout: float | None = None,
             notify: Callable[[str], None] | None = None) -> Iterator[Path]:
        """Hold the log's lock (see `adrkit.storage.lock`); re-entrant."""
        from adrkit.storage.lock import log_lock

        with log_lock(self.dir, timeout=timeout, notify=notify) as folder:
            yield folder

    def recover(self, *, notify: Callable[[str], None] | None = None, timeout: float | None = None) -> None:
        """Finish or undo a change a killed command left, and remove its leftovers
        (temporary files, the staging folders of a killed site build). Waits for a
        writer that is still at work. On a log that cannot be written, says what is
        pending instead."""
        from adrkit.storage import journal, leftovers

        site = self.config.root / self.config.site_out
        left = (f".{site.name}.building-",) + ((f".{site.name}.old-",) if site.is_dir() else ())
        leftovers.sweep_folders(site.parent, left)
        if not journal.pending(self.dir):
            return
        try:
            with self.lock(timeout=timeout, notify=notify):
                pass
        except OSError as exc:  # a read-only log: report, do not fail a reader
            if notify is not None and os.path.lexists(self.dir / journal.JOURNAL_NAME):
                notify(f"{self.dir}: an interrupted change is pending and cannot be finished here "
                       f"({exc.strerror or exc}); what is shown may be half-changed: make the folder "
                       "writable and run any adrkit command")

    # --- writing ------------------------------------------------------------------
    def create(self, path: Path, notebook: dict[str, Any]) -> None:
        """Write a new record; never replaces a file that exists."""
        with self.lock():
            create_new(path, dumps_notebook(notebook))

    def save_many(self, records: Iterable[Record], *, renames: Iterable[tuple[Path, Path]] = ()) -> None:
        """Write every record's front matter back, all or nothing, each only if its
        file still holds what was read (a record never written must not exist yet)."""
        changes, expect = {}, {}
        for rec in records:
            set_front_matter(rec.notebook, rec.decision)
            changes[rec.path] = dumps_notebook(rec.notebook)
            expect[rec.path] = rec.digest
        with self.lock():
            write_all(changes, renames, expect=expect, root=self.dir)


def refuse_conflict_markers(path: Path, raw: bytes) -> None:
    """A notebook that does not parse because a git merge left its markers in it is
    reported as that, with the line of the first marker."""
    found = _MARKERS.search(raw)
    if found and re.search(rb"^={7}$", raw, re.MULTILINE):
        line = raw.count(b"\n", 0, found.start()) + 1
        raise ConflictMarkers("holds the conflict markers of an unfinished git merge", path=path,
                              where=f"line {line}",
                              fix="resolve the conflict (keep one side or merge both), then 'git add' it")


def find_log(explicit: str | Path | None = None, start: Path | None = None) -> DecisionLog:
    """The decision log: `explicit` (a --dir option or ADRKIT_DIR), else the nearest
    `.adrkit.yaml` walking up from `start`, else a `decisions/` folder in `start`."""
    start = Path(start or Path.cwd()).resolve()
    explicit = explicit or os.environ.get("ADRKIT_DIR")
    if explicit:
        directory = Path(explicit)
        if not directory.is_absolute():
            directory = start / directory
        if not directory.is_dir():
            raise NotFoundError("no decision log here", path=directory,
                                fix="run 'adrkit init' or point --dir at the decisions folder")
        config = find_config(directory.resolve())
        if config is None or (config.root / config.decisions).resolve() != directory.resolve():
            config = Config(root=directory.parent, decisions=directory.name)
        return DecisionLog(directory, config)
    config = find_config(start)
    if config is not None:
        directory = config.root / config.decisions
        if not directory.is_dir():
            raise NotFoundError("the decision log folder is missing", path=directory,
                                fix=f"create it with 'adrkit init {config.decisions}' or fix {config.path}")
        return DecisionLog(directory, config)
    fallback = start / DEFAULT_DIR
    if fallback.is_dir():
        return DecisionLog(fallback, Config(root=start))
    raise NotFoundError("no decision log found in this folder or any parent", path=start,
                        fix="run 'adrkit init' to create one, or pass --dir")


def init_log(root: Path, directory: str = DEFAULT_DIR) -> tuple[DecisionLog, bool]:
    """Create the log folder and `.adrkit.yaml`; returns (log, created)."""
    root = Path(root).resolve()
    rel = Path(directory)
    if rel.is_absolute():
        try:
            rel = rel.resolve().relative_to(root)
        except ValueError:
            raise UsageError(f"{directory} is outside {root}",
                             fix="run 'adrkit init' from the project folder that holds it")
    if ".." in rel.parts:
        raise UsageError(f"{directory} climbs out of {root}", fix="give a folder inside the project")
    target = root / rel
    config_path = root / CONFIG_NAME
    if config_path.exists():
        existing = Config.load(config_path)
        if Path(existing.decisions) != rel:
            raise ConflictError(f"already records the log in '{existing.decisions}'", path=config_path,
                                fix="edit that file to move the log, or init another project folder")
        target.mkdir(parents=True, exist_ok=True)
        return DecisionLog(target, existing), False
    target.mkdir(parents=True, exist_ok=True)
    config = Config(root=root, decisions=rel.as_posix())
    write_atomic(config_path, config.dump())
    ignore_generated(root, config)
    return DecisionLog(target, config), True


GENERATED = (".adrkit-cache/",)


def ignore_generated(root: Path, config: Config) -> bool:
    """Write `.gitignore` lines for what adrkit generates (the site, the build cache),
    adding to a `.gitignore` that exists and keeping its lines; True when it changed."""
    path = root / ".gitignore"
    wanted = [f"/{config.site_out.strip('/')}/", *GENERATED]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in wanted if line not in have and line.strip("/") not in have]
    if not missing:
        return False
    block = "# generated by adrkit: the published site and the build cache\n" + "\n".join(missing) + "\n"
    write_atomic(path, text + ("\n" if text and not text.endswith("\n") else "") + block)
    return True
