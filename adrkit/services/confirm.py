"""`adrkit confirm`: run each decision's check (its code cells tagged `confirmation`)
and record the outcome beside the decision, in `NNNN-slug.confirmation.json`.

How a run goes:

1. plan: read the decisions (all, or the ones named); a decision with no check is left
   alone; one not in force (draft, rejected, deprecated, superseded) is reported as
   skipped unless it was named (and not recorded: its last real run stays on file);
   one whose notebook cannot be read is an error;
2. run (`services.check_runner`): every check gets a fresh kernel (the one its notebook
   names, `python3` by default) started with the log's folder as its working directory,
   over IPC sockets in a private folder (see `services.kernel`); its cells run in order
   and the first one that raises ends the check: an AssertionError fails it, any other
   exception is an error of the check itself. Checks run side by side, one per core
   (`jobs`). A check has `timeout` seconds for all its cells (kernel start-up not
   counted); one that takes longer is stopped, its kernel killed with every process it
   started. A kernel that dies is reported as such. With `reuse_kernels` each worker
   keeps its kernel between checks and resets its namespace and working folder, which
   saves the start-up but not imported modules or other process state: only for
   checks known to be independent; after a check that did not pass, the kernel is
   replaced.
3. record: each outcome is written as soon as it is known, atomically, with the date,
   duration, adrkit and Python versions, the failing cell's error in one line, the
   outputs the check displayed (the evidence the site shows) and the fingerprint of the
   decision as run (`formats.confirmation`), which later tells a stale result apart.

The notebook itself is never written. A check is the team's own code: it runs with the
user's rights and may read or write anything they can; nothing here sandboxes it.
"""
from __future__ import annotations

import datetime as _dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from adrkit.about import __version__
from adrkit.core.confirmation import CHECKED_STATUSES, CheckResult, CheckState, check_state, timestamp
from adrkit.core.decision import parse_filename
from adrkit.core.errors import AdrkitError, FormatError, UsageError
from adrkit.core.reviews import parse_period
from adrkit.formats.confirmation import (check_cells, dump_result, fingerprint, kernel_name, parse_result,
                                         result_name)
from adrkit.storage.atomic import write_atomic
from adrkit.storage.log import DecisionLog, Record

__all__ = ["ConfirmOptions", "ConfirmReport", "Check", "confirm", "plan_checks", "run_checks",
           "result_path", "read_result", "state_of", "check_settings", "default_jobs"]

Clock = Callable[[], _dt.datetime]
Progress = Callable[[str], None]
DEFAULT_TIMEOUT = 120.0
STARTUP_TIMEOUT = 60.0


@dataclass
class ConfirmOptions:
    timeout: float = DEFAULT_TIMEOUT   # seconds for all the cells of one check
    jobs: int | None = None            # checks at once; None: one per core
    reuse_kernels: bool = False        # keep a kernel per worker between checks (see above)
    startup_timeout: float = STARTUP_TIMEOUT


@dataclass
class Check:
    """One decision's check, ready to run."""

    record: Record
    cells: list[tuple[int, str]]
    kernel: str
    fingerprint: str

    @property
    def stem(self) -> str:
        return self.record.decision.stem


@dataclass
class ConfirmReport:
    """The outcome of one `adrkit confirm`."""

    results: list[CheckResult] = field(default_factory=list)
    without_check: int = 0
    workers: int = 0
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def exit_code(self) -> int:
        """1 when a check failed or could not finish, else 0."""
        return 1 if any(r.outcome in ("failed", "error") for r in self.results) else 0

    def summary(self) -> str:
        parts = [f"{self.count(o)} {o}" for o in ("passed", "failed", "error", "skipped") if self.count(o)]
        ran = len(self.results)
        text = f"{ran} check{'s' if ran != 1 else ''}: {', '.join(parts) or 'nothing run'}"
        if self.workers > 1:
            text += f" ({self.workers} at a time)"
        text += f" in {self.seconds:.1f} s"
        if self.without_check:
            text += f"; {self.without_check} decision{'s' if self.without_check != 1 else ''} without a check"
        return text


# --- where results live ------------------------------------------------------------

def result_path(notebook: Path) -> Path:
    """The results file of the decision whose notebook is `notebook`."""
    return notebook.with_name(result_name(notebook.stem))


def read_result(notebook: Path) -> CheckResult | None:
    """The recorded run of a decision, None when there is none; FormatError when the
    file is not a result adrkit wrote."""
    path = result_path(notebook)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise FormatError("is a folder, not a confirmation result", path=path, fix="remove it")
    return parse_result(raw, path=path)


def _data_bytes(notebook: Path) -> bytes | None:
    try:
        return notebook.with_suffix(".yaml").read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None


