"""Helpers shared by the command modules: the date, the log, output."""
from __future__ import annotations

import datetime as _dt
import json
import os
import sys
from typing import Any

from adrkit.core.errors import UsageError
from adrkit.storage.log import DecisionLog, find_log

__all__ = ["today", "log_of", "logs_of", "add_log_option", "emit_json", "say"]


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
    """The log a command writes to: `--log NAME`, else the project's default log."""
    name = getattr(args, "log", None)
    if name:
        from adrkit.storage.project import find_project

        return find_project(getattr(args, "dir", None)).log(name)
    return find_log(getattr(args, "dir", None))


def logs_of(args: Any) -> tuple[Any, list[DecisionLog]]:
    """(the project, the logs a command reads): `--log NAME`, else every log."""
    from adrkit.storage.project import find_project

    project = find_project(getattr(args, "dir", None))
    for spec, folder in project.missing:
        say(f"adrkit: warning: {project.config.path} (logs.{spec.name}): no folder at {folder}; "
            "check it out or fix the path")
    return project, project.select(getattr(args, "log", None))


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def say(message: str) -> None:
    """Human chatter goes to stderr; stdout is for data."""
    print(message, file=sys.stderr)
