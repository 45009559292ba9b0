"""Helpers shared by the command modules: the date, the log, output.

Whatever goes to the terminal through `say` has its control characters escaped
(`adrkit.core.text.terminal_text`): a message quotes file names, titles and link
targets, and one of them must not clear the screen or set the window title.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
import sys
from typing import Any

from adrkit.core.errors import UsageError
from adrkit.core.text import terminal_text
from adrkit.storage.log import DecisionLog, find_log

__all__ = ["today", "log_of", "emit_json", "emit", "say"]


_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


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
