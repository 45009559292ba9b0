"""One error hierarchy for everything a user can get wrong.

Every error carries the file (when there is one), the field or line, and the fix,
and renders as a single line so the command line can print it without a traceback.
"""
from __future__ import annotations

from pathlib import Path

__all__ = [
    "AdrkitError",
    "UsageError",
    "NotFoundError",
    "FormatError",
    "ValidationError",
    "ConflictError",
]


class AdrkitError(Exception):
    """A user-facing error: one line naming the file, the place and the fix."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None,
                 where: str | None = None, fix: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.where = where
        self.fix = fix

    def __str__(self) -> str:
        head = ""
        if self.path:
            head = self.path
            if self.where:
                head += f" ({self.where})"
            head += ": "
        elif self.where:
            head = f"{self.where}: "
        text = head + self.message
        if self.fix:
            text += f"; {self.fix}"
        return " ".join(text.split())  # always one line


class UsageError(AdrkitError):
    """The command was called wrongly (bad argument, unknown choice)."""

    exit_code = 2


class NotFoundError(AdrkitError):
    """A decision log, decision, template or file that does not exist."""


class FormatError(AdrkitError):
    """A file that cannot be read: corrupt JSON, broken YAML, not a decision."""


class ValidationError(AdrkitError):
    """Data that parses but breaks a rule (unknown status, bad transition, ...)."""


class ConflictError(AdrkitError):
    """A write that would clobber something: a taken number, an existing file,
    a data file changed on disk since it was loaded."""
