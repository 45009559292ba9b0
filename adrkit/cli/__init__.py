"""The `adrkit` command line: parse arguments, call the library, format the result.

Each command group lives in its own module with a `register(subparsers)` function;
a module imports its heavy libraries inside the command functions, never at the top,
so `adrkit --help` stays fast. Errors of the `AdrkitError` family become one line on
stderr and exit 1 (2 for bad usage); nothing a user typed wrongly shows a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from adrkit.about import __version__
from adrkit.core.errors import AdrkitError
from adrkit.formats.notebook import skip_slow_imports

__all__ = ["main", "build_parser", "COMMAND_MODULES"]

# Command groups, in the order `adrkit --help` lists them.
COMMAND_MODULES = (
    "log",        # init, new, list, show, status, supersede, link, renumber
    "check",      # lint, graph
    "review",     # diff
    "markdown",   # export, import
    "publish",    # build, serve
    "lab",        # lab
    "tools",      # doctor
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        self.exit(2, f"adrkit: error: {message}; see '{self.prog} --help'\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="adrkit", description=(
        "Architecture decision records drafted as Jupyter notebooks. A decision is "
        "referred to by number (7, 0007) or by part of its slug."))
    parser.add_argument("--version", action="version", version=f"adrkit {__version__}")
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
    try:
        result = args.func(args)
    except AdrkitError as exc:
        print(f"adrkit: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file system refusal: name the file and the reason
        where = exc.filename or ""
        print(f"adrkit: error: {where}{': ' if where else ''}{exc.strerror or exc}; "
              "check the path and its permissions", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("adrkit: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)
