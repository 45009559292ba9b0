"""`adrkit confirm`: run each decision's check (its code cells tagged `confirmation`)
and record the outcome beside the decision, in `NNNN-slug.confirmation.json`.

How a run goes:

1. plan: read the decisions (all, or the ones named); a decision with no check is left
   alone; one not in force (draft, rejected, deprecated, superseded) is reported as
   skipped unless it was named (and not recorded: its last real run stays on file);
   one whose notebook cannot be read is an error;
2. run: every check gets a fresh kernel (the kernel its notebook names, `python3` by
   default) started with the log's folder as its working directory, over IPC sockets in
   a private folder (see `services.kernel`); its cells run in order and the first one
   that raises ends the check: an AssertionError fails it, any other exception is an
   error of the check itself. Checks run side by side, one per core (`jobs`). A check
   has `timeout` seconds for all its cells (kernel start-up not counted); a check that
   takes longer is stopped, its kernel killed with every process it started. A kernel
   that dies is reported as such. With `reuse_kernels` each worker keeps its kernel
   between checks and resets its namespace and working folder (`%reset -f`), which
   saves the start-up but not imported modules or other process state: only for
   checks known to be independent; after a failure the kernel is replaced.
3. record: each outcome is written as soon as it is known, atomically, with the date,
   duration, adrkit and Python versions, the failing cell's error in one line, the
   outputs the check displayed (the evidence the site shows) and the fingerprint of the
   decision as run (`formats.confirmation`), which later tells a stale result apart.

The notebook itself is never written. A check is the team's own code: it runs with the
user's rights and may read or write anything they can; nothing here sandboxes it.
"""
from __future__ import annotations

import asyncio
import datetime as _dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from adrkit.about import __version__
from adrkit.core.confirmation import (CHECKED_STATUSES, CheckResult, CheckState, check_state,
                                      parse_timestamp)
from adrkit.core.decision import parse_filename
from adrkit.core.errors import AdrkitError, FormatError, UsageError
from adrkit.core.reviews import parse_period
from adrkit.formats.confirmation import (check_cells, dump_result, error_line, fingerprint, keep_evidence,
                                         kernel_name, parse_result, result_name, summary_of)
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
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


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
            result.date = _stamp(clock())
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
    write_atomic(log.dir / result_name(result.decision), dump_result(result))


