"""How many cores a command may use, and whether it may fork a copy of itself: one
rule for every command that shares its work between processes (the build's
conversion workers and page process, the first reading of many records, the checks
of `adrkit confirm`)."""
from __future__ import annotations

import os

__all__ = ["usable_cores", "may_fork"]


def usable_cores() -> int:
    """The cores this process may run on (its affinity where the system says), at least 1."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def may_fork() -> bool:
    """Whether a forked copy of this process can do some of its work: the system forks,
    there is more than one core, and no other thread runs (a lock another thread holds
    at the fork would stay held in the copy forever)."""
    import multiprocessing
    import threading

    return usable_cores() > 1 and threading.active_count() == 1 \
        and "fork" in multiprocessing.get_all_start_methods()
