"""How the command line shows a long build: a bar with counts and time left on a
terminal, plain lines when stderr is not a terminal (a CI log), nothing with --quiet.

All of it goes to stderr; stdout stays for data.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

from adrkit.publish.report import Progress

__all__ = ["progress_for", "TerminalProgress", "LineProgress"]

_WIDTH = 28
_EVERY = 0.1  # seconds between redraws of the bar


def progress_for(quiet: bool, stream: TextIO | None = None) -> Progress:
    """Nothing when `quiet`; a bar when `stream` (stderr) is a terminal; else lines."""
    stream = stream or sys.stderr
    if quiet:
        return Progress()
    if stream.isatty():
        return TerminalProgress(stream)
    return LineProgress(stream)


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


class LineProgress(Progress):
    """A line per note, and one at each tenth of a long step with the time left."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self._what, self._total, self._next, self._started = "", 0, 0, 0.0

    def note(self, message: str) -> None:
        print(f"adrkit: {message}", file=self.stream, flush=True)

    def start(self, what: str, total: int) -> None:
        self._what, self._total, self._started = what, total, time.monotonic()
        self._next = max(1, total // 10)

    def advance(self, done: int) -> None:
        if self._total < 20 or done < self._next or done >= self._total:
            return
        self._next = done + max(1, self._total // 10)
        elapsed = time.monotonic() - self._started
        left = elapsed / done * (self._total - done)
        self.note(f"{self._what}: {done}/{self._total}, about {_clock(left)} left")


class TerminalProgress(LineProgress):
    """A bar redrawn in place: `converting [#####.....] 120/500  0:42 left`."""

    def __init__(self, stream: TextIO):
        super().__init__(stream)
        self._drawn = 0.0
        self._shown = False

    def start(self, what: str, total: int) -> None:
        super().start(what, total)
        self._drawn = 0.0

    def advance(self, done: int) -> None:
        now = time.monotonic()
        if done < self._total and now - self._drawn < _EVERY:
            return
        self._drawn = now
        total = max(1, self._total)
        filled = int(_WIDTH * done / total)
        elapsed = now - self._started
        left = f"  {_clock(elapsed / done * (total - done))} left" if done and done < total else ""
        bar = "#" * filled + "." * (_WIDTH - filled)
        self.stream.write(f"\r\x1b[2Kadrkit: {self._what} [{bar}] {done}/{self._total}{left}")
        self.stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._shown = False

    def note(self, message: str) -> None:
        self.finish()
        super().note(message)
