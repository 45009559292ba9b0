"""Stage 1 of the pipeline: gather what the site is made of, from file stats first.

Every source file of a build is found here, and nowhere else:

- the decision records of every log of the project (`adrkit.storage.project`), through
  the record index (`adrkit.storage.records`): a record whose size, mtime, inode and
  ctime are what the index saw last is not read again, its digest and front matter come
  from the index; the data file beside each is hashed the same way;
- the guides (top-level notebooks of the guide folders);
- the logs' own templates (the required sections a build checks), the settings file,
  the logo, and the decisions.json of other sites listed with `--include`.

A record that cannot be read, a dangling symlink where a record should be, a data file
with no record, a log whose folder is missing and an include that cannot be read are
reported here, as problems of the build. This is the place for any rule about which
files a site may be built from.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from adrkit.core.decision import make_stem
from adrkit.core.errors import UsageError
from adrkit.publish.catalog import Included, read_include
from adrkit.publish.files import logo_source, unpublishable_records
from adrkit.publish.guides import GUIDES_DIR, guide_notebooks, guide_slug
from adrkit.publish.model import DECISION, GUIDE, Source
from adrkit.publish.report import Problem
from adrkit.storage.log import DecisionLog
from adrkit.storage.paths import real_file_inside
from adrkit.storage.project import Project
from adrkit.storage.records import RecordIndex
from adrkit.storage.statcache import StatCache

__all__ = ["Gathered", "gather", "guide_folders"]


@dataclass
class Gathered:
    """What stage 1 found. The records' front matter is read only when asked for
    (`split`): a build with nothing to do needs their digests alone."""

    records: list[Source] = field(default_factory=list)       # every decision record of every log
    guides: list[Source] = field(default_factory=list)
    includes: list[Included] = field(default_factory=list)
    logo: Path | None = None
    warnings: list[Problem] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)            # digests of the other inputs
    decisions: list[Source] = field(default_factory=list)     # after `split`: to publish
    unpublished: list[Source] = field(default_factory=list)   # after `split`: drafts left out

    @property
    def sources(self) -> list[Source]:
        """Every page to publish (after `split`): decisions, then guides."""
        return self.decisions + self.guides

    def split(self, drafts: bool) -> None:
        """Read the records' front matter: the ones to publish, the drafts left out,
        and a failure for each record that cannot be read."""
        for src in self.records:
            decision = src.decision = src.record.decision
            if decision is None:
                exc = src.record.error
                self.failures.append(Problem("unreadable", exc.message, str(src.path), exc.where or "",
                                             exc.fix or ""))
            elif decision.status == "draft" and not drafts:
                self.unpublished.append(src)
            else:
                self.decisions.append(src)


def gather(project: Project, *, cache: StatCache, folders: list[Path], includes: list[str], out: Path,
           on_change: Callable[[int], None] | None = None) -> Gathered:
    """Every source of the site: the records of `project`'s logs, the guides of
    `folders`, the decisions.json files of `includes`. `on_change(n)` hears, before they
    are read, how many records of a log changed since they were last read."""
    found = Gathered()
    found.inputs.append(f"settings:{RecordIndex(project.default, cache).file_digest(project.config.path)}")
    for spec, folder in project.missing:
        found.warnings.append(Problem("config", f"log '{spec.name}' has no folder at {folder}",
                                      str(project.config.path), f"logs.{spec.name}",
                                      "check that repository out beside this one, or fix the path"))
    for log in project.logs:
        index = RecordIndex(log, cache)
        _gather_log(log, index, project.multi, found, on_change)
        for result in _results(log):  # recorded checks: their badges are on the pages
            found.inputs.append(f"{result}:{index.file_digest(result)}")
        for template in _templates(log):
            found.inputs.append(f"{template}:{index.file_digest(template)}")
    cache.release("record")  # every record is looked up: the rows read need not stay
    default = project.default
    guide_index = RecordIndex(default, cache)
    _gather_guides(project, folders, guide_index, found)
    found.logo = _logo(project, found)
    if found.logo is not None:
        found.inputs.append(f"logo:{guide_index.file_digest(found.logo)}")
    for spec in includes:
        included = read_include(spec, project.config.root, out, frozenset(project.names()))
        found.includes.append(included)
        found.warnings.extend(included.problems)
        found.inputs.append(f"include:{spec}:{included.digest}")
    return found


# --- decisions ---------------------------------------------------------------------

def _gather_log(log: DecisionLog, index: RecordIndex, multi: bool, found: Gathered,
                on_change: Callable[[int], None] | None) -> None:
    site_dir = log.name if multi else ""
    for entry in index.entries(on_change, read=False):  # the conversion's workers read them
        entry.raw = None  # what is converted is read again by the converter
        if entry.data is not None and entry.data.is_symlink() \
                and real_file_inside(entry.data_path, log.dir) is None:
            found.warnings.append(Problem(
                "invalid-data", "is not a file inside the decision folder (a symbolic link out of it, or not "
                "a regular file), so it is not read", str(entry.data_path),
                fix="replace it with the data file itself"))
            entry.data = None
        data = index.data_digest(entry)
        found.records.append(Source(DECISION, entry.path, log.dir, make_stem(entry.number, entry.slug), site_dir,
                                    entry.digest, log=log.name, data_path=entry.data_path if data else None,
                                    data_digest=data, record=entry))
    found.warnings.extend(unpublishable_records(log.dir))  # dangling links, links out, names not UTF-8
    for path in index.orphans:
        found.warnings.append(Problem("stale-data", "this data file belongs to no decision notebook", str(path),
                                      fix="rename it to match its notebook or delete it"))


def _results(log: DecisionLog) -> list[Path]:
    """The log's recorded check results (`NNNN-slug.confirmation.json`)."""
    from adrkit.formats.confirmation import RESULT_SUFFIX

    try:
        with os.scandir(log.dir) as it:
            return sorted(log.dir / e.name for e in it if e.name.endswith(RESULT_SUFFIX))
    except OSError:
        return []


