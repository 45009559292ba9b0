"""The decision debt of a log: what needs someone's attention, each item naming the
record and what to do about it.

- a review that is overdue, or a review date that cannot be read (it would never come due);
- a decision proposed for longer than `debt.proposed-for` in `.adrkit.yaml` (30 days
  unless set);
- a check (cells tagged `confirmation`) that failed, ended in an error, is stale, or has
  never run;
- an accepted decision whose trade-off table no longer ranks the chosen option first;
- a superseded record without a successor in the log;
- a link to a decision that is not in the log.

The last two are lint's own rules (`services.lint`), reused rather than restated.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from adrkit.core.errors import AdrkitError, FormatError, UsageError
from adrkit.core.reviews import is_review, parse_date, parse_period
from adrkit.services.confirm import check_settings, state_of
from adrkit.services.review import plan_item
from adrkit.storage.log import DecisionLog, Record

__all__ = ["DebtItem", "decision_debt", "KINDS", "debt_settings"]

# Debt kinds in the order they are listed, with the heading the site gives them.
KINDS = {
    "overdue-review": "Overdue reviews",
    "review-date": "Review dates that cannot be read",
    "check-failed": "Failing checks",
    "check-error": "Checks that end in an error",
    "check-stale": "Stale checks",
    "check-never-run": "Checks never run",
    "long-proposed": "Proposed for too long",
    "tradeoff-disagrees": "Trade-offs that no longer pick the chosen option",
    "no-successor": "Superseded without a successor",
    "dangling-link": "Dangling links",
}
DEFAULT_PROPOSED_FOR = "30 days"


@dataclass(frozen=True)
class DebtItem:
    kind: str        # one of KINDS
    path: str        # the record's notebook (or data file), as given by the log
    stem: str        # the record's file stem: the site links to <stem>.html
    label: str       # '0007'
    title: str
    message: str
    fix: str

    def line(self) -> str:
        return f"{Path(self.path).name}: {self.message}; {self.fix} [{self.kind}]"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def debt_settings(log: DecisionLog) -> int:
    """`debt.proposed-for` of .adrkit.yaml in days (30 unless set)."""
    raw = log.config.extra.get("debt")
    text: Any = DEFAULT_PROPOSED_FOR
    if raw is not None:
        if not isinstance(raw, dict):
            raise FormatError("'debt' must be a mapping", path=log.config.path, where="debt",
                              fix="write 'debt:' then an indented 'proposed-for: 30 days'")
        text = raw.get("proposed-for") or DEFAULT_PROPOSED_FOR
    try:
        period = parse_period(text, what="proposed-for period")
    except UsageError as exc:
        raise FormatError(exc.message, path=log.config.path, where="debt.proposed-for", fix=exc.fix)
    start = _dt.date(2000, 1, 1)
    return (period.after(start) - start).days


def decision_debt(log: DecisionLog, *, today: _dt.date, now: _dt.datetime | None = None,
                  records: list[Record] | None = None) -> list[DebtItem]:
    """Every debt item of the log, by kind (in `KINDS` order), then by number."""
    if records is None:
        records = log.load_all()[0]
    proposed_days = debt_settings(log)
    stale_days = check_settings(log).get("stale-after")
    now = now or _dt.datetime.combine(today, _dt.time(12), _dt.timezone.utc)
    items: list[DebtItem] = []
    for rec in records:
        items += _reviews(rec, today)
        items += _checks(rec, now, stale_days)
        items += _proposed(rec, today, proposed_days)
        items += _tradeoffs(rec)
    items += _lint_rules(log, records)
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(items, key=lambda i: (order[i.kind], i.label, i.stem))


def _item(rec: Record, kind: str, message: str, fix: str, path: Path | None = None) -> DebtItem:
    d = rec.decision
    return DebtItem(kind, str(path or rec.path), d.stem, d.label, d.title, message, fix)


def _reviews(rec: Record, today: _dt.date) -> list[DebtItem]:
    item = plan_item(rec, today)
    if item is None:
        return []
    out = []
    label = rec.decision.label
    if item.problem:
        out.append(_item(rec, "review-date", item.problem,
                         f"fix it, or set it again with 'adrkit review {label} 6 months'"))
    if item.overdue:
        out.append(_item(rec, "overdue-review", f"review {item.when()} ({item.basis}, due {item.due})",
                         f"review it, then run 'adrkit review {label} --done --by NAME --note \"...\"'"))
    return out


def _checks(rec: Record, now: _dt.datetime, stale_days: int | None) -> list[DebtItem]:
    state = state_of(rec, now=now, stale_after_days=stale_days)
    if state is None or not state.debt:
        return []
    label = rec.decision.label
    rerun = f"run 'adrkit confirm {label}'"
    kind, fix = {
        "failed": ("check-failed", f"fix the implementation or the decision, then {rerun}"),
        "error": ("check-error", f"fix the check (see its error), then {rerun}"),
        "stale": ("check-stale", rerun),
        "never-run": ("check-never-run", rerun),
    }[state.state]
    return [_item(rec, kind, state.why, fix)]


def _proposed(rec: Record, today: _dt.date, limit_days: int) -> list[DebtItem]:
    d = rec.decision
    if d.status != "proposed":
        return []
    since = None
    for change in reversed(d.status_history):
        if change.status == "proposed" and not is_review(change):
            since = parse_date(change.date)
            break
    since = since or parse_date(d.date)
    if since is None:
        return []
    days = (today - since).days
    if days <= limit_days:
        return []
    return [_item(rec, "long-proposed", f"proposed since {since.isoformat()} ({days} days, more than "
                  f"{limit_days})", f"decide it: 'adrkit status {d.label} accepted' or 'rejected'")]


def _tradeoffs(rec: Record) -> list[DebtItem]:
    d = rec.decision
    if d.status != "accepted" or not rec.data_path.is_file():
        return []
    from adrkit.core.tradeoff import load_tradeoffs
    from adrkit.storage.datafile import read_data

    try:
        tables = load_tradeoffs(read_data(rec.data_path), path=rec.data_path)
    except AdrkitError:
        return []  # lint reports a data file it cannot read
    out = []
    for name, table in tables.items():
        if not table.chosen:
            continue
        try:
            table.validate()
            winners = table.ranking().winners
        except (AdrkitError, ValueError, ZeroDivisionError):
            continue
        if winners and table.chosen not in winners:
            top = " and ".join(f'"{w}"' for w in winners)
            out.append(_item(rec, "tradeoff-disagrees",
                             f'trade-off "{name}" now ranks {top} first, not the chosen "{table.chosen}"',
                             "revisit the decision (supersede it), or correct the weights and scores "
                             "if they are wrong", rec.data_path))
    return out


def _lint_rules(log: DecisionLog, records: list[Record]) -> list[DebtItem]:
    from adrkit.services.lint import check_references, check_status

    by_name = {r.path.name: r for r in records}
    out = []
    for finding in list(check_status(records, log)) + list(check_references(records, log)):
        rec = by_name.get(finding.path)
        if rec is None:
            continue
        if finding.code == "superseded-without-successor":
            out.append(_item(rec, "no-successor", finding.message, finding.fix))
        elif finding.code == "dangling-link":
            where = f"{finding.field}: " if finding.field else ""
            out.append(_item(rec, "dangling-link", where + finding.message, finding.fix))
    return out