def check_settings(log: DecisionLog) -> dict[str, Any]:
    """The `confirm:` settings of .adrkit.yaml: timeout (seconds), jobs, and stale-after
    (a period after which a passing result counts as stale), checked."""
    raw = log.config.extra.get("confirm")
    path = log.config.path
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise FormatError("'confirm' must be a mapping", path=path, where="confirm",
                          fix="write 'confirm:' then indented 'timeout: 120' or 'stale-after: 30 days'")
    settings: dict[str, Any] = {}
    if raw.get("timeout") is not None:
        value = raw["timeout"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise FormatError(f"confirm.timeout {value!r} is not a positive number of seconds", path=path,
                              where="confirm.timeout", fix="write e.g. 'timeout: 120'")
        settings["timeout"] = float(value)
    if raw.get("jobs") is not None:
        value = raw["jobs"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise FormatError(f"confirm.jobs {value!r} is not a positive whole number", path=path,
                              where="confirm.jobs", fix="write e.g. 'jobs: 2', or leave it out for one per core")
        settings["jobs"] = value
    if raw.get("stale-after") not in (None, ""):
        try:
            period = parse_period(raw["stale-after"], what="stale-after period")
        except UsageError as exc:
            raise FormatError(exc.message, path=path, where="confirm.stale-after", fix=exc.fix)
        today = _dt.date(2000, 1, 1)
        settings["stale-after"] = (period.after(today) - today).days
    return settings


def state_of(record: Record, *, now: _dt.datetime | None = None,
             stale_after_days: int | None = None) -> CheckState | None:
    """What a reader is shown for `record`'s check (None: it has none). A results file
    that cannot be read counts as no run."""
    has_check = bool(check_cells(record.notebook))
    if not has_check:
        return None
    try:
        result = read_result(record.path)
    except AdrkitError:
        result = None
    current = fingerprint(record.notebook, _data_bytes(record.path), stem=record.decision.stem)
    return check_state(result, current, has_check=True, now=now, stale_after_days=stale_after_days,
                       status=record.decision.status)


# --- 1. plan ------------------------------------------------------------------------

def plan_checks(log: DecisionLog, refs: Iterable[str] = ()) -> tuple[list[Check], list[CheckResult], int]:
    """(checks to run, results known without running, decisions without a check)."""
    refs = list(refs)
    immediate: list[CheckResult] = []
    if refs:
        records, named = [], True
        seen: set[Path] = set()
        for ref in refs:
            rec = log.resolve(ref)
            if rec.path not in seen:
                seen.add(rec.path)
                records.append(rec)
    else:
        named = False
        records, problems = log.load_all()
        for problem in problems:
            stem = Path(problem.path or "").stem
            immediate.append(CheckResult(stem, "error", "", error=str(problem), adrkit=__version__))
    checks, without = [], 0
    for rec in records:
        cells = check_cells(rec.notebook)
        d = rec.decision
        if not cells:
            without += 1
            if named:
                immediate.append(CheckResult(d.stem, "skipped", "", adrkit=__version__,
                                             reason="it has no code cell tagged confirmation"))
            continue
        fp = fingerprint(rec.notebook, _data_bytes(rec.path), stem=rec.decision.stem)
        if not named and d.status not in CHECKED_STATUSES:
            immediate.append(CheckResult(d.stem, "skipped", "", fingerprint=fp, adrkit=__version__,
                                         cells=[n for n, _ in cells],
                                         reason=f"the decision is {d.status} (name it to run its check anyway)"))
            continue
        checks.append(Check(rec, cells, kernel_name(rec.notebook), fp))
    return checks, immediate, without


# --- the whole command ----------------------------------------------------------------

def default_jobs() -> int:
    from adrkit.storage.processes import usable_cores

    return usable_cores()


def confirm(log: DecisionLog, refs: Iterable[str] = (), options: ConfirmOptions | None = None, *,
            clock: Clock | None = None, progress: Progress | None = None,
            write: bool = True) -> ConfirmReport:
    """Plan, run and record the checks of `log` (or of the decisions named by `refs`)."""
    options = options or ConfirmOptions()
    clock = clock or (lambda: _dt.datetime.now(_dt.timezone.utc))
    say = progress or (lambda message: None)
    started = time.perf_counter()
    checks, immediate, without = plan_checks(log, refs)
    report = ConfirmReport(without_check=without)
    for result in immediate:  # skipped or unreadable: reported, not recorded
        if not result.date:
            result.date = timestamp(clock())
    results = list(immediate)
    if checks:
        jobs = max(1, min(options.jobs or default_jobs(), len(checks)))
        report.workers = jobs
        say(f"running {len(checks)} check{'s' if len(checks) != 1 else ''}"
            + (f", {jobs} at a time" if jobs > 1 else "")
            + f" (timeout {options.timeout:g} s each"
            + (", kernels reused" if options.reuse_kernels else "") + ")")
        done = 0

        def finished(result: CheckResult) -> None:
            nonlocal done
            done += 1
            if write:
                _write(log, result)
            say(f"[{done}/{len(checks)}] {result.decision} {result.outcome} in {result.duration:.1f} s"
                + (f": {result.error}" if result.error else ""))

        results += run_checks(log, checks, options, clock=clock, on_result=finished, jobs=jobs)
    report.results = sorted(results, key=_order)
    report.seconds = time.perf_counter() - started
    return report


def _order(result: CheckResult) -> tuple[int, str]:
    parsed = parse_filename(result.decision)
    return (parsed[0] if parsed else 0, result.decision)


def _write(log: DecisionLog, result: CheckResult) -> None:
    """One result file, under the log's write lock (held only for the write, so a long
    run of checks does not keep other commands waiting)."""
    with log.lock():
        write_atomic(log.dir / result_name(result.decision), dump_result(result))


# --- 2. run (services.check_runner) ---------------------------------------------------

def run_checks(log: DecisionLog, checks: list[Check], options: ConfirmOptions, *, clock: Clock,
               on_result: Callable[[CheckResult], None] | None = None,
               jobs: int | None = None) -> list[CheckResult]:
    """Run `checks`, `jobs` at a time; results in the order they finish."""
    from adrkit.services.check_runner import run_all

    jobs = max(1, min(jobs or options.jobs or default_jobs(), len(checks) or 1))
    return run_all(log.dir, checks, options, clock=clock, on_result=on_result or (lambda r: None), jobs=jobs)
