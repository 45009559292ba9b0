"""`adrkit serve`: preview the site on 127.0.0.1 and rebuild it when a record changes.

Builds once, serves the output folder with the standard library's HTTP server (on the
loopback address only), and polls the decision folder, its templates and the project
settings; any change triggers a rebuild, which is incremental and swapped in whole, so
a reload never sees half a site. A rebuild that fails (the log folder removed, a file
that cannot be read) is reported and serving goes on. Stops on Ctrl+C or SIGTERM, and
removes its temporary folder either way.

What the preview server answers, whoever asks:

- only requests whose `Host` is `localhost`, `127.0.0.1` or `[::1]` with the port it
  listens on; any other name gets 400, so a web page cannot read the preview through a
  name of its own that it points at 127.0.0.1 (DNS rebinding);
- only GET and HEAD of files of the site: no directory listings, no hidden files
  (the `.adrkit-site` marker), 400 for a path with a NUL or another control character
  (`%00`) or that is not UTF-8 (`%ff`), each file with the one type
  `files.content_type` gives it;
- every response carries the site's Content-Security-Policy as a header (with
  `frame-ancestors 'none'`, which a `<meta>` cannot set; anything but a page gets a
  stricter, sandboxed policy), `X-Content-Type-Options: nosniff`,
  `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`,
  `Cross-Origin-Resource-Policy: same-origin` (another site cannot load the search
  index or an image through a `<script>` or `<img>` of its own) and
  `Cross-Origin-Opener-Policy: same-origin`.
"""
from __future__ import annotations

import functools
import os
import shutil
import signal
import tempfile
import threading
import time
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from adrkit.storage.log import DecisionLog
from adrkit.storage.project import project_of
from adrkit.publish.build import BuildOptions, build_site, guide_folders
from adrkit.publish.files import content_type
from adrkit.publish.pages import CSP
from adrkit.publish.report import BuildReport

__all__ = ["serve", "snapshot", "open_server", "SiteHandler", "PAGE_CSP", "FILE_CSP"]


def snapshot(log: DecisionLog, guides: list[Path] | None = None) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file a build reads, to notice changes; `guides` are the
    guide folders."""
    seen: dict[str, tuple[int, int]] = {}
    logs = [lg.dir for lg in project_of(log).logs] or [log.dir]
    folders = [*logs, *(d / "templates" for d in logs), *(guides or [])]
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


PAGE_CSP = CSP + "; frame-ancestors 'none'"
# Anything that is not a page (a copied SVG or text file opened directly, the feed):
# nothing runs, nothing loads but its own embedded images and styles.
FILE_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
            "frame-ancestors 'none'; sandbox")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves the site folder to this machine only, with the site's headers."""

    _csp = FILE_CSP

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        self._csp = FILE_CSP
        refusal = self._refusal()
        if refusal is not None:
            status, message = refusal
            self.send_error(status, message)
            return None
        return super().send_head()

    def _refusal(self) -> tuple[HTTPStatus, str] | None:
        """Why this request gets no file: a foreign Host, a control character or a
        hidden file in its path."""
        if not _local_host(self.headers.get("Host", ""), self.server.server_address[1]):
            return HTTPStatus.BAD_REQUEST, "this preview answers only to localhost and 127.0.0.1"
        try:
            path = unquote(urlsplit(self.path).path, errors="strict")
        except (UnicodeDecodeError, ValueError):
            return HTTPStatus.BAD_REQUEST, "the path is not UTF-8"
        if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
            return HTTPStatus.BAD_REQUEST, "the path holds a control character"
        if any(part.startswith(".") for part in path.split("/") if part not in ("", ".", "..")):
            return HTTPStatus.NOT_FOUND, "File not found"
        return None

    def list_directory(self, path):  # type: ignore[no-untyped-def]
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")  # no listings
        return None

    def guess_type(self, path):  # type: ignore[no-untyped-def]
        rel = os.path.relpath(path, self.directory).replace(os.sep, "/")
        kind = content_type(rel)
        if kind.startswith("text/html"):
            self._csp = PAGE_CSP
        return kind

    def end_headers(self) -> None:
        for name, value in (("Content-Security-Policy", self._csp), ("X-Content-Type-Options", "nosniff"),
                            ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY"),
                            ("Cross-Origin-Resource-Policy", "same-origin"),
                            ("Cross-Origin-Opener-Policy", "same-origin"), ("Cache-Control", "no-store")):
            self.send_header(name, value)
        super().end_headers()


def _local_host(host: str, port: int) -> bool:
    """True when a Host header names this machine and the port served."""
    host = host.strip().lower()
    name, sep, given = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not sep:
        name, given = host, "80"
    return name in LOCAL_HOSTS and given == str(port)


def open_server(port: int) -> ThreadingHTTPServer:
    """An HTTP server bound to 127.0.0.1:`port` (0 picks a free port), not yet serving;
    `serve` sets the folder it serves. Raises OSError when the port cannot be had."""
    return ThreadingHTTPServer(("127.0.0.1", port), SiteHandler)


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
        server.RequestHandlerClass = functools.partial(SiteHandler, directory=str(out))  # type: ignore[assignment]
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
            return guide_folders(log, options.guides, [])
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