def _stamp(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- 2. run ---------------------------------------------------------------------------

def run_checks(log: DecisionLog, checks: list[Check], options: ConfirmOptions, *, clock: Clock,
               on_result: Callable[[CheckResult], None] | None = None,
               jobs: int | None = None) -> list[CheckResult]:
    """Run `checks`, `jobs` at a time; results in the order they finish."""
    jobs = max(1, min(jobs or options.jobs or default_jobs(), len(checks) or 1))
    runner = _Runner(log.dir, options, clock, on_result or (lambda r: None))
    return asyncio.run(runner.run(checks, jobs))


class _Kernel:
    """One kernel process: started over IPC in a private folder, its own stderr kept
    in that folder (so a kernel that will not start can say why), killed with its whole
    process group when stopped."""

    def __init__(self, name: str, cwd: Path, startup_timeout: float):
        from jupyter_client.manager import AsyncKernelManager

        from adrkit.services.kernel import kernel_config

        self.name = name
        self.cwd = cwd
        self.startup_timeout = startup_timeout
        self.folder = tempfile.mkdtemp(prefix="adrkit-kernel-")
        self.km = AsyncKernelManager(kernel_name=name,
                                     config=kernel_config(None if os.name == "nt" else self.folder))
        self.kc: Any = None
        self.python = ""
        self.startup = 0.0
        self.used = 0
        self._stderr: Any = None

    async def start(self) -> None:
        from jupyter_client.kernelspec import NoSuchKernel

        started = time.perf_counter()
        self._stderr = open(os.path.join(self.folder, "kernel.log"), "wb")
        try:
            # history in memory (as nbclient does): a check's code never lands in the
            # user's IPython history, and kernels side by side share no history database
            await self.km.start_kernel(cwd=str(self.cwd), stderr=self._stderr,
                                       extra_arguments=["--HistoryManager.hist_file=:memory:"])
        except NoSuchKernel:
            raise _CheckError(f"kernel '{self.name}' is not installed; install it, or set the notebook's "
                              "kernel to python3") from None
        except (OSError, RuntimeError) as exc:
            raise _CheckError(f"kernel '{self.name}' did not start: {exc}{self._said()}") from None
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            await self.kc.wait_for_ready(timeout=self.startup_timeout)
        except RuntimeError as exc:
            text = str(exc).rstrip(".")
            if "did not respond" in text or "timed out" in text.lower():
                text = f"kernel '{self.name}' did not start within {self.startup_timeout:g} s"
            raise _CheckError(f"{text}{self._said()}") from None
        try:
            reply = await self.kc.kernel_info(reply=True, timeout=self.startup_timeout)
            self.python = str(reply["content"].get("language_info", {}).get("version") or "")
        except Exception:  # an exotic kernel without kernel_info: the version stays unknown
            self.python = ""
        self.startup = time.perf_counter() - started

    def _said(self) -> str:
        """The last line the kernel wrote to its stderr, if any."""
        try:
            if self._stderr is not None:
                self._stderr.flush()
            lines = Path(self.folder, "kernel.log").read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return f" ({' '.join(lines[-1].split())})" if lines else ""

    async def alive(self) -> bool:
        try:
            return bool(await self.km.is_alive())
        except Exception:
            return False

    async def exit_code(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        try:
            return await provisioner.poll() if provisioner is not None else None
        except Exception:
            return None

    def kill_now(self) -> None:
        """Kill the kernel's process group without waiting (from a signal handler)."""
        import signal

        provisioner = getattr(self.km, "provisioner", None)
        pgid = getattr(provisioner, "pgid", None)
        process = getattr(provisioner, "process", None)
        try:
            if pgid and hasattr(os, "killpg"):
                os.killpg(pgid, signal.SIGKILL)
            elif process is not None:
                process.kill()
        except OSError:
            pass

    async def stop(self) -> None:
        started = self.km.has_kernel
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if started:  # killing also removes the connection file and sockets
                await self.km.shutdown_kernel(now=True)
            else:
                leftover = self.km.cleanup_resources()
                if hasattr(leftover, "__await__"):
                    await leftover
        except Exception:
            pass
        finally:
            if self._stderr is not None:
                self._stderr.close()
            shutil.rmtree(self.folder, ignore_errors=True)


class _CheckError(Exception):
    """The check could not finish (outcome `error`); the message is the one line."""


_RESET = ("get_ipython().reset(new_session=False)\n"
          "import os as _adrkit_os\n_adrkit_os.chdir({cwd!r})\ndel _adrkit_os\n")


class _Runner:
    """Runs the checks `jobs` at a time on one event loop. SIGINT and SIGTERM (Ctrl-C, a
    CI job cancelled) kill every kernel at once, keep the results already recorded, and
    end the run with KeyboardInterrupt."""

    def __init__(self, cwd: Path, options: ConfirmOptions, clock: Clock,
                 on_result: Callable[[CheckResult], None]):
        self.cwd = Path(cwd).resolve()
        self.options = options
        self.clock = clock
        self.on_result = on_result
        self.results: list[CheckResult] = []
        self.live: set[_Kernel] = set()
        self.stopping: set[asyncio.Future[None]] = set()
        self.interrupted = False

    async def run(self, checks: list[Check], jobs: int) -> list[CheckResult]:
        queue: asyncio.Queue[Check] = asyncio.Queue()
        for check in checks:
            queue.put_nowait(check)
        workers = [asyncio.ensure_future(self._worker(queue)) for _ in range(jobs)]
        handled = self._catch_signals(workers)
        try:
            await asyncio.gather(*workers, return_exceptions=self.interrupted)
        except asyncio.CancelledError:
            if not self.interrupted:
                raise
        finally:
            for kernel in list(self.live):
                await kernel.stop()
            while self.stopping:
                await asyncio.gather(*list(self.stopping), return_exceptions=True)
            self._release_signals(handled)
        if self.interrupted:
            raise KeyboardInterrupt
        return self.results

    def _catch_signals(self, workers: list[asyncio.Future[None]]) -> list[int]:
        import signal

        loop = asyncio.get_running_loop()

        def interrupt() -> None:
            self.interrupted = True
            for kernel in list(self.live):
                kernel.kill_now()  # at once: a cell stuck in C code ignores a polite request
            for worker in workers:
                worker.cancel()

        handled = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, interrupt)
                handled.append(signum)
            except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
                pass
        return handled

    @staticmethod
    def _release_signals(handled: list[int]) -> None:
        loop = asyncio.get_running_loop()
        for signum in handled:
            loop.remove_signal_handler(signum)

    async def _worker(self, queue: asyncio.Queue[Check]) -> None:
        kernel: _Kernel | None = None
        try:
            while not self.interrupted:
                try:
                    check = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                reuse = (self.options.reuse_kernels and kernel is not None and kernel.name == check.kernel
                         and await kernel.alive())
                if not reuse and kernel is not None:
                    await self._retire(kernel)
                    kernel = None
                result, kernel, healthy = await self._one(check, kernel)
                if self.interrupted:  # its kernel was killed under it: no outcome to record
                    return
                if not healthy or not self.options.reuse_kernels:
                    if kernel is not None:
                        await self._retire(kernel)
                    kernel = None
                self.results.append(result)
                self.on_result(result)
        finally:
            if kernel is not None:
                await self._retire(kernel)

    async def _retire(self, kernel: _Kernel) -> None:
        """Stop a kernel in the background: the next check need not wait for the
        process to be reaped (about a tenth of a second); `run` waits for them all."""
        self.live.discard(kernel)
        task = asyncio.ensure_future(kernel.stop())
        self.stopping.add(task)
        task.add_done_callback(self.stopping.discard)

    async def _one(self, check: Check, kernel: _Kernel | None) -> tuple[CheckResult, _Kernel | None, bool]:
        """Run one check; returns its result, the kernel (None if it never started) and
        whether that kernel may serve another check."""
        started = time.perf_counter()
        result = CheckResult(check.stem, "passed", "", fingerprint=check.fingerprint,
                             cells=[n for n, _ in check.cells], adrkit=__version__, kernel=check.kernel)
        evidence: list[dict[str, Any]] = []
        healthy = True
        startup = 0.0
        try:
            if kernel is None:
                kernel = _Kernel(check.kernel, self.cwd, self.options.startup_timeout)
                self.live.add(kernel)
                await kernel.start()
                startup = kernel.startup
            reused = kernel.used > 0
            kernel.used += 1
            result.python = kernel.python
            if reused:
                result.kernel = f"{check.kernel} (reused)"
            healthy = await self._cells(check, kernel, reused, evidence, result)
        except _CheckError as exc:
            result.outcome, result.error, healthy = "error", str(exc), False
        result.evidence = keep_evidence(evidence)
        result.summary = summary_of(result.evidence)
        result.startup = startup
        result.duration = time.perf_counter() - started
        result.date = _stamp(self.clock())
        return result, kernel, healthy

    async def _cells(self, check: Check, kernel: _Kernel, reused: bool, evidence: list[dict[str, Any]],
                     result: CheckResult) -> bool:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        cells = [nbformat.v4.new_code_cell(source) for _, source in check.cells]
        offset = 0
        if reused:
            cells.insert(0, nbformat.v4.new_code_cell(_RESET.format(cwd=str(self.cwd))))
            offset = 1
        nb = nbformat.v4.new_notebook(cells=cells)
        budget = self.options.timeout
        deadline: list[float] = []

        def timeout_for(cell: Any) -> float:
            if not deadline:
                deadline.append(time.monotonic() + budget)
            return max(0.05, deadline[0] - time.monotonic())

        client = NotebookClient(nb, km=kernel.km, timeout_func=timeout_for, allow_errors=False,
                                interrupt_on_timeout=False, record_timing=False, store_widget_state=False,
                                resources={"metadata": {"path": str(self.cwd)}})
        client.kc = kernel.kc
        current = 0
        try:
            for index, cell in enumerate(nb.cells):
                current = index
                if index < offset:  # the reset cell is no part of the check
                    await client.async_execute_cell(cell, index, store_history=False)
                    cell.outputs = []
                    continue
                await client.async_execute_cell(cell, index, execution_count=index + 1 - offset)
            return True
        except CellExecutionError as exc:
            number = check.cells[current - offset][0] if current >= offset else None
            failing = next((o for o in nb.cells[current].get("outputs", []) if o.get("output_type") == "error"),
                           {"ename": getattr(exc, "ename", "Error"), "evalue": getattr(exc, "evalue", "")})
            if number is None:
                result.outcome = "error"
                result.error = f"the kernel could not be reset between checks: {error_line(failing)}"
                return False
            # An assertion that does not hold is the check's verdict; any other exception
            # means the check itself broke (a missing file, a typo) and could not judge.
            result.outcome = "failed" if failing.get("ename") == "AssertionError" else "error"
            result.error = f"cell {number}: {error_line(failing)}"
            return False
        except CellTimeoutError:
            number = check.cells[max(0, current - offset)][0]
            result.outcome = "error"
            result.error = (f"cell {number} did not finish within the {budget:g} s timeout and was "
                            "stopped (its kernel was killed)")
            return False
        except DeadKernelError:
            number = check.cells[max(0, current - offset)][0]
            code = await kernel.exit_code()
            how = f" (exit code {code})" if isinstance(code, int) and code >= 0 else (
                f" (killed by signal {-code})" if isinstance(code, int) else "")
            result.outcome = "error"
            result.error = f"the kernel died while running cell {number}{how}"
            return False
        finally:
            for cell in nb.cells[offset:]:
                evidence.extend(cell.get("outputs") or [])
