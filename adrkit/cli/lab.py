"""`adrkit lab`: open JupyterLab on the decision log.

The server it starts saves notebooks through `adrkit.widgets.saved.pre_save`, so a
saved decision keeps the static table and diagram and a "run this cell to edit" note
where the live editors were, and reopens without "model not found".
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

from adrkit.cli.common import log_of, say

__all__ = ["register", "lab_command", "PRE_SAVE_HOOK"]

PRE_SAVE_HOOK = "adrkit.widgets.saved.pre_save"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lab", help="open JupyterLab on the decision log",
                       description="Start JupyterLab in the project folder, showing the decision log; notebooks "
                                   "are saved with a 'run this cell to edit' note in place of live editors. "
                                   "Arguments after '--' go to JupyterLab (e.g. -- --no-browser --port 8899).")
    p.add_argument("extra", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_lab)


def lab_command(root: str, folder: str, extra: list[str]) -> list[str]:
    """The JupyterLab command line for a project root and the log folder inside it."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
           f"--LabApp.default_url=/lab/tree/{folder}", f"--ContentsManager.pre_save_hook={PRE_SAVE_HOOK}"]
    if hasattr(os, "getuid") and os.getuid() == 0 and "--allow-root" not in extra:
        cmd.append("--allow-root")
    return cmd + [a for a in extra if a != "--"]


def cmd_lab(args) -> int:
    log = log_of(args)
    root = log.config.root.resolve()
    folder = log.dir.resolve().relative_to(root).as_posix() if log.dir.resolve().is_relative_to(root) else ""
    cmd = lab_command(str(root), folder, args.extra or [])
    say(f"starting JupyterLab in {root} (Ctrl-C to stop)")
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 130
