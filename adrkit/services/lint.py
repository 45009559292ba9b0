"""Checks over the whole decision log: every finding names the file, the field and the fix.

`lint_log` reads every record once, through the record index (only notebooks changed
since the last run are parsed again, see `adrkit.storage.records`), and runs each check
as a small function over the records. A data file's findings are kept the same way.
Findings are data (`Finding`); the command line prints them or emits JSON.

A reference to a decision of another log of the project (`payments:0007-use-x`, or
`payments:7`) is checked against that log (`others`: the stems of every other log).
"""
from __future__ import annotations

import re

import json
import os
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable

from adrkit.formats.datafile import parse_data
from adrkit.core.errors import AdrkitError
from adrkit.core.status_rules import REVERSE_RELS
from adrkit.core.decision import STATUSES, TEMPLATE_KEY, parse_filename, real_date
from adrkit.formats.notebook import load_template
from adrkit.formats.yamlio import has_comment
from adrkit.storage.config import LOG_NAME
from adrkit.storage.log import DecisionLog, Record
from adrkit.storage.records import RecordIndex
from adrkit.storage.statcache import digest_of

__all__ = ["Finding", "lint_log", "CHECKS"]


@dataclass(frozen=True)
class Finding:
    path: str
    field: str
    message: str
    fix: str
    code: str
    severity: str = "error"  # "error" and "warning" fail the check; "info" is a notice

    def line(self) -> str:
        return f"{self.path}: {self.field}: {self.message}; {self.fix} [{self.code}]"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def _name(rec: Record) -> str:
    return rec.path.name


def check_duplicate_numbers(records: list[Record], log: DecisionLog) -> Iterable[Finding]:
    by_number: dict[int, list[Record]] = defaultdict(list)
    for rec in records:
        by_number[rec.decision.number].append(rec)
    free = max(by_number, default=0) + 1
    for number, recs in sorted(by_number.items()):
        if len(recs) < 2:
            continue
        names = [_name(r) for r in recs]
        for rec in recs[1:]:
            others = ", ".join(n for n in names if n != _name(rec))
            yield Finding(_name(rec), "number", f"number {number:04d} is also used by {others}",
                          f"run 'adrkit renumber {rec.decision.stem} {free}'", "duplicate-number")
            free += 1


def check_status(records: list[Record], log: DecisionLog) -> Iterable[Finding]:
    for rec in records:
        d = rec.decision
        if not d.status:
            continue  # an imported record that states no status: nothing to check
        if d.status not in STATUSES:
            yield Finding(_name(rec), "status", f"unknown status '{d.status}'",
                          "use one of " + ", ".join(STATUSES), "unknown-status")
        elif d.status == "superseded" and not d.superseded_by:
            named = _named_successors(d)
            if named:
                yield Finding(_name(rec), "superseded-by", f"the imported text names '{named[0]}' as the successor, "
                              f"which is not a decision in {log.dir.name}/",
                              "run 'adrkit supersede OLD NEW' with the record that replaced it", "dangling-link")
            elif named is None:
                yield Finding(_name(rec), "superseded-by", "status is superseded but no successor is named",
                              "run 'adrkit supersede OLD NEW' or set 'superseded-by'", "superseded-without-successor")
        elif d.superseded_by and d.status != "superseded":
            yield Finding(_name(rec), "status", f"has superseded-by but status is {d.status}",
                          f"run 'adrkit status {d.label} superseded --force' or remove superseded-by",
                          "successor-but-not-superseded")


_PARTIAL_DATE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2]))?$")  # a year, or a year and month (ISO 8601)


def _on_the_calendar(text: str) -> bool:
    """A whole date that exists (`2026-02-28`), or a year or month alone as an imported
    record may state it (`2022-09`, `2016`); `2026-02-30` and `2023-13-10` are not."""
    return real_date(text) is not None or bool(_PARTIAL_DATE.match(text))


def check_dates(records: list[Record], log: DecisionLog) -> Iterable[Finding]:
    """A date that is not on the calendar (`2026-02-30`) is never published as a date."""
    for rec in records:
        d = rec.decision
        if d.date and not _on_the_calendar(d.date):
            yield Finding(_name(rec), "date", f"'{d.date}' is not a date of the calendar",
                          "write it as YYYY-MM-DD, e.g. 2026-02-28", "bad-date")
        for i, change in enumerate(d.status_history, start=1):
            if change.date and not _on_the_calendar(change.date):
                yield Finding(_name(rec), f"status-history ({i})", f"'{change.date}' is not a date of the calendar",
                              "write it as YYYY-MM-DD, e.g. 2026-02-28", "bad-date")


