"""The rules of a decision's life: allowed status transitions, supersession, links.

Pure functions over `Decision` objects. They change the objects they are given and
return nothing; callers save all changed records together (see `store.save_many`),
so a two-record change is written as one unit. The date is always an argument.
"""
from __future__ import annotations

import re

from adrkit.core.errors import UsageError, ValidationError
from adrkit.core.decision import STATUSES, Decision, Link, StatusChange, real_date

__all__ = [
    "TRANSITIONS",
    "REVERSE_RELS",
    "check_transition",
    "set_status",
    "supersede",
    "add_link",
    "reverse_rel",
    "check_no_cycle",
]

# Where each status may go next. 'superseded' is reached only through `supersede`,
# which also records the successor.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("proposed", "accepted", "rejected"),
    "proposed": ("draft", "accepted", "rejected"),
    "accepted": ("deprecated", "superseded"),
    "rejected": ("proposed",),
    "deprecated": ("accepted", "superseded"),
    "superseded": (),
}

REVERSE_RELS = {
    "amends": "amended-by", "amended-by": "amends",
    "relates-to": "relates-to",
    "depends-on": "required-by", "required-by": "depends-on",
    "extends": "extended-by", "extended-by": "extends",
    "clarifies": "clarified-by", "clarified-by": "clarifies",
    "supersedes": "superseded-by", "superseded-by": "supersedes",
}


def check_transition(decision: Decision, new: str, *, path=None) -> None:
    if new not in STATUSES:
        raise UsageError(f"unknown status '{new}'", fix="use one of " + ", ".join(STATUSES))
    old = decision.status
    if old == new:
        raise ValidationError(f"{decision.label} is already {new}", path=path, where="status",
                              fix="nothing to change")
    if new == "superseded":
        raise ValidationError(f"{decision.label} cannot become superseded on its own", path=path,
                              where="status", fix="run 'adrkit supersede OLD NEW' to name its successor")
    allowed = TRANSITIONS.get(old, STATUSES)
    if new not in allowed:
        choices = ", ".join(allowed) if allowed else "none"
        raise ValidationError(f"{decision.label} cannot go from {old} to {new}", path=path,
                              where="status", fix=f"allowed from {old}: {choices} (or use --force)")


def set_status(decision: Decision, new: str, today: str, *, force: bool = False,
               path=None) -> None:
    """Move a decision to `new`, recording the change with its date."""
    if not force:
        check_transition(decision, new, path=path)
    elif new not in STATUSES:
        raise UsageError(f"unknown status '{new}'", fix="use one of " + ", ".join(STATUSES))
    if not decision.status_history and decision.status in STATUSES:
        # the record's own date starts its history, unless it is not a real date
        # (`2026-02-30`): then that first entry has no date rather than a wrong one
        since = real_date(decision.date) or ("" if decision.date else today)
        decision.status_history.append(StatusChange(decision.status, since))
    decision.status = new
    decision.status_history.append(StatusChange(new, today))


def supersede(old: Decision, new: Decision, today: str, *, force: bool = False) -> None:
    """`new` supersedes `old`: old becomes superseded and points at new, new points back."""
    if old.stem == new.stem:
        raise ValidationError(f"{old.label} cannot supersede itself", where="supersede",
                              fix="name two different decisions")
    if new.stem in old.superseded_by and old.stem in new.supersedes:
        raise ValidationError(f"{new.label} already supersedes {old.label}", where="supersede",
                              fix="nothing to change")
    if old.stem in new.superseded_by:
        raise ValidationError(f"{old.label} already supersedes {new.label}",
                              where="supersede", fix="superseding it back would make a cycle")
    if old.status != "superseded":
        if not force and "superseded" not in TRANSITIONS.get(old.status, ()):
            raise ValidationError(
                f"{old.label} is {old.status}; only accepted or deprecated decisions can be superseded",
                where="status", fix=f"accept it first ('adrkit status {old.label} accepted') or use --force")
        set_status(old, "superseded", today, force=True)
    if new.stem not in old.superseded_by:
        old.superseded_by.append(new.stem)
    if old.stem not in new.supersedes:
        new.supersedes.append(old.stem)


def check_no_cycle(old: Decision, new: Decision, everyone: list[Decision]) -> None:
    """Refuse `new` superseding `old` when `old` already (transitively) supersedes `new`."""
    successors = {d.stem: list(d.superseded_by) for d in everyone}
    for d in everyone:
        for earlier in d.supersedes:
            successors.setdefault(earlier, []).append(d.stem)
    seen, todo = set(), list(successors.get(new.stem, []))
    while todo:
        stem = todo.pop()
        if stem == old.stem:
            raise ValidationError(f"{new.label} is already (through others) superseded by {old.label}",
                                  where="supersede", fix="superseding it back would make a cycle")
        if stem not in seen:
            seen.add(stem)
            todo.extend(successors.get(stem, []))


def reverse_rel(rel: str, given: str | None = None) -> str:
    if given:
        if given in ("supersedes", "superseded-by") or not re.fullmatch(r"[a-z][a-z0-9-]*", given):
            raise UsageError(f"'{given}' cannot be a reverse link type",
                             fix="use lower-case words joined by hyphens, not supersession")
        if rel in REVERSE_RELS and REVERSE_RELS[rel] != given:
            raise UsageError(f"the reverse of '{rel}' is '{REVERSE_RELS[rel]}'",
                             fix="leave out --reverse for a link type adrkit knows")
        return given
    if rel in REVERSE_RELS:
        return REVERSE_RELS[rel]
    known = ", ".join(k for k in REVERSE_RELS if k not in ("supersedes", "superseded-by"))
    raise UsageError(f"no known reverse for link type '{rel}'",
                     fix=f"give one with --reverse, or use one of: {known}")


def add_link(source: Decision, rel: str, target: Decision, *, reverse: str | None = None) -> None:
    """Link source -> target with `rel`, and target -> source with its reverse."""
    if rel in ("supersedes", "superseded-by"):
        raise UsageError("supersession is not a plain link", fix="use 'adrkit supersede OLD NEW'")
    if source.stem == target.stem:
        raise ValidationError(f"{source.label} cannot link to itself", where="links",
                              fix="name two different decisions")
    back = reverse_rel(rel, reverse)
    forward = Link(rel, target.stem)
    backward = Link(back, source.stem)
    if forward in source.links and backward in target.links:
        raise ValidationError(f"{source.label} already {rel} {target.label}", where="links",
                              fix="nothing to change")
    if forward not in source.links:
        source.links.append(forward)
    if backward not in target.links:
        target.links.append(backward)
