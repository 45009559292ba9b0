"""Running checks: kernels and the loop that drives them, for `services.confirm`.

Each check gets a kernel (`_Kernel`): an `AsyncKernelManager` started with the log's
folder as its working directory, over IPC sockets in a private temporary folder (see
`services.kernel`), with its history kept in memory and its own stderr kept in that
folder, so a kernel that will not start can say why. Stopping it kills its whole
process group. `_Runner` runs the checks `jobs` at a time on one asyncio loop, each
check's cells through nbclient's `NotebookClient.async_execute_cell` with a deadline
for the whole check; it turns what can happen (an assertion, another exception, the
timeout, a kernel that dies or will not start) into the outcome and the one-line error
of a `CheckResult`. With `reuse_kernels`, a worker keeps its kernel between checks and
resets it (`InteractiveShell.reset`, working folder restored); a kernel that ran a
check that did not pass is replaced.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from adrkit.about import __version__
from adrkit.core.confirmation import CheckResult, timestamp
from adrkit.formats.confirmation import error_line, keep_evidence, summary_of

if TYPE_CHECKING:
    import datetime as _dt

    from adrkit.services.confirm import Check, ConfirmOptions

__all__ = ["run_all"]


def run_all(cwd: Path, checks: list["Check"], options: "ConfirmOptions", *,
            clock: Callable[[], "_dt.datetime"], on_result: Callable[[CheckResult], None],
            jobs: int) -> list[CheckResult]:
    """Run `checks` from `cwd`, `jobs` at a time; `on_result` hears each as it ends.
    Results in the order they finished; KeyboardInterrupt after SIGINT or SIGTERM."""
    return asyncio.run(_Runner(cwd, options, clock, on_result).run(checks, jobs))


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

    def __init__(self, cwd: Path, options: "ConfirmOptions", clock: Callable[[], "_dt.datetime"],
                 on_result: Callable[[CheckResult], None]):
        self.cwd = Path(cwd).resolve()
        self.options = options
        self.clock = clock
        self.on_result = on_result
        self.results: list[CheckResult] = []
        self.live: set[_Kernel] = set()
        self.stopping: set[asyncio.Future[None]] = set()
        self.interrupted = False

    async def run(self, checks: list["Check"], jobs: int) -> list[CheckResult]:
        queue: asyncio.Queue["Check"] = asyncio.Queue()
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

    async def _worker(self, queue: asyncio.Queue["Check"]) -> None:
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

    async def _one(self, check: "Check", kernel: _Kernel | None) -> tuple[CheckResult, _Kernel | None, bool]:
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
        result.date = timestamp(self.clock())
        return result, kernel, healthy

    async def _cells(self, check: "Check", kernel: _Kernel, reused: bool, evidence: list[dict[str, Any]],
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
