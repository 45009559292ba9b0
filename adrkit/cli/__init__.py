"""The `adrkit` command line: parse arguments, call the library, format the result.

Each command group lives in its own module with a `register(subparsers)` function;
a module imports its heavy libraries inside the command functions, never at the top,
so `adrkit --help` stays fast. Errors of the `AdrkitError` family become one line on
stderr and exit 1 (2 for bad usage); nothing a user typed wrongly shows a traceback.

The exit status says whether the command did its work: when the log was changed but
the report of it cannot be printed (stdout is a full disk, a closed pipe), that is a
warning and the status is 0.
"""
from __future__ import annotations

import argparse
import errno
import gc
import importlib
import os
import sys
from typing import Any, Sequence

from adrkit.about import version_line
from adrkit.core.errors import AdrkitError
from adrkit.formats.notebook import skip_slow_imports
from adrkit.storage import atomic

__all__ = ["main", "build_parser", "COMMAND_MODULES"]


class _GuardedOutput:
    """stdout (or stderr) that remembers the first error writing to it instead of raising, and
    sends the rest to /dev/null (so nothing fails again when Python exits)."""

    def __init__(self, stream: Any):
        self._stream = stream
        self.error: OSError | None = None

    def _failed(self, exc: OSError) -> None:
        if self.error is None:
            self.error = exc
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())
        except (OSError, ValueError, AttributeError):
            pass

    def write(self, text: str) -> int:
        if self.error is not None:
            return len(text)
        try:
            return self._stream.write(text)
        except OSError as exc:
            self._failed(exc)
            return len(text)

    def flush(self) -> None:
        if self.error is not None:
            return
        try:
            self._stream.flush()
        except OSError as exc:
            self._failed(exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

# Command groups, in the order `adrkit --help` lists them.
COMMAND_MODULES = (
    "log",        # init, new, list, show, status, supersede, link, renumber
    "check",      # lint, graph
    "confirm",    # confirm, review, due, debt
    "review",     # diff
    "markdown",   # export, import
    "publish",    # build, serve
    "lab",        # lab
    "tools",      # doctor, schema
)


# Commands that read the log once and exit: they run without the cycle collector,
# which would otherwise walk every record read again and again.
_SHORT = frozenset({"list", "show", "lint", "graph"})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        self.exit(2, f"adrkit: error: {message}; see '{self.prog} --help'\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="adrkit", description=(
        "Architecture decision records drafted as Jupyter notebooks. A decision is "
        "referred to by number (7, 0007) or by part of its slug."))
    parser.add_argument("--version", action="version", version=version_line())
    parser.add_argument("--dir", metavar="DIR", help="the decision log folder "
                        "(default: found from .adrkit.yaml walking up, or ADRKIT_DIR)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    skip_slow_imports()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    written = atomic.writes_done()
    out, err = _GuardedOutput(sys.stdout), _GuardedOutput(sys.stderr)
    sys.stdout, sys.stderr = out, err  # type: ignore[assignment]
    if args.command in _SHORT:
        gc.disable()  # a one-shot read of the whole log: no cycles worth collecting
    try:
        code = _run(args)
        out.flush()
        code = _status(code, out.error, changed=atomic.writes_done() != written)
        err.flush()
    finally:
        sys.stdout, sys.stderr = out._stream, err._stream
    return code


def _run(args: argparse.Namespace) -> int:
    from adrkit.cli.common import term_safe

    try:
        return int(args.func(args) or 0)
    except AdrkitError as exc:
        print(f"adrkit: error: {term_safe(exc)}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a file system refusal: name the file and the reason
        where = term_safe(exc.filename or "")
        print(f"adrkit: error: {where}{': ' if where else ''}{exc.strerror or exc}; "
              "check the path and its permissions", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("adrkit: interrupted", file=sys.stderr)
        return 130


def _status(code: int, error: OSError | None, *, changed: bool) -> int:
    """The exit status once the output is known to be written (or not)."""
    if error is None:
        return code
    reason = error.strerror or str(error)
    if changed:
        print(f"adrkit: warning: the change was made, but its report could not be printed ({reason})",
              file=sys.stderr)
        return code
    if error.errno == errno.EPIPE or isinstance(error, BrokenPipeError):
        return code  # the reader had enough (adrkit list | head -1)
    print(f"adrkit: error: the output could not be written ({reason}); check where it goes",
          file=sys.stderr)
    return code or 1
