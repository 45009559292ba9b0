"""Review dates over the log: set when a decision is due (`adrkit review REF DATE|PERIOD`),
record that it was reviewed (`adrkit review REF --done`), and list what is due
(`adrkit due`). The rules are `adrkit.core.reviews`; this module reads and saves the
records (one atomic write each, the notebook's other cells untouched).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adrkit.core import reviews
from adrkit.core.decision import StatusChange
from adrkit.core.errors import UsageError
from adrkit.storage.log import DecisionLog, Record

__all__ = ["DueItem", "set_review", "clear_review", "record_review", "due", "DEFAULT_WITHIN"]

DEFAULT_WITHIN = "30 days"


def set_review(log: DecisionLog, ref: str, when: str, *, today: str) -> tuple[Record, str]:
    """Set `review-by` (a date) or `review-after` (a period) on a decision; returns the
    record and the key set."""
    with log.lock():
        rec = log.resolve(ref)
        key = reviews.set_review(rec.decision, when, today)
        log.save_many([rec])
    return rec, key


def clear_review(log: DecisionLog, ref: str) -> tuple[Record, list[str]]:
    with log.lock():
        rec = log.resolve(ref)
        removed = reviews.clear_review(rec.decision)
        if not removed:
            raise UsageError(f"{rec.decision.label} has no review date", fix="nothing to clear")
        log.save_many([rec])
    return rec, removed


def record_review(log: DecisionLog, ref: str, *, today: str, by: str, note: str = "",
                  next_when: str | None = None) -> tuple[Record, StatusChange]:
    """Record a review in the status history (dated, who, note); `next_when` (a date or
    a period) sets when the next one is due, in the same write."""
    with log.lock():
        rec = log.resolve(ref)
        change = reviews.record_review(rec.decision, today, by, note, path=rec.path)
        if next_when:
            reviews.set_review(rec.decision, next_when, today)
        log.save_many([rec])
    return rec, change


@dataclass
class DueItem:
    """A decision whose review is overdue or coming up, or whose review date cannot be read."""

    path: Path
    stem: str
    label: str
    title: str
    status: str
    due: _dt.date | None
    basis: str
    days_left: int | None
    last_review: str | None
    problem: str | None = None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    def to_dict(self) -> dict[str, Any]:
        return {"decision": self.stem, "number": int(self.label), "title": self.title,
                "status": self.status, "path": str(self.path),
                "due": self.due.isoformat() if self.due else None, "basis": self.basis,
                "days-left": self.days_left, "overdue": self.overdue,
                "last-review": self.last_review, "problem": self.problem}

    def when(self) -> str:
        """'overdue by 12 days', 'due today', 'due in 5 days'."""
        if self.days_left is None:
            return "no due date"
        n = self.days_left
        if n < 0:
            return f"overdue by {-n} day{'s' if n != -1 else ''}"
        if n == 0:
            return "due today"
        return f"due in {n} day{'s' if n != 1 else ''}"


def plan_item(rec: Record, today: _dt.date) -> DueItem | None:
    """The review state of one record in force with a review date (None otherwise)."""
    d = rec.decision
    if d.status not in reviews.IN_FORCE:
        return None
    plan = reviews.review_plan(d)
    if plan is None:
        return None
    last = None
    if plan.last_review is not None:
        who = dict(plan.last_review.extra).get(reviews.REVIEWED_BY)
        last = f"{plan.last_review.date} by {who}"
    return DueItem(rec.path, d.stem, d.label, d.title, d.status, plan.due, plan.basis,
                   plan.days_left(today), last, plan.problem)


def due(log: DecisionLog, today: _dt.date, within_days: int) -> list[DueItem]:
    """Reviews overdue or due within `within_days` of `today`, soonest first, then every
    decision whose review date cannot be read (so it never lapses unnoticed)."""
    items = []
    for rec in log.load_all()[0]:
        item = plan_item(rec, today)
        if item is None:
            continue
        if item.problem or (item.days_left is not None and item.days_left <= within_days):
            items.append(item)
    items.sort(key=lambda i: (i.due is None, i.due or _dt.date.max, i.stem))
    return items
