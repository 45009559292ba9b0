"""The log's verbs as library functions: new, status, supersede, link, renumber.

Each one takes the log's lock, reads what it needs, changes the decisions in memory
with the pure rules of `status_rules`, and saves every changed file in one
all-or-nothing, journaled step (`adrkit.storage.atomic.write_all`): every new file is
created exclusively, every changed file only if it still holds the bytes that were
read, and no file is changed or removed through a link that leads out of the log.
The command line is a thin wrapper over these.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Iterable

from adrkit.core import status_rules as lifecycle
from adrkit.core.errors import ConflictError, UsageError
from adrkit.core.decision import MAX_NUMBER, STATUSES, Decision, make_stem, slugify
from adrkit.formats.confirmation import result_name
from adrkit.formats.notebook import cell_text, dumps_notebook, load_template, notebook_from_template, set_front_matter
from adrkit.storage.atomic import write_all
from adrkit.storage.log import DecisionLog, Record

__all__ = ["new_decision", "change_status", "supersede", "link", "renumber", "check_text"]


def check_text(value: str, what: str) -> str:
    """`value` if it is text that can be written as UTF-8 (a command-line argument
    holding bytes that are not UTF-8 arrives with lone surrogates)."""
    try:
        str(value).encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"the {what} is not valid UTF-8 text", fix="retype it in a UTF-8 terminal")
    return value


def new_decision(log: DecisionLog, title: str, *, today: str, template: str | None = None,
                 status: str = "proposed", tags: Iterable[str] = (), supersedes: str | None = None,
                 number: int | None = None, force: bool = False) -> Path:
    """Create `NNNN-slug.ipynb` from a template and return its path."""
    title = check_text(" ".join(str(title).split()), "title")
    tags = [check_text(" ".join(str(t).split()), "tag") for t in tags]
    if any(not t for t in tags):
        raise UsageError("a tag is empty", fix="give each --tag some text")
    status = check_text(status, "status").strip().lower()
    with log.lock():
        return _new_decision(log, title, today=today, template=template, status=status, tags=tags,
                             supersedes=supersedes, number=number, force=force)


def _new_decision(log: DecisionLog, title: str, *, today: str, template: str | None, status: str,
                  tags: list[str], supersedes: str | None, number: int | None, force: bool) -> Path:
    slug = slugify(title, max_bytes=log.slug_bytes())
    if not slug:
        raise UsageError(f"title {title!r} has no letters or digits to make a file name from",
                         fix="give a title with words in it")
    if status not in STATUSES:
        raise UsageError(f"unknown status '{status}'", fix="use one of " + ", ".join(STATUSES))
    if status == "superseded":
        raise UsageError("a new decision cannot start superseded", fix="start it proposed or accepted")
    old: Record | None = None
    if supersedes:
        old = log.resolve(supersedes)
    if number is None:
        number = log.next_number()
        _check_number(number)
    else:
        _check_number(number)
        taken = [p for p in log.record_paths() if p.name.startswith(f"{number:04d}-")]
        if taken:
            raise ConflictError(f"number {number:04d} is already taken by {taken[0].name}",
                                path=log.dir, fix=f"leave the number out to get {log.next_number():04d}")
    tmpl = load_template(template or log.config.template, log.dir)
    decision = Decision(number=number, slug=slug, title=title, status=status, date=today,
                        tags=list(dict.fromkeys(tags)))
    path = log.path_for(number, slug)
    if path.exists() or path.is_symlink():
        raise ConflictError("already exists", path=path, fix="choose another title")
    nb = notebook_from_template(tmpl, decision)
    if old is None:
        log.create(path, nb)
        return path
    new = Record(path, decision, nb)
    lifecycle.supersede(old.decision, decision, today, force=force)
    set_front_matter(nb, decision)
    log.save_many([old, new])
    return path


def _check_number(number: int) -> None:
    if not 1 <= number <= MAX_NUMBER:
        raise UsageError(f"number {number} is out of range", fix=f"use 1 to {MAX_NUMBER}")


def _readable(log: DecisionLog) -> list[Decision]:
    """Every decision that reads cleanly (for checks that span the log)."""
    return [r.decision for r in log.load_all()[0]]


def change_status(log: DecisionLog, ref: str, status: str, *, today: str, force: bool = False) -> Record:
    with log.lock():
        rec = log.resolve(ref)
        lifecycle.set_status(rec.decision, status, today, force=force, path=rec.path)
        log.save_many([rec])
        return rec


def supersede(log: DecisionLog, old_ref: str, new_ref: str, *, today: str,
              force: bool = False) -> tuple[Record, Record]:
    with log.lock():
        old, new = log.resolve(old_ref), log.resolve(new_ref)
        if old.path != new.path:
            lifecycle.check_no_cycle(old.decision, new.decision, _readable(log))
        lifecycle.supersede(old.decision, new.decision, today, force=force)
        log.save_many([old, new])
        return old, new


def link(log: DecisionLog, source_ref: str, rel: str, target_ref: str, *,
         reverse: str | None = None) -> tuple[Record, Record]:
    if not re.fullmatch(r"[a-z][a-z0-9-]*", rel):
        raise UsageError(f"link type '{check_text(rel, 'link type')}' is not lower-case words joined by "
                         "hyphens", fix="write it like relates-to or depends-on")
    with log.lock():
        source, target = log.resolve(source_ref), log.resolve(target_ref)
        lifecycle.add_link(source.decision, rel, target.decision, reverse=reverse)
        log.save_many([source, target])
        return source, target


def renumber(log: DecisionLog, ref: str, new_number: int) -> tuple[Path, Path, list[Record]]:
    """Give a record a new number: rename its notebook and data file and rewrite every
    reference to its old stem in every record (front matter and cell text). Links
    keep every key they hold besides their target."""
    _check_number(new_number)
    with log.lock():
        return _renumber(log, ref, new_number)


def _renumber(log: DecisionLog, ref: str, new_number: int) -> tuple[Path, Path, list[Record]]:
    records = log.records()
    rec = log.resolve(ref, records)
    taken = [r for r in records if r.decision.number == new_number and r is not rec]
    if taken:
        raise ConflictError(f"number {new_number:04d} is already taken by {taken[0].path.name}",
                            path=log.dir, fix=f"pick a free number such as {log.next_number():04d}")
    if rec.decision.number == new_number:
        raise UsageError(f"{rec.path.name} already has number {new_number:04d}", fix="nothing to change")
    old_stem = rec.decision.stem
    new_stem = make_stem(new_number, rec.decision.slug)
    new_path = rec.path.with_name(f"{new_stem}.ipynb")
    if new_path.exists() or new_path.is_symlink():
        raise ConflictError("already exists", path=new_path, fix="pick another number")
    pattern = re.compile(rf"(?<![\w-]){re.escape(old_stem)}(?![\w-])")
    rec.decision.number = new_number
    changed: list[Record] = []
    for other in records:
        touched = other is rec
        d = other.decision
        for attr in ("supersedes", "superseded_by"):
            values = getattr(d, attr)
            if old_stem in values:
                setattr(d, attr, [new_stem if v == old_stem else v for v in values])
                touched = True
        if any(link.target == old_stem for link in d.links):
            d.links = [dataclasses.replace(link, target=new_stem) if link.target == old_stem else link
                       for link in d.links]
            touched = True
        for cell in other.notebook["cells"][1:]:
            text = cell_text(cell)
            if old_stem in text:
                cell["source"] = pattern.sub(new_stem, text)
                touched = True
        if touched:
            changed.append(other)
    changes: dict[Path, str | None] = {}
    expect: dict[Path, str | None] = {}
    for other in changed:
        set_front_matter(other.notebook, other.decision)
        target = new_path if other is rec else other.path
        changes[target] = dumps_notebook(other.notebook)
        expect[other.path] = other.digest
    changes[rec.path] = None
    expect[new_path] = None
    renames = []
    data = rec.data_path
    if data.exists() or data.is_symlink():
        new_data = new_path.with_suffix(".yaml")
        if new_data.exists() or new_data.is_symlink():
            raise ConflictError("already exists", path=new_data, fix="move it away first")
        renames.append((data, new_data))
        expect[new_data] = None
    results = rec.path.with_name(result_name(old_stem))  # the last run of its check goes along
    if results.is_file():
        new_results = new_path.with_name(result_name(new_stem))
        renames.append((results, new_results))
        expect[new_results] = None
    write_all(changes, renames, expect=expect, root=log.dir)
    old_path = rec.path
    rec.path = new_path
    return old_path, new_path, changed
