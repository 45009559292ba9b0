"""`adrkit serve`: preview the site on 127.0.0.1 and rebuild it when a record changes.

Builds once, serves the output folder with the standard library's HTTP server (on the
loopback address only), and polls the decision folder, its templates and the project
settings; any change triggers a rebuild, which is incremental and swapped in whole, so
a reload never sees half a site. A rebuild that fails (the log folder removed, a file
that cannot be read) is reported and serving goes on. Stops on Ctrl+C or SIGTERM, and
removes its temporary folder either way.
"""
from __future__ import annotations

import functools
import os
import shutil
import signal
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from adrkit.storage.log import DecisionLog
from adrkit.publish.build import BuildOptions, build_site, guide_folders
from adrkit.publish.report import BuildReport

__all__ = ["serve", "snapshot", "open_server"]


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
            if entry.name.endswith((".ipynb", ".yaml", ".confirmation.json")):  # results: `adrkit confirm`
                try:
                    if entry.is_file():
                        st = entry.stat()
                        seen[entry.path] = (st.st_mtime_ns, st.st_size)
                except OSError:  # removed since the folder was listed
                    continue
    try:
        st = log.config.path.stat()
        seen[str(log.config.path)] = (st.st_mtime_ns, st.st_size)
    except OSError:
        pass
    return seen


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def open_server(port: int) -> ThreadingHTTPServer:
    """An HTTP server bound to 127.0.0.1:`port` (0 picks a free port), not yet serving;
    `serve` sets the folder it serves. Raises OSError when the port cannot be had."""
    return ThreadingHTTPServer(("127.0.0.1", port), _QuietHandler)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(log: DecisionLog, options: BuildOptions, *, port: int = 8000,
          say: Callable[[str], None], report: Callable[[BuildReport], None],
          interval: float = 0.5, stop: threading.Event | None = None,
          server: ThreadingHTTPServer | None = None) -> None:
    """Build, serve on 127.0.0.1:`port` (0 picks a free port), or on `server` from
    `open_server`, and rebuild on change until interrupted (Ctrl+C, or SIGTERM when
    called from the main thread) or `stop` is set. The server is closed on return."""
    temp = None
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        if server is None:
            server = open_server(port)
        if options.out is None:
            temp = Path(tempfile.mkdtemp(prefix="adrkit-serve-"))
            options.out = temp / "site"
        out = Path(options.out).absolute()
        stop = stop or threading.Event()
        report(build_site(log, options, progress=say))
        server.RequestHandlerClass = functools.partial(_QuietHandler, directory=str(out))  # type: ignore[assignment]
        thread = threading.Thread(target=server.serve_forever, name="adrkit-serve", daemon=True)
        thread.start()
        say(f"serving http://127.0.0.1:{server.server_address[1]}/ from {out} (Ctrl+C to stop)")
        try:
            _watch(log, options, say, report, interval, stop)
        finally:
            server.shutdown()
    finally:
        if server is not None:
            server.server_close()
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _watch(log: DecisionLog, options: BuildOptions, say: Callable[[str], None],
           report: Callable[[BuildReport], None], interval: float, stop: threading.Event) -> None:
    from adrkit.core.errors import AdrkitError

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
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            say(f"rebuild failed: {where}{exc.strerror or exc}; serving the last site built")