def _templates(log: DecisionLog) -> list[Path]:
    folder = log.dir / "templates"
    try:
        return sorted(folder.glob("*.ipynb"))
    except OSError:
        return []


# --- guides ------------------------------------------------------------------------

def guide_folders(project_or_log: Any, guides: list[Path] | None, warnings: list[Problem]) -> list[Path]:
    """The guide folders of a build: `guides` (relative to the working folder; a
    missing one is a usage error), else `site.guides` of the settings (relative to the
    project root; a missing one is a warning)."""
    config = project_or_log.config
    if guides is not None:
        folders = []
        for folder in guides:
            path = Path(folder).absolute()
            if not path.is_dir():
                raise UsageError(f"--guides {folder}: no such folder",
                                 fix="give a folder that holds tutorial notebooks, e.g. notebooks")
            folders.append(path)
        return list(dict.fromkeys(folders))
    folders = []
    for rel in config.site_guides:
        path = config.root / rel
        if not path.is_dir():
            warnings.append(Problem("config", f"guides folder '{rel}' does not exist", str(config.path),
                                    "site.guides", "fix the path (relative to .adrkit.yaml) or remove it"))
            continue
        folders.append(path)
    return list(dict.fromkeys(folders))


def _gather_guides(project: Project, folders: list[Path], index: RecordIndex, found: Gathered) -> None:
    """Top-level notebooks of each guide folder, by folder then name; a log's own
    records are never guides."""
    default = project.default
    decisions_href = "../" + (f"{default.name}/" if project.multi else "")
    log_dirs = {os.path.realpath(log.dir): log for log in project.logs}
    taken: set[str] = set()
    for folder in folders:
        guide_log = Path(os.path.relpath(os.path.realpath(default.dir), os.path.realpath(folder))).as_posix()
        in_log = log_dirs.get(os.path.realpath(folder))
        skip = {p.resolve() for p in in_log.record_paths()} if in_log is not None else set()
        try:
            paths = guide_notebooks(folder, skip)
            found.warnings.extend(unpublishable_records(folder, guides=True))
        except OSError as exc:
            found.warnings.append(Problem("unreadable", f"cannot be listed: {exc.strerror}", str(folder)))
            continue
        for path in paths:
            digest = index.file_digest(path)
            if digest is None or digest.startswith("unreadable"):
                found.failures.append(Problem("unreadable", "cannot be read", str(path),
                                              fix="check the file and its permissions"))
                continue
            base = slug = guide_slug(path.name)
            n = 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            found.guides.append(Source(GUIDE, path, folder, slug, GUIDES_DIR, digest, guide_log=guide_log,
                                       decisions_href=decisions_href))


# --- the rest ------------------------------------------------------------------------

def _logo(project: Project, found: Gathered) -> Path | None:
    """The configured logo when the site may publish it (`adrkit.publish.files.logo_source`)."""
    path, problems = logo_source(project.config)
    found.warnings.extend(problems)
    return path
