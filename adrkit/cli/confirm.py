"""Commands that keep decisions honest: confirm, review, due, debt.

`confirm` runs each decision's check and exits 1 when one fails (for CI); `review`
sets review dates and records reviews; `due` lists reviews overdue or coming up and
exits 1 when one is overdue (for a scheduled job); `debt` lists everything that needs
attention. The work is in `adrkit.services.confirm`, `.review` and `.debt`.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import os
from pathlib import Path
from typing import Any

from adrkit.cli.common import emit_json, log_of, say, today

__all__ = ["register", "clock", "run_confirm"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "confirm", help="run each decision's check (cells tagged confirmation); exit 1 if one fails",
        description="Run the code cells tagged 'confirmation' of each decision (all accepted and "
                    "proposed ones, or those named) in a fresh kernel, with the log's folder as the "
                    "working directory, several at once. Each outcome (passed; failed on an "
                    "AssertionError; error for anything else, a timeout or a dead kernel), with its "
                    "date, duration, versions, the failing cell's error and what the check displayed, "
                    "is written to NNNN-slug.confirmation.json beside the decision; the "
                    "notebook is not changed. A check is your own code and runs with your rights: it "
                    "can read and write anything you can. Exit 1 when a check failed or ended in an error.")
    p.add_argument("refs", nargs="*", metavar="REF", help="decisions to check (default: every accepted "
                   "or proposed decision with a check; a named one is checked whatever its status)")
    p.add_argument("--json", action="store_true", help="print the results as JSON (without the evidence)")
    p.add_argument("--timeout", type=float, metavar="S", help="seconds for all the cells of one check "
                   "(default: confirm.timeout of .adrkit.yaml, else 120); a check still running is stopped")
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="checks at once (default: one per core)")
    p.add_argument("--no-record", action="store_true",
                   help="run and report, but write no results file (for a pre-commit hook, which must not "
                        "change files)")
    p.add_argument("--reuse-kernels", action="store_true",
                   help="keep one kernel per worker between checks, resetting its variables and working "
                        "folder: faster, but imported modules and other process state carry over, so only "
                        "for checks known to be independent")
    p.set_defaults(func=cmd_confirm)

    p = sub.add_parser(
        "review", help="set a review date, or record a review",
        description="'adrkit review REF 2027-06-01' sets review-by; 'adrkit review REF \"6 months\"' sets "
                    "review-after (counted from acceptance, then from each review). 'adrkit review REF "
                    "--done --by NAME --note TEXT' records a review in the status history. With only REF, "
                    "print when its review is due.")
    p.add_argument("ref", metavar="REF")
    p.add_argument("when", nargs="?", metavar="DATE|PERIOD",
                   help="YYYY-MM-DD, or a period: '6 months', '1 year', '2 weeks', '90 days', 90d, P6M")
    p.add_argument("--done", action="store_true", help="record that the decision was reviewed today")
    p.add_argument("--by", metavar="NAME", help="who reviewed it (default: git's user.name, else the login name)")
    p.add_argument("--note", default="", metavar="TEXT", help="what the review found")
    p.add_argument("--next", metavar="DATE|PERIOD", help="with --done: when the next review is due")
    p.add_argument("--clear", action="store_true", help="remove review-by and review-after")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser(
        "due", help="list reviews overdue or coming up; exit 1 if one is overdue",
        description="List decisions in force whose review is overdue or due within the window, soonest "
                    "first, and any review date that cannot be read. Exit 1 when a review is overdue or a "
                    "review date cannot be read (for a scheduled CI job).")
    p.add_argument("--within", default="30 days", metavar="PERIOD",
                   help="how far ahead to look (default: 30 days; e.g. 2w, 90d, '3 months')")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_due)

    p = sub.add_parser(
        "debt", help="list the decision debt: overdue reviews, failing or stale checks, ...",
        description="List what needs attention, each with the record and what to do: overdue reviews, "
                    "decisions proposed for longer than debt.proposed-for (30 days), failing, stale or "
                    "never-run checks, accepted decisions whose trade-off no longer picks the chosen option, "
                    "superseded records without a successor, dangling links. Exit 1 when there is any.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_debt)


def clock() -> _dt.datetime:
    """Now (UTC), or the moment of SOURCE_DATE_EPOCH for reproducible runs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        day = _dt.date.fromisoformat(today())  # validates the variable
        try:
            return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            return _dt.datetime.combine(day, _dt.time(), _dt.timezone.utc)
    return _dt.datetime.now(_dt.timezone.utc)


def _options(args: Any, log: Any) -> Any:
    from adrkit.core.errors import UsageError
    from adrkit.services.confirm import ConfirmOptions, check_settings

    settings = check_settings(log)
    given = getattr(args, "timeout", None)
    timeout = given if given is not None else settings.get("timeout", 120.0)
    if not 0 < timeout < float("inf"):
        raise UsageError(f"--timeout {timeout:g} is not a positive number of seconds",
                         fix="give e.g. --timeout 120")
    jobs = getattr(args, "jobs", None)
    jobs = jobs if jobs is not None else settings.get("jobs")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs} is not a positive number", fix="give --jobs 1 or more")
    return ConfirmOptions(timeout=timeout, jobs=jobs, reuse_kernels=bool(getattr(args, "reuse_kernels", False)))