def check_references(records: list[Record], log: DecisionLog) -> Iterable[Finding]:
    by_stem = {r.decision.stem: r for r in records}
    others: dict[str, set[str]] = getattr(log, "others", None) or {}
    unreadable = _unreadable_stems(log)  # reported as unreadable (or a merge conflict), not as missing
    for rec in records:
        d = rec.decision
        refs = [("supersedes", t) for t in d.supersedes] + [("superseded-by", t) for t in d.superseded_by]
        refs += [(f"links ({link.rel})", link.target) for link in d.links]
        for field, target in refs:
            if target == d.stem:
                yield Finding(_name(rec), field, "links to itself", "remove the entry", "self-link")
            elif ":" in target and target.split(":", 1)[0] in others:
                name, ref = target.split(":", 1)
                if not _in_log(ref, others[name]):
                    yield Finding(_name(rec), field, f"'{ref}' is not a decision in the log '{name}'",
                                  f"fix the reference (run 'adrkit list --log {name}')", "dangling-link")
            elif _elsewhere(target, getattr(log, "log", log)):
                continue  # a decision of another site (`adrkit build --include` checks it)
            elif target not in by_stem and target not in unreadable:
                yield Finding(_name(rec), field, f"'{target}' is not a decision in {log.dir.name}/",
                              "fix the target's file stem or remove the entry", "dangling-link")


def _elsewhere(target: str, log: DecisionLog) -> bool:
    """`target` names a decision of a log this project does not have (`site:0007`),
    such as another site's: lint cannot see it."""
    name, sep, rest = target.partition(":")
    return bool(sep and rest and LOG_NAME.match(name) and name != getattr(log, "name", ""))


def _in_log(ref: str, stems: set[str]) -> bool:
    """`ref` (a stem, or a number when one record has it) names one of `stems`."""
    if ref in stems:
        return True
    if ref.isdigit():
        return sum(1 for s in stems if parse_filename(s) and parse_filename(s)[0] == int(ref)) == 1  # type: ignore[index]
    return False


def check_two_sided(records: list[Record], log: DecisionLog) -> Iterable[Finding]:
    by_stem = {r.decision.stem: r for r in records}
    for rec in records:
        d = rec.decision
        for target in d.supersedes:
            other = by_stem.get(target)
            if other and d.stem not in other.decision.superseded_by:
                yield Finding(_name(rec), "supersedes",
                              f"supersedes {target} but {target} does not name it in superseded-by",
                              f"run 'adrkit supersede {target} {d.stem}'", "one-sided-supersession")
        for target in d.superseded_by:
            other = by_stem.get(target)
            if other and d.stem not in other.decision.supersedes:
                yield Finding(_name(rec), "superseded-by",
                              f"superseded by {target} but {target} does not name it in supersedes",
                              f"run 'adrkit supersede {d.stem} {target}'", "one-sided-supersession")
        for link in d.links:
            other = by_stem.get(link.target)
            back = REVERSE_RELS.get(link.rel)
            if other and back and not any(l.target == d.stem and l.rel == back for l in other.decision.links):
                yield Finding(_name(rec), f"links ({link.rel})",
                              f"{link.target} has no '{back}' link back", f"run 'adrkit link {d.stem} "
                              f"{link.rel} {link.target}'", "one-sided-link", "warning")


