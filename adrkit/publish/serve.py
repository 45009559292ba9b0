"""`adrkit serve`: preview the site on 127.0.0.1 and rebuild it when a record changes.

Builds once, serves the output folder with the standard library's HTTP server (on the
loopback address only), and polls the decision folder, its templates and the project
settings; any change triggers a rebuild, which is incremental and swapped in whole, so
a reload never sees half a site. Stops on Ctrl+C.
"""
from __future__ import annotations

import functools
import os
import shutil
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from ..store import DecisionLog
from .build import BuildOptions, build_site, guide_folders
from .report import BuildReport

__all__ = ["serve", "snapshot"]


def snapshot(log: DecisionLog, guides: list[Path] | None = None) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file a build reads, to notice changes; `guides` are the
    guide folders."""
    seen: dict[str, tuple[int, int]] = {}
    folders = [log.dir, log.dir / "templates", *(guides or [])]
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_file() and entry.name.endswith((".ipynb", ".yaml")):
                st = entry.stat()
                seen[entry.path] = (st.st_mtime_ns, st.st_size)
    config = log.config.path
    if config.exists():
        st = config.stat()
        seen[str(config)] = (st.st_mtime_ns, st.st_size)
    return seen


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def serve(log: DecisionLog, options: BuildOptions, *, port: int = 8000,
          say: Callable[[str], None], report: Callable[[BuildReport], None],
          interval: float = 0.5, stop: threading.Event | None = None) -> None:
    """Build, serve on 127.0.0.1:`port` (0 picks a free port) and rebuild on change
    until interrupted or `stop` is set."""
    temp = None
    if options.out is None:
        temp = Path(tempfile.mkdtemp(prefix="adrkit-serve-"))
        options.out = temp / "site"
    out = Path(options.out).absolute()
    stop = stop or threading.Event()
    try:
        report(build_site(log, options, progress=say))
        handler = functools.partial(_QuietHandler, directory=str(out))
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        thread = threading.Thread(target=server.serve_forever, name="adrkit-serve", daemon=True)
        thread.start()
        say(f"serving http://127.0.0.1:{server.server_address[1]}/ from {out} (Ctrl+C to stop)")
        try:
            _watch(log, options, say, report, interval, stop)
        finally:
            server.shutdown()
            server.server_close()
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def _watch(log: DecisionLog, options: BuildOptions, say: Callable[[str], None],
           report: Callable[[BuildReport], None], interval: float, stop: threading.Event) -> None:
    from ..errors import AdrkitError

    def folders() -> list[Path]:
        try:
            return guide_folders(log, options, [])
        except AdrkitError:
            return []

    last = snapshot(log, folders())
    while not stop.wait(interval):
        now = snapshot(log, folders())
        if now == last:
            continue
        time.sleep(0.1)  # let an editor finish writing the notebook and its data file
        last = snapshot(log, folders())
        say("change seen, rebuilding")
        try:
            report(build_site(log, options, progress=say))
        except AdrkitError as exc:
            say(f"rebuild failed: {exc}")
