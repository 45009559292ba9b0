"""The project: its settings and every decision log they name.

A project keeps one log or several (`logs:` in `.adrkit.yaml`, see
`adrkit.storage.config`). `find_project` finds the settings the way `find_log` does;
`Project.logs` are the logs in the order the settings list them, `Project.default` is
the log new records go to, and `Project.select(name)` gives one named log or all of
them (the `--log NAME` option of the commands). A listed log whose folder does not
exist (a repository not checked out) is left out and named in `Project.missing`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from adrkit.core.errors import UsageError
from adrkit.storage.config import Config, LogSpec
from adrkit.storage.log import DecisionLog, find_log

__all__ = ["Project", "find_project", "project_of"]


@dataclass
class Project:
    config: Config
    default: DecisionLog
    logs: list[DecisionLog] = field(default_factory=list)
    missing: list[tuple[LogSpec, Path]] = field(default_factory=list)

    @property
    def multi(self) -> bool:
        """True when the settings list more than one log: the site then keeps each
        log's pages in a folder named after it."""
        return len(self.config.all_logs()) > 1

    def names(self) -> list[str]:
        return [log.name for log in self.logs]

    def log(self, name: str) -> DecisionLog:
        """The log called `name`; a usage error naming the logs there are otherwise."""
        for log in self.logs:
            if log.name == name:
                return log
        for spec, folder in self.missing:
            if spec.name == name:
                raise UsageError(f"log '{name}' has no folder at {folder}",
                                 fix=f"check out or create it, or fix logs.{name} in {self.config.path}")
        raise UsageError(f"no log named '{name}'", fix="use one of " + ", ".join(self.names()))

    def select(self, name: str | None) -> list[DecisionLog]:
        """`[log(name)]`, or every log when `name` is None."""
        return [self.log(name)] if name else list(self.logs)


def project_of(log: DecisionLog) -> Project:
    """The project `log` belongs to: every log its settings list, with `log` as the
    default when it is one of them (else a project of `log` alone)."""
    config = log.config
    here = os.path.realpath(log.dir)
    logs: list[DecisionLog] = []
    missing: list[tuple[LogSpec, Path]] = []
    default = None
    for spec in config.all_logs():
        folder = config.root / spec.folder
        if os.path.realpath(folder) == here:
            member = DecisionLog(log.dir, config, spec.name, spec.title)
            default = member
        elif folder.is_dir():
            member = DecisionLog(folder, config, spec.name, spec.title)
        else:
            missing.append((spec, folder))
            continue
        logs.append(member)
    if default is None:  # a folder given with --dir that the settings do not list
        return Project(config, log, [log])
    return Project(config, default, logs, missing)


def find_project(explicit: str | Path | None = None, start: Path | None = None) -> Project:
    """The project of the log `find_log` finds (`--dir`, ADRKIT_DIR, or the nearest
    `.adrkit.yaml`), with every log its settings list."""
    return project_of(find_log(explicit, start))
