"""Start-up tuning for the processes adrkit owns (the command line and the site's
conversion workers); never applied when adrkit is used as a library."""
from __future__ import annotations

import sys

__all__ = ["skip_slow_imports"]


def skip_slow_imports() -> None:
    """jsonschema (under nbformat) imports rfc3987_syntax when it is installed, which
    compiles a grammar on import (about 0.8 s); notebook schemas use no IRI formats, so
    adrkit's own processes go without it."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
