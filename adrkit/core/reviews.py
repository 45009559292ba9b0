"""When a decision is due for review: the `review-by` and `review-after` front matter
keys, the periods they are written in, and the reviews recorded in the status history.

- `review-by: 2027-06-01` names the day the next review is due.
- `review-after: 6 months` repeats: the first review falls that long after the decision
  was accepted, each later one that long after the last recorded review.
- With both, the earlier date counts.
- A review is a status-history entry that keeps the current status and names who
  reviewed it (`reviewed-by`), with an optional `note`.

Only decisions in force (draft, proposed, accepted) are due; a review-after period
waits for the acceptance it counts from. Pure: the date is always an argument.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass

from adrkit.core.decision import REVIEW_KEYS, Decision, StatusChange
from adrkit.core.errors import UsageError, ValidationError

__all__ = [
    "REVIEW_BY",
    "REVIEW_AFTER",
    "REVIEWED_BY",
    "IN_FORCE",
    "Period",
    "parse_period",
    "parse_date",
    "ReviewPlan",
    "review_plan",
    "acceptance_date",
    "is_review",
    "reviews_of",
    "set_review",
    "clear_review",
    "record_review",
]

REVIEW_BY, REVIEW_AFTER = REVIEW_KEYS
REVIEWED_BY = "reviewed-by"
IN_FORCE = ("draft", "proposed", "accepted")

_UNITS = {
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
    "mo": "months", "mon": "months", "mos": "months", "month": "months", "months": "months",
    "y": "years", "yr": "years", "yrs": "years", "year": "years", "years": "years",
}
_PART = re.compile(r"(\d+)\s*([a-z]+)")
_ISO = re.compile(r"p(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?")
_MAX_YEARS = 1000
_PERIOD_FIX = "write it like '6 months', '1 year', '2 weeks', '90 days' (or 90d, P6M)"


@dataclass(frozen=True)
class Period:
    """A length of calendar time: years and months move the date in the calendar (the
    day is kept, or the month's last day when it has fewer), weeks and days count days."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @property
    def empty(self) -> bool:
        return not (self.years or self.months or self.weeks or self.days)

    def after(self, day: _dt.date) -> _dt.date:
        """The date this period after `day`."""
        months = day.month - 1 + self.months + 12 * self.years
        year, month = day.year + months // 12, months % 12 + 1
        if year > _dt.MAXYEAR:
            raise OverflowError("date out of range")
        last = calendar.monthrange(year, month)[1]
        moved = _dt.date(year, month, min(day.day, last))
        return moved + _dt.timedelta(days=7 * self.weeks + self.days)

    def __str__(self) -> str:
        parts = []
        for amount, unit in ((self.years, "year"), (self.months, "month"), (self.weeks, "week"),
                             (self.days, "day")):
            if amount:
                parts.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
        return " ".join(parts) or "0 days"


def parse_period(text: object, *, what: str = "period") -> Period:
    """'6 months', '1 year 6 months', '2 weeks', '90 days', '30d', '6mo', 'P1Y6M';
    UsageError naming the valid forms otherwise."""
    words = " ".join(str(text).strip().lower().replace(",", " ").split())
    if not words:
        raise UsageError(f"the {what} is empty", fix=_PERIOD_FIX)
    iso = _ISO.fullmatch(words.replace(" ", ""))
    if iso and words.startswith("p") and any(iso.groups()):
        y, m, w, d = (int(g or 0) for g in iso.groups())
        return _bounded(Period(y, m, w, d), text, what)
    amounts = {"years": 0, "months": 0, "weeks": 0, "days": 0}
    pos = 0
    compact = words.replace(" and ", " ")
    for match in _PART.finditer(compact):
        if compact[pos:match.start()].strip():
            break
        unit = _UNITS.get(match.group(2))
        if unit is None:
            raise UsageError(f"'{text}' is not a {what}: unknown unit '{match.group(2)}'", fix=_PERIOD_FIX)
        amounts[unit] += int(match.group(1))
        pos = match.end()
    if pos == 0 or compact[pos:].strip():
        raise UsageError(f"'{text}' is not a {what}", fix=_PERIOD_FIX)
    return _bounded(Period(**amounts), text, what)


def _bounded(period: Period, text: object, what: str) -> Period:
    if period.years * 12 + period.months > 12 * _MAX_YEARS or period.weeks * 7 + period.days > 366 * _MAX_YEARS:
        raise UsageError(f"'{text}' is too long for a {what}", fix=f"give at most {_MAX_YEARS} years")
    return period


def parse_date(text: object) -> _dt.date | None:
    """A calendar date written YYYY-MM-DD, or None if `text` is not one."""
    value = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        return None


def is_review(change: StatusChange) -> bool:
    return any(key == REVIEWED_BY for key, _ in change.extra)


def reviews_of(decision: Decision) -> list[StatusChange]:
    """The recorded reviews, oldest first (as written in the history)."""
    return [c for c in decision.status_history if is_review(c)]


def acceptance_date(decision: Decision) -> _dt.date | None:
    """When the decision was (last) accepted: its last 'accepted' history entry that is
    not a review, else its date when it is accepted and has no such entry."""
    for change in reversed(decision.status_history):
        if change.status == "accepted" and not is_review(change):
            return parse_date(change.date)
    if decision.status == "accepted":
        return parse_date(decision.date)
    return None


@dataclass(frozen=True)
class ReviewPlan:
    """When a decision's next review is due and why; `problem` names a front matter
    value that could not be read (the plan then ignores it)."""

    due: _dt.date | None
    basis: str
    last_review: StatusChange | None = None
    problem: str | None = None

    def days_left(self, today: _dt.date) -> int | None:
        return None if self.due is None else (self.due - today).days


def review_plan(decision: Decision) -> ReviewPlan | None:
    """The review plan of a decision with `review-by` or `review-after`; None without."""
    by_text = decision.extra.get(REVIEW_BY)
    after_text = decision.extra.get(REVIEW_AFTER)
    if by_text in (None, "") and after_text in (None, ""):
        return None
    reviews = reviews_of(decision)
    last = reviews[-1] if reviews else None
    candidates: list[tuple[_dt.date, str]] = []
    problems = []
    if by_text not in (None, ""):
        by = parse_date(by_text)
        if by is None:
            problems.append(f"review-by '{by_text}' is not a date (write YYYY-MM-DD)")
        else:
            candidates.append((by, f"review-by {by.isoformat()}"))
    waiting = ""
    if after_text not in (None, ""):
        try:
            period = parse_period(after_text, what="review-after period")
            if period.empty:
                raise UsageError("zero")
        except UsageError:
            problems.append(f"review-after '{after_text}' is not a period ({_PERIOD_FIX})")
        else:
            base, since = None, ""
            if last is not None and parse_date(last.date):
                base, since = parse_date(last.date), f"the review of {last.date}"
            else:
                accepted = acceptance_date(decision)
                if accepted is not None:
                    base, since = accepted, f"acceptance on {accepted.isoformat()}"
            if base is not None:
                try:
                    candidates.append((period.after(base), f"{period} after {since}"))
                except OverflowError:
                    problems.append(f"review-after '{after_text}' runs past the calendar")
            else:
                waiting = f"{period} after acceptance (not accepted yet)"
    if not candidates:
        return ReviewPlan(None, waiting or "no usable review date", last, "; ".join(problems) or None)
    due, basis = min(candidates)
    return ReviewPlan(due, basis, last, "; ".join(problems) or None)


def set_review(decision: Decision, when: str, today: str) -> str:
    """Set `review-by` (a date) or `review-after` (a period) from `when`; returns the
    key set. A period of zero, or a date that is not a real date, is refused."""
    date = parse_date(when)
    if date is not None:
        decision.extra[REVIEW_BY] = date.isoformat()
        return REVIEW_BY
    if re.fullmatch(r"\s*\d{4}-\d{1,2}-\d{1,2}\s*", str(when)):
        raise UsageError(f"'{when}' is not a calendar date", fix="write a real date as YYYY-MM-DD")
    period = parse_period(when)
    if period.empty:
        raise UsageError("a review period must be longer than zero", fix=_PERIOD_FIX)
    decision.extra[REVIEW_AFTER] = str(period)
    return REVIEW_AFTER


def clear_review(decision: Decision) -> list[str]:
    """Remove both review keys; returns those that were set."""
    removed = [key for key in (REVIEW_BY, REVIEW_AFTER) if key in decision.extra]
    for key in removed:
        del decision.extra[key]
    return removed


def record_review(decision: Decision, today: str, by: str, note: str = "", *,
                  path: object = None) -> StatusChange:
    """Record a review in the status history (the status stays as it is). A one-off
    `review-by` date is met and removed; a `review-after` period starts again from
    today."""
    by = " ".join(str(by).split())
    if not by:
        raise UsageError("a review needs the name of who reviewed it", fix="give --by NAME")
    if decision.status not in IN_FORCE:
        raise ValidationError(f"{decision.label} is {decision.status}; only a decision in force is reviewed",
                              path=path, where="status", fix="review its successor instead")
    if not decision.status_history:
        decision.status_history.append(StatusChange(decision.status, decision.date or today))
    extra: tuple[tuple[str, object], ...] = ((REVIEWED_BY, by),)
    note = " ".join(str(note).split())
    if note:
        extra += (("note", note),)
    change = StatusChange(decision.status, today, extra)
    decision.status_history.append(change)
    decision.extra.pop(REVIEW_BY, None)
    return change
