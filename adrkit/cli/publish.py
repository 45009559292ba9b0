"""`adrkit build` and `adrkit serve`: the published site.

Parses options, runs `adrkit.publish`, and prints progress, warnings and a summary on
stderr. The publisher (nbconvert, nh3, jinja2) is imported inside the commands only.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from adrkit.cli.common import log_of, say

__all__ = ["register"]


def register(sub: Any) -> None:
    build = sub.add_parser(
        "build", help="build the static decision site",
        description="Turn the project's decision logs into one static site: one page per decision, "
                    "an index with filters (by log, status, tag) and offline search, a timeline, the "
                    "decision graph, decisions.json and an Atom feed, and a page per guide (tutorial "
                    "notebooks from --guides or site.guides). Other sites' decisions.json can be listed "
                    "too (--include). What did not change is not read again (file stats) nor rendered "
                    "again (a cache in .adrkit-cache/ beside .adrkit.yaml); the site is swapped in whole.")
    _common(build)
    build.add_argument("--strict", action="store_true",
                       help="exit 1 if there was any warning (broken link, missing required section, "
                            "stale or invalid data file, unknown status, duplicate number); a build "
                            "where a record could not be built exits 1 without it too")
    build.add_argument("--confirm", action="store_true",
                       help="first run every decision's check, as 'adrkit confirm' does, so the badges "
                            "are current (the build itself never runs them); exit 1 if a check failed, "
                            "after building the site")
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser(
        "serve", help="preview the site on 127.0.0.1, rebuilding on change",
        description="Build the site into a temporary folder (or --out), serve it on 127.0.0.1 and "
                    "rebuild whenever a decision, its data file or the settings change.")
    _common(serve)
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 picks one)")
    serve.set_defaults(func=cmd_serve, strict=False)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="DIR", type=Path,
                        help="output folder (default: site.out from .adrkit.yaml, usually site/)")
    parser.add_argument("--execute", action="store_true",
                        help="re-run each notebook with nbclient before converting (cached by content)")
    parser.add_argument("--drafts", action="store_true", help="publish draft decisions too")
    parser.add_argument("--guides", metavar="DIR", type=Path, action="append",
                        help="publish the top-level notebooks of DIR as guides (tutorials, worked "
                             "examples; code shown, no front matter needed; --execute does not run "
                             "them); repeatable; replaces site.guides of .adrkit.yaml")
    parser.add_argument("--include", metavar="JSON", action="append",
                        help="list another site's decisions in the index and search, linking to its pages: "
                             "a path (relative to .adrkit.yaml) or http(s) URL of its decisions.json; "
                             "repeatable; replaces site.include of .adrkit.yaml")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress, only warnings, failures and the summary")
    parser.add_argument("--serial", action="store_true", help=argparse.SUPPRESS)


def _options(args: Any) -> Any:
    from adrkit.publish import BuildOptions

    from adrkit.cli.common import today

    return BuildOptions(out=args.out, strict=args.strict, execute=args.execute, drafts=args.drafts,
                        parallel=False if args.serial else None, guides=args.guides, today=today(), include=args.include)


def _progress(message: str) -> None:
    say(f"adrkit: {message}")


def _report(report: Any) -> None:
    for problem in report.failures:
        say(f"adrkit: error: {problem}")
    for problem in report.warnings:
        say(f"adrkit: warning: {problem}")
    say(f"adrkit: {report.summary()}")


def cmd_build(args: Any) -> int:
    from adrkit.publish import build_site

    from adrkit.cli.progress import progress_for

    log = log_of(args)
    checks = 0
    if args.confirm:
        from adrkit.cli.confirm import run_confirm

        checks = run_confirm(args, log, [], print_results=False)
    report = build_site(log, _options(args), progress=progress_for(args.quiet))
    _report(report)
    code = report.exit_code(args.strict)
    if checks and not code:
        say("adrkit: a check failed or ended in an error (see above); the site shows it")
        return checks
    if code and args.strict:
        say(f"adrkit: --strict: {len(report.warnings)} warning(s) and {len(report.failures)} "
            "failure(s) make this build fail")
    elif code:
        say(f"adrkit: {len(report.failures)} failure(s) make this build fail (the rest of the site "
            "was built)")
    return code


def cmd_serve(args: Any) -> int:
    from adrkit.core.errors import UsageError
    from adrkit.publish.serve import open_server, serve

    if not 0 <= args.port <= 65535:
        raise UsageError(f"port {args.port} is out of range", fix="give 0-65535")
    log = log_of(args)
    try:
        server = open_server(args.port)
    except OSError as exc:
        raise UsageError(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror}",
                         fix="pick another --port (0 picks a free one)") from None
    try:
        serve(log, _options(args), say=_progress, report=_report, server=server)
    except KeyboardInterrupt:
        say("adrkit: stopped")
    sys.stdout.flush()
    return 0