def run_confirm(args: Any, log: Any, refs: list[str], *, print_results: bool = True) -> int:
    """Run the checks and print them; returns the exit code (shared with `build --confirm`)."""
    from adrkit.services.confirm import confirm, result_path

    options = _options(args, log)
    report = confirm(log, refs, options, clock=clock, progress=lambda m: say(f"adrkit: {m}"),
                     write=not getattr(args, "no_record", False))
    if print_results and getattr(args, "json", False):
        emit_json([r.to_dict(evidence=False) | {"results-file": _rel(result_path(log.dir / f"{r.decision}.ipynb"))}
                   for r in report.results])
    elif print_results:
        for r in report.results:
            detail = r.error or r.reason or r.summary
            print(f"{r.decision}  {r.outcome:<7}  {r.duration:5.1f} s" + (f"  {detail}" if detail else ""))
    say(f"adrkit: {report.summary()}")
    return report.exit_code


def cmd_confirm(args: Any) -> int:
    log = log_of(args)
    return run_confirm(args, log, args.refs)


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _reviewer() -> str:
    """git's user.name, else the login name."""
    import getpass
    import shutil
    import subprocess

    git = shutil.which("git")
    if git:
        try:
            name = subprocess.run([git, "config", "user.name"], capture_output=True, text=True,
                                  timeout=10).stdout.strip()
            if name:
                return name
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        return getpass.getuser()
    except Exception:
        return ""


def cmd_review(args: Any) -> int:
    from adrkit.core.errors import UsageError
    from adrkit.services import review

    log = log_of(args)
    if args.done:
        if args.when or args.clear:
            raise UsageError("--done records a review; give the next date with --next, not as DATE",
                             fix="run 'adrkit review REF --done --next \"6 months\"'")
        by = args.by or _reviewer()
        if not by:
            raise UsageError("cannot tell who reviewed it", fix="give --by NAME")
        rec, change = review.record_review(log, args.ref, today=today(), by=by, note=args.note,
                                           next_when=args.next)
        say(f"{rec.decision.label} reviewed on {change.date} by {by}")
        _show_plan(rec)
        print(_rel(rec.path))
        return 0
    if args.next or args.note or args.by:
        raise UsageError("--by, --note and --next go with --done", fix="add --done to record a review")
    if args.clear:
        if args.when:
            raise UsageError("--clear takes no DATE or PERIOD", fix="run 'adrkit review REF --clear'")
        rec, removed = review.clear_review(log, args.ref)
        say(f"{rec.decision.label}: removed {' and '.join(removed)}")
        print(_rel(rec.path))
        return 0
    if args.when:
        rec, key = review.set_review(log, args.ref, args.when, today=today())
        say(f"{rec.decision.label}: {key} {rec.decision.extra[key]}")
        _show_plan(rec)
        print(_rel(rec.path))
        return 0
    rec = log.resolve(args.ref)
    if not _show_plan(rec, out=True):
        print(f"{rec.decision.label} has no review date; set one with 'adrkit review {rec.decision.label} "
              "\"6 months\"' or a date")
    return 0


def _show_plan(rec: Any, *, out: bool = False) -> bool:
    from adrkit.services.review import plan_item

    item = plan_item(rec, _dt.date.fromisoformat(today()))
    if item is None:
        return False
    if item.due is not None:
        text = f"{rec.decision.label} review {item.when()}: {item.due.isoformat()} ({item.basis})"
    else:
        text = f"{rec.decision.label} review: {item.basis}"
    if item.last_review:
        text += f"; last reviewed {item.last_review}"
    if item.problem:
        text += f"; warning: {item.problem}"
    print(text) if out else say(text)
    return True


def cmd_due(args: Any) -> int:
    from adrkit.core.reviews import parse_period
    from adrkit.services.review import due

    log = log_of(args)
    period = parse_period(args.within, what="--within period")
    day = _dt.date.fromisoformat(today())
    items = due(log, day, (period.after(day) - day).days)
    if args.json:
        emit_json([i.to_dict() for i in items])
    else:
        for i in items:
            when = i.due.isoformat() if i.due else "-" * 10
            line = f"{i.label}  {when}  {i.when():<20}  {i.title}  ({i.basis})"
            if i.problem:
                line += f"  warning: {i.problem}"
            print(line)
    overdue = sum(1 for i in items if i.overdue)
    broken = sum(1 for i in items if i.problem)
    say(f"adrkit: {overdue} overdue, {len(items) - overdue} due within {period}"
        + (f", {broken} with a review date that cannot be read" if broken else ""))
    return 1 if overdue or broken else 0


def cmd_debt(args: Any) -> int:
    from adrkit.services.debt import decision_debt

    log = log_of(args)
    moment = clock()
    items = decision_debt(log, today=_dt.date.fromisoformat(today()), now=moment)
    if args.json:
        emit_json([i.to_dict() for i in items])
    else:
        for i in items:
            print(i.line())
    say(f"adrkit: {len(items)} item{'s' if len(items) != 1 else ''} of decision debt")
    return 1 if items else 0
