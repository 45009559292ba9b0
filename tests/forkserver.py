"""A fork server for the crash and race tests: it imports adrkit once, then runs each
requested command line in a forked child, a process of its own (its own locks, file
descriptors and working folder) that starts in milliseconds instead of the few
hundred a fresh interpreter takes.

Protocol, one JSON object per line on stdin, one answer per line on stdout:
    {"jobs": [{"cwd": DIR, "argv": [...], "out": FILE, "err": FILE}, ...]}
        -> {"codes": [exit status per job]}
All jobs of one request are forked first and released together, so they race.
`Server` is the client side, used from the tests.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path


def _child(job: dict, go: int) -> None:
    code = 99
    try:
        os.chdir(job["cwd"])
        for fd, name in ((1, "out"), (2, "err")):
            target = os.open(job[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        os.read(go, 1)
        from adrkit.cli import main

        code = main(job["argv"])
        sys.stdout.flush()
        sys.stderr.flush()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
    os._exit(code)


def serve() -> None:
    import adrkit.cli  # noqa: F401  (and what the commands import late)
    import adrkit.services.exporter  # noqa: F401
    import adrkit.services.importer  # noqa: F401
    import adrkit.services.lint  # noqa: F401
    import adrkit.core.decision_graph  # noqa: F401
    import nbformat  # noqa: F401

    for line in sys.stdin:
        jobs = json.loads(line)["jobs"]
        read, write = os.pipe()
        pids = []
        for job in jobs:
            pid = os.fork()
            if pid == 0:
                os.close(write)
                _child(job, read)
            pids.append(pid)
        os.close(read)
        os.write(write, b"x" * len(jobs))
        os.close(write)
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
        sys.stdout.write(json.dumps({"codes": codes}) + "\n")
        sys.stdout.flush()


class Server:
    """The client: one server process; `run` is safe to call from one thread at a time."""

    def __init__(self, env: dict[str, str]):
        self.proc = subprocess.Popen([sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env, text=True, cwd=os.path.dirname(__file__))
        self._lock = threading.Lock()
        self._n = 0
        self._id = id(self)

    def run(self, jobs: list[tuple[Path, list[str]]], scratch: Path) -> list[tuple[int, str, str]]:
        """Run the command lines at once; (exit status, stdout, stderr) of each."""
        with self._lock:
            self._n += 1
            files = [(scratch / f".job{self._id}-{self._n}-{i}.out", scratch / f".job{self._id}-{self._n}-{i}.err")
                     for i in range(len(jobs))]
            request = {"jobs": [{"cwd": str(cwd), "argv": [str(a) for a in argv], "out": str(o), "err": str(e)}
                                for (cwd, argv), (o, e) in zip(jobs, files)]}
            assert self.proc.stdin is not None and self.proc.stdout is not None
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            answer = json.loads(self.proc.stdout.readline())
        out = []
        for code, (o, e) in zip(answer["codes"], files):
            out.append((code, o.read_text(encoding="utf-8", errors="replace"),
                        e.read_text(encoding="utf-8", errors="replace")))
            o.unlink()
            e.unlink()
        return out

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


if __name__ == "__main__":
    serve()
