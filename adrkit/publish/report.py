"""What a build tells its user: progress, warnings, failures and the summary.

A `Problem` is one line, in the shape of adrkit's errors: the file, the field or
place, what is wrong and how to fix it. Problems are plain data so worker processes
can return them and the page cache can keep them.

A `Progress` is told what a build is doing: a note now and then, and a count for long
steps (converting, writing pages). The default says nothing; the command line shows a
bar on a terminal and plain lines otherwise (`adrkit.cli.progress`).
As text (`str`) a problem is safe
to print to a terminal: a file name or link target holding control characters
(`\x1b]0;...`, which would set the window title) is shown with escapes.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from adrkit.core.text import terminal_text

__all__ = ["Problem", "BuildReport", "WARNING_KINDS", "Progress", "as_progress"]

# The kinds of warning `--strict` turns into failure.
WARNING_KINDS = ("include", "broken-link", "missing-section", "invalid-data", "stale-data", "remote-image",
                 "unreadable", "conversion", "config", "unknown-status", "duplicate-number",
                 "unpublished-file", "large-output", "notebook-repaired")


_SPACES = re.compile(r"[ \t\n\r]+")


@dataclass(frozen=True)
class Problem:
    kind: str
    message: str
    path: str = ""
    where: str = ""
    fix: str = ""

    def __str__(self) -> str:
        head = self.path
        if self.where:
            head = f"{head} ({self.where})" if head else self.where
        text = f"{head}: {self.message}" if head else self.message
        if self.fix:
            text += f"; {self.fix}"
        return terminal_text(_SPACES.sub(" ", text).strip())

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Problem":
        return cls(**{k: str(data.get(k, "")) for k in ("kind", "message", "path", "where", "fix")})

    def at(self, path: str | Path) -> "Problem":
        return Problem(self.kind, self.message, str(path), self.where, self.fix)


@dataclass
class BuildReport:
    """The outcome of one build."""

    out: Path
    pages: int = 0
    guides: int = 0
    converted: int = 0
    skipped: int = 0
    warnings: list[Problem] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 1

    @property
    def ok(self) -> bool:
        return not self.failures

    def exit_code(self, strict: bool) -> int:
        """1 when a record or guide could not be built, or with `strict` when there was
        any warning; else 0."""
        if self.failures or (strict and self.warnings):
            return 1
        return 0

    def summary(self) -> str:
        built = f"built {self.pages} page{'s' if self.pages != 1 else ''}"
        if self.guides:
            built += f" and {self.guides} guide{'s' if self.guides != 1 else ''}"
        parts = [built,
                 f"{self.converted} converted", f"{self.skipped} skipped (unchanged)",
                 f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"]
        if self.failures:
            parts.append(f"{len(self.failures)} failed")
        return ", ".join(parts) + f" in {self.seconds:.2f} s -> {self.out}"


class Progress:
    """Told what a build is doing; says nothing (subclass it to show something)."""

    def note(self, message: str) -> None:
        """A line about the build ('converting 120 notebooks on 2 cores')."""

    def start(self, what: str, total: int) -> None:
        """A long step begins: `total` things to do."""

    def advance(self, done: int) -> None:
        """`done` of the step's things are done."""

    def finish(self) -> None:
        """The step is over."""


class _Lines(Progress):
    """A progress that hands its notes, and a line at each tenth of a long step, to a
    function taking one line of text."""

    def __init__(self, say: Callable[[str], None]):
        self._say = say
        self._what, self._total, self._next = "", 0, 0

    def note(self, message: str) -> None:
        self._say(message)

    def start(self, what: str, total: int) -> None:
        self._what, self._total = what, total
        self._next = max(1, total // 10)

    def advance(self, done: int) -> None:
        if self._total >= 20 and done >= self._next and done < self._total:
            self._say(f"{self._what}: {done}/{self._total}")
            self._next = done + max(1, self._total // 10)


def as_progress(progress: Progress | Callable[[str], None] | None) -> Progress:
    """`progress` as a `Progress`: None says nothing, a function gets lines of text."""
    if progress is None:
        return Progress()
    if isinstance(progress, Progress):
        return progress
    return _Lines(progress)
