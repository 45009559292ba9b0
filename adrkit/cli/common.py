"""Helpers shared by the command modules: the date, the log, output.

Whatever goes to the terminal through `say` has its control characters escaped
(`adrkit.core.text.terminal_text`): a message quotes file names, titles and link
targets, and one of them must not clear the screen or set the window title.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import sys
from typing import Any

from adrkit.core.errors import UsageError
from adrkit.core.text import terminal_text
from adrkit.storage.log import DecisionLog, find_log

__all__ = ["today", "log_of", "emit_json", "say"]


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


def log_of(args: Any) -> DecisionLog:
    return find_log(getattr(args, "dir", None))


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def say(message: str) -> None:
    """Human chatter goes to stderr, control characters escaped; stdout is for data."""
    print(terminal_text(message, newlines=True), file=sys.stderr)
