"""Helpers shared by the command modules: the date, the log (recovered first, locked
for writing commands), and output.

Whatever goes to the terminal through `say`, `emit` and `note` has its control
characters escaped (`adrkit.core.text.terminal_text`): a message quotes file names,
titles and link targets, and one of them must not clear the screen or set the window
title.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from adrkit.core.errors import UsageError
from adrkit.core.text import terminal_text
from adrkit.storage.log import DecisionLog, find_log

__all__ = ["today", "log_of", "logs_of", "add_log_option", "writing", "emit_json", "emit", "say", "note", "term_safe", "text_arg"]

_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def term_safe(text: Any) -> str:
    """`text` as it may be printed on one terminal line (see `terminal_text`)."""
    return terminal_text(text)


def text_arg(value: str, what: str) -> str:
    """A command-line argument that must be text: bytes that are not UTF-8 are a
    usage error rather than a crash when they are written or printed."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"the {what} {term_safe(value)!s} is not valid UTF-8 text",
                         fix="retype it in a UTF-8 terminal")
    return value


def today() -> str:
    """Today's date (UTC), or the date of SOURCE_DATE_EPOCH for reproducible runs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).date().isoformat()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a usable number of seconds",
                             fix="unset it or give an integer such as 1767225600")
    return _dt.datetime.now(_dt.timezone.utc).date().isoformat()


def add_log_option(parser: Any, what: str = "work on") -> None:
    """`--log NAME`: one log of a project that lists several in .adrkit.yaml."""
    default = "the log named by 'decisions:'" if what in ("write to", "look in") else "every log"
    parser.add_argument("--log", metavar="NAME",
                        help=f"the log to {what}, by its name under 'logs:' in .adrkit.yaml (default: {default})")


def log_of(args: Any) -> DecisionLog:
    """The log a command works on (`--log NAME`, else the project's default log),
    after finishing or undoing whatever a killed command left in it (every command
    runs this first)."""
    name = getattr(args, "log", None)
    if name:
        from adrkit.storage.project import find_project

        log = find_project(getattr(args, "dir", None)).log(name)
    else:
        log = find_log(getattr(args, "dir", None))
    log.recover(notify=note)
    return log


@contextmanager
def writing(log: DecisionLog) -> Iterator[DecisionLog]:
    """Hold the log's lock for the whole of a command that changes it; a second
    writer waits (and says so) until the first is done."""
    with log.lock(notify=note):
        yield log


def logs_of(args: Any) -> tuple[Any, list[DecisionLog]]:
    """(the project, the logs a command reads): `--log NAME`, else every log, each
    after finishing or undoing whatever a killed command left in it."""
    from adrkit.storage.project import find_project

    project = find_project(getattr(args, "dir", None))
    for spec, folder in project.missing:
        say(f"adrkit: warning: {project.config.path} (logs.{spec.name}): no folder at {folder}; "
            "check it out or fix the path")
    logs = project.select(getattr(args, "log", None))
    for log in logs:
        log.recover(notify=note)
    return project, logs


def emit_json(data: Any) -> None:
    """`data` as JSON on stdout; C1 controls and bidirectional overrides, which JSON
    may carry raw, are written as escapes too."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    sys.stdout.write(_RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def emit(line: str) -> None:
    """One line of text output on stdout, control characters escaped (a title must
    not clear the screen or set the window title of whoever lists the log)."""
    print(terminal_text(line))


def say(message: str) -> None:
    """Human chatter goes to stderr, control characters escaped; stdout is for data."""
    print(terminal_text(message, newlines=True), file=sys.stderr)


def note(message: str) -> None:
    """A note from the storage layer (a wait for the lock, a recovered change)."""
    say(f"adrkit: {message}")
