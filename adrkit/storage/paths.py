"""The one path-containment check: a file is read or published only when its real
location (every symbolic link followed) lies inside the folder it belongs to.

Import, export and the site build all ask `real_file_inside` before they read a
notebook, a data file, an image or a logo, so a symlink in a log can never carry a
file from elsewhere on the machine into a log, an export or a site.
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["real_file_inside"]


def real_file_inside(path: Path, folder: Path) -> Path | None:
    """The real path of `path` if it is a file whose real location (every symbolic link
    followed) lies inside `folder`; else None. Files a symlink puts elsewhere are never
    copied into a log or a site."""
    try:
        real = Path(os.path.realpath(path))
        if real.is_relative_to(os.path.realpath(folder)) and real.is_file():
            return real
    except (OSError, ValueError):
        pass
    return None