def check_cycles(records: list[Record], log: DecisionLog) -> Iterable[Finding]:
    """Cycles in 'old is superseded by new', from either side's keys (iterative DFS)."""
    succ: dict[str, set[str]] = {r.decision.stem: set(r.decision.superseded_by) for r in records}
    for r in records:
        for earlier in r.decision.supersedes:
            succ.setdefault(earlier, set()).add(r.decision.stem)
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()
    for start in sorted(succ):
        if start in state:
            continue
        trail = [start]
        stack = [iter(sorted(succ.get(start, ())))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[trail.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                cycle = trail[trail.index(nxt):] + [nxt]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    yield Finding(f"{cycle[0]}.ipynb", "superseded-by",
                                  "supersession cycle: " + " -> ".join(cycle),
                                  "a decision cannot be superseded by one it superseded; remove one edge",
                                  "supersession-cycle")
            elif nxt not in state:
                state[nxt] = 1
                trail.append(nxt)
                stack.append(iter(sorted(succ.get(nxt, ()))))


def check_sections(records: list[Record], log: DecisionLog) -> Iterable[Finding]:
    cache: dict[str, object] = {}
    for rec in records:
        name = rec.decision.template or rec.decision.extra.get("adrkit-template")
        if not name:
            continue
        if name not in cache:
            try:
                cache[name] = load_template(str(name), log.dir)
            except AdrkitError as exc:
                cache[name] = exc
        template = cache[name]
        if isinstance(template, AdrkitError):
            yield Finding(_name(rec), TEMPLATE_KEY, f"template '{name}' is not available",
                          f"add it to templates/ or change '{TEMPLATE_KEY}'", "unknown-template")
            continue
        for section in template.missing_sections(rec.sections):  # type: ignore[union-attr]
            yield Finding(_name(rec), "sections", f"missing required section '{section.heading}'",
                          f"add a markdown cell starting '{'#' * section.level} {section.heading}'",
                          "missing-section")


def check_placeholders(records: list[Record], log: DecisionLog) -> Iterable[Finding]:
    """Template text nobody replaced (drafts aside): the site leaves it out, so say so
    (a notice: it does not fail the check). The record index keeps, per record, the
    headings of the cells whose template paragraphs are still there."""
    for rec in records:
        if rec.decision.status == "draft":
            continue
        sections = rec.placeholders  # type: ignore[attr-defined]
        if sections:
            shown = ", ".join(f"'{s}'" for s in sections[:4]) + (f" and {len(sections) - 4} more"
                                                                 if len(sections) > 4 else "")
            yield Finding(_name(rec), "template text",
                          f"{len(sections)} section(s) still hold the template's text ({shown})",
                          "write your own text there or delete it (the site leaves it out)",
                          "placeholder-text", "info")


def _named_successors(d) -> list[str] | None:
    """For a superseded record with no successor: what its imported status text names as
    the successor (a link that did not resolve: a real problem), [] when the text names
    none ('Partly superseded': the source's own words, nothing to fix in adrkit), None
    when the record is not as imported."""
    from adrkit.formats.markdown import SOURCE_KEY, fingerprint, read_status

    src = d.extra.get(SOURCE_KEY)
    if not (isinstance(src, dict) and src.get("file") and src.get("fingerprint") == fingerprint(d)):
        return None
    return [link.href for link in read_status(str(src.get("status") or "")).links]


def check_front_matter_comments(records: list[Record], log: DecisionLog) -> Iterable[Finding]:
    """adrkit rewrites front matter on status/supersede/link/renumber; YAML comments do
    not survive that, so say so before they are lost (a '#' inside a value, such as an
    imported record's original text, is not a comment)."""
    for rec in records:
        text = rec.front_matter_text
        if "#" not in text:  # no comment can be there: the YAML is not tokenized (a log holds thousands)
            continue
        lines = text.splitlines()
        found = has_comment("\n".join(lines[1:-1]))
        if found is None:
            found = any(line.lstrip().startswith("#") or (" #" in line and not set("'\"") & set(line))
                        for line in lines[1:-1])
        if found:
            yield Finding(_name(rec), "front matter", "holds a YAML comment, which adrkit drops when it "
                          "rewrites the front matter", "move the note into a section or a key such as "
                          "'note: ...'", "front-matter-comment", "warning")


def _unreadable_stems(log: DecisionLog) -> set[str]:
    """Stems of the record files that exist but did not read (a notebook a git merge
    left with conflict markers, say); lint reports them once, as unreadable."""
    return set(getattr(log, "unreadable", ()))


def check_data_files(records: list[Record], log: DecisionLog) -> Iterable[Finding]:
    stems = {r.decision.stem for r in records} | _unreadable_stems(log)
    for path in _files(log.dir, ".yaml"):
        if not parse_filename(path.name):
            continue
        if path.is_dir():
            yield Finding(path.name, "file", "is a folder named like a data file",
                          "rename or move it out of the log", "bad-file-name")
            continue
        if path.stem not in stems:
            yield Finding(path.name, "file", "data file has no decision notebook beside it",
                          "rename it to match its notebook or delete it", "orphan-data", "warning")
            continue
        yield from _data_findings(path, getattr(log, "index", None))


_DATA_FINDINGS = "lint-data"


def _data_findings(path: Path, index: RecordIndex | None) -> list[Finding]:
    """The findings of one data file, kept in the record index while the file is
    unchanged."""
    known = index.facts(path, _DATA_FINDINGS) if index is not None else None
    if known is not None and known[2] is not None:
        try:
            return [Finding(**f) for f in json.loads(known[2])]
        except (ValueError, TypeError):
            pass
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [Finding(path.name, "file", f"cannot be read: {exc.strerror}",
                        "check the file and its permissions", "bad-data")]
    try:
        findings = list(_validate_tables(path, parse_data(raw, path)))
    except AdrkitError as exc:
        findings = [Finding(path.name, exc.where or "file", exc.message, exc.fix or "fix the YAML", "bad-data")]
    if index is not None and known is not None:
        index.remember(path, _DATA_FINDINGS, known[0], digest_of(raw),
                       json.dumps([f.to_dict() for f in findings], ensure_ascii=False))
    return findings


def _validate_tables(path: Path, data: dict) -> Iterable[Finding]:
    from adrkit.core.requestflow import Lifecycle
    from adrkit.core.tradeoff import Tradeoff

    validators: list[tuple[str, Callable[[dict], object]]] = [
        ("tradeoffs", lambda d: Tradeoff.from_dict(d).validate()),
        ("lifecycles", lambda d: Lifecycle.from_dict(d).validate()),
    ]
    for kind, validate in validators:
        for name, table in (data.get(kind) or {}).items():
            if not isinstance(table, dict):
                yield Finding(path.name, f"{kind}.{name}", "is not a mapping of fields",
                              "write the table's fields indented under its name", "bad-data")
                continue
            try:
                validate(table)
            except AdrkitError as exc:
                where = f"{kind}.{name}" + (f".{exc.where}" if exc.where else "")
                yield Finding(path.name, where, exc.message, exc.fix or "fix the data", "bad-data")
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                yield Finding(path.name, f"{kind}.{name}", f"cannot be read: {exc}",
                              "fix the data or remove the table", "bad-data")


CHECKS = (check_duplicate_numbers, check_status, check_dates, check_references, check_two_sided,
          check_cycles, check_sections, check_placeholders, check_front_matter_comments, check_data_files)


def _files(folder: Path, suffix: str) -> list[Path]:
    """The entries of `folder` whose names end with `suffix`, by name."""
    with os.scandir(folder) as it:
        names = sorted(e.name for e in it if e.name.endswith(suffix))
    return [folder / name for name in names]


class _Scope:
    """What the checks see of the log: its folder, its record index and the stems of
    the project's other logs (for cross-log references)."""

    def __init__(self, log: DecisionLog, index: RecordIndex, others: dict[str, set[str]]):
        self.log, self.dir, self.index, self.others = log, log.dir, index, others
        self.unreadable: set[str] = set()  # stems of the records that did not read
        self.config = log.config


def lint_log(log: DecisionLog, *, others: dict[str, set[str]] | None = None,
             index: RecordIndex | None = None) -> list[Finding]:
    """Every finding over the log, unreadable files first, then per check. `others`
    maps the name of every other log of the project to its stems."""
    own = index is None
    index = index or RecordIndex(log)
    try:
        return _lint(_Scope(log, index, others or {}))
    finally:
        if own:
            index.close()


def _lint(scope: _Scope) -> list[Finding]:
    log = scope.log
    entries = scope.index.entries()
    records = [e for e in entries if e.decision is not None]
    scope.unreadable = {e.path.stem for e in entries if e.error is not None}
    findings = [Finding(e.path.name, e.error.where or "file", e.error.message, e.error.fix or "fix the file",
                        "merge-conflict" if type(e.error).__name__ == "ConflictMarkers" else "unreadable")
                for e in entries if e.error is not None]
    for path in _files(log.dir, ".ipynb"):
        if path.is_dir():
            findings.append(Finding(path.name, "file", "is a folder named like a notebook",
                                    "rename or move it out of the log", "bad-file-name"))
        elif not parse_filename(path.name):
            findings.append(Finding(path.name, "file name", "is not named NNNN-slug.ipynb",
                                    "rename it (e.g. 0012-short-title.ipynb) or move it out of the log",
                                    "bad-file-name", "warning"))
    for check in CHECKS:
        findings.extend(check(records, scope))  # type: ignore[arg-type]
    return findings
