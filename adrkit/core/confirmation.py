"""A decision's executable Confirmation: the outcome of one run of its checks, and the
state a reader is shown (the badge).

A check is the code cells of a decision tagged `confirmation`. One run of them ends:

- `passed`: every cell ran without raising;
- `failed`: an assertion did not hold (a cell raised AssertionError): the decision is
  not kept;
- `error`: the check could not judge: a cell raised any other exception (a missing
  file, a typo), it hung past its timeout and was stopped, its kernel died or would
  not start, or the notebook could not be read;
- `skipped`: not run, because the decision is not in force (draft, rejected,
  deprecated, superseded) and was not named (reported, never recorded, so the last
  real run stays on file).

What a reader sees adds two states: `never-run` (a check with no recorded run) and
`stale` (the recorded run is of an earlier version of the decision: its fingerprint
differs from the decision's current one, or it is older than the log's `stale-after`).
Pure: the clock is an argument.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from adrkit.core.errors import FormatError

__all__ = [
    "OUTCOMES",
    "STATES",
    "CHECKED_STATUSES",
    "RESULT_FORMAT",
    "CheckResult",
    "CheckState",
    "check_state",
    "parse_timestamp",
    "timestamp",
]

OUTCOMES = ("passed", "failed", "error", "skipped")
STATES = ("passed", "failed", "error", "stale", "never-run", "skipped")
CHECKED_STATUSES = ("proposed", "accepted")
RESULT_FORMAT = 1


def parse_timestamp(text: str) -> _dt.datetime | None:
    """'2026-01-31T09:30:00Z' (or a bare date) as an aware UTC datetime; None if unreadable."""
    value = str(text or "").strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            moment = _dt.datetime.fromisoformat(value + "T00:00:00")
        else:
            moment = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return moment.astimezone(_dt.timezone.utc)


def timestamp(moment: _dt.datetime) -> str:
    """A moment as results files write it: UTC, to the second, '2026-01-31T09:30:00Z'."""
    return moment.astimezone(_dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class CheckResult:
    """The record of one run of a decision's checks (what `<stem>.confirmation.json` holds)."""

    decision: str                  # the record's file stem
    outcome: str                   # one of OUTCOMES
    date: str                      # when the run ended, UTC, '2026-01-31T09:30:00Z'
    duration: float = 0.0          # seconds, kernel start-up included
    fingerprint: str = ""          # of the decision as it was run (see formats.confirmation)
    cells: list[int] = field(default_factory=list)   # notebook cell numbers (1-based) of the check
    error: str = ""                # failed / error: one line, naming the cell
    reason: str = ""               # skipped: why
    summary: str = ""              # the last line of text the check displayed
    evidence: list[dict[str, Any]] = field(default_factory=list)  # the outputs it displayed
    adrkit: str = ""
    python: str = ""               # the kernel's language version
    kernel: str = ""               # kernel name, and 'reused' when a kernel served several
    startup: float = 0.0           # seconds spent starting the kernel

    def to_dict(self, *, evidence: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": RESULT_FORMAT, "decision": self.decision, "outcome": self.outcome,
            "date": self.date, "duration": round(self.duration, 3),
            "startup": round(self.startup, 3), "cells": list(self.cells),
        }
        for key in ("error", "reason", "summary"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        data.update({"adrkit": self.adrkit, "python": self.python, "kernel": self.kernel,
                     "fingerprint": self.fingerprint})
        if evidence:
            data["evidence"] = list(self.evidence)
        return data

    @classmethod
    def from_dict(cls, data: Any, *, path: Any = None) -> "CheckResult":
        fix = "run 'adrkit confirm' again to rewrite it, or delete it"
        if not isinstance(data, dict):
            raise FormatError("is not a confirmation result (not a mapping)", path=path, fix=fix)
        outcome = data.get("outcome")
        if outcome not in OUTCOMES:
            raise FormatError(f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}", path=path,
                              where="outcome", fix=fix)
        if parse_timestamp(str(data.get("date") or "")) is None:
            raise FormatError("has no readable date", path=path, where="date", fix=fix)

        def number(key: str) -> float:
            value = data.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise FormatError(f"'{key}' is not a number", path=path, where=key, fix=fix)
            return float(value)

        cells = data.get("cells") or []
        if not isinstance(cells, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in cells):
            raise FormatError("'cells' is not a list of cell numbers", path=path, where="cells", fix=fix)
        evidence = data.get("evidence") or []
        if not isinstance(evidence, list):
            raise FormatError("'evidence' is not a list of outputs", path=path, where="evidence", fix=fix)
        return cls(decision=str(data.get("decision") or ""), outcome=outcome, date=str(data["date"]),
                   duration=number("duration"), startup=number("startup"), cells=list(cells),
                   fingerprint=str(data.get("fingerprint") or ""), error=_line(data.get("error")),
                   reason=_line(data.get("reason")), summary=_line(data.get("summary")),
                   evidence=[e for e in evidence if isinstance(e, dict)],
                   adrkit=str(data.get("adrkit") or ""), python=str(data.get("python") or ""),
                   kernel=str(data.get("kernel") or ""))

    @property
    def day(self) -> str:
        """The date of the run, YYYY-MM-DD."""
        moment = parse_timestamp(self.date)
        return moment.date().isoformat() if moment else self.date[:10]


def _line(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


@dataclass(frozen=True)
class CheckState:
    """What a reader is shown for one decision's check."""

    state: str                     # one of STATES
    result: CheckResult | None     # the recorded run, if any (also for a stale one)
    why: str                       # one sentence

    @property
    def label(self) -> str:
        """The badge text: 'passed 2026-01-31', 'failed', 'stale', 'never run'."""
        if self.state == "passed" and self.result is not None:
            return f"passed {self.result.day}"
        return self.state.replace("-", " ")

    @property
    def debt(self) -> bool:
        """True when the check needs someone's attention."""
        return self.state in ("failed", "error", "stale", "never-run")


def check_state(result: CheckResult | None, fingerprint: str, *, has_check: bool,
                now: _dt.datetime | None = None, stale_after_days: int | None = None,
                status: str | None = None) -> CheckState | None:
    """The state of a decision's check: None when it has no cell tagged `confirmation`;
    `skipped` when the decision's `status` is not one whose checks run (its last run, if
    any, is kept for reference)."""
    if not has_check:
        return None
    if status is not None and status not in CHECKED_STATUSES:
        return CheckState("skipped", result, f"its check is not run while the decision is {status}")
    if result is None:
        return CheckState("never-run", None, "its check has never been run")
    if result.fingerprint != fingerprint:
        return CheckState("stale", result, f"the decision changed after its check {result.outcome} "
                                           f"on {result.day}")
    if stale_after_days is not None and now is not None and result.outcome != "skipped":
        moment = parse_timestamp(result.date)
        if moment is not None and (now - moment).days > stale_after_days:
            return CheckState("stale", result, f"its last run ({result.outcome}, {result.day}) is more "
                                               f"than {stale_after_days} days old")
    why = {"passed": f"its check passed on {result.day}",
           "failed": f"its check failed on {result.day}: {result.error}",
           "error": f"its check ended in an error on {result.day}: {result.error}",
           "skipped": f"its check was not run on {result.day}: {result.reason}"}[result.outcome]
    return CheckState(result.outcome, result, why)
