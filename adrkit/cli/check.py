"""Commands that check and picture the log: lint, graph."""
from __future__ import annotations

import argparse
import sys

from adrkit.cli.common import emit, emit_json, log_of, say, text_arg
from adrkit.core.errors import UsageError

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lint", help="check the log; exit 1 on errors and warnings",
                       description="Check every decision: duplicate numbers, dangling or one-sided "
                                   "links and supersession, unknown statuses, missing required sections, "
                                   "front matter that does not parse, supersession cycles, bad data files. "
                                   "Template text nobody replaced is a notice: it is reported, "
                                   "left out of the site, and does not fail the check.")
    p.add_argument("--json", action="store_true", help="print findings as JSON (the same as --format json)")
    p.add_argument("--format", choices=("text", "json", "github"), default=None,
                   help="text (default), json, or github: workflow-command annotations that "
                        "GitHub Actions shows inline on the file")
    p.set_defaults(func=cmd_lint)

    p = sub.add_parser("graph", help="print the supersede/link graph as Graphviz DOT",
                       description="Print the decision graph as DOT (pipe it to 'dot -Tsvg').")
    p.add_argument("--href", default="{stem}.html", metavar="PATTERN",
                   help="node link pattern, e.g. '{stem}.html' (default)")
    p.set_defaults(func=cmd_graph)


def cmd_lint(args) -> int:
    from adrkit.services.lint import lint_log

    log = log_of(args)
    findings = lint_log(log)
    form = "json" if args.json else (args.format or "text")
    if form == "json":
        emit_json([f.to_dict() for f in findings])
    elif form == "github":
        for f in findings:
            print(_annotation(f, log.dir))
    else:
        for f in findings:
            emit(f.line())
    count = len(list(log.record_paths()))
    failing = [f for f in findings if f.severity != "info"]
    notices = len(findings) - len(failing)
    say(f"{count} decision(s) checked, {len(failing)} finding(s)"
        + (f", {notices} notice(s)" if notices else ""))
    return 1 if failing else 0


def _annotation(finding, folder) -> str:
    """A finding as a GitHub annotation on the file as the checkout names it."""
    import os
    from pathlib import Path

    from adrkit.formats.annotations import github_annotation, line_of_key

    file = Path(folder) / finding.path
    base = Path(os.environ.get("GITHUB_WORKSPACE") or os.getcwd())
    try:
        shown = os.path.relpath(file, base)
    except ValueError:  # another drive
        shown = str(file)
    if shown.startswith(".."):
        shown = str(file)
    try:
        line = line_of_key(file.read_text(encoding="utf-8", errors="replace"), finding.field)
    except OSError:
        line = None
    return github_annotation(level=finding.severity, path=Path(shown).as_posix(), line=line,
                             title=f"adrkit lint: {finding.code}",
                             message=f"{finding.field}: {finding.message}; {finding.fix}")


def cmd_graph(args) -> int:
    from adrkit.core.decision_graph import graph_dot

    pattern = href_pattern(args.href)
    log = log_of(args)
    records, problems = log.load_all()
    for problem in problems:
        say(f"adrkit: warning: {problem}")
    sys.stdout.write(graph_dot([r.decision for r in records],
                               href=lambda d: pattern.format(stem=d.stem, number=d.number, slug=d.slug)))
    return 0


def href_pattern(pattern: str) -> str:
    """`--href` checked by formatting it once: only {stem}, {number} and {slug}."""
    text_arg(pattern, "--href pattern")
    fix = "use {stem}, {number} and {slug}, and write a literal brace twice ({{ or }})"
    try:
        pattern.format(stem="0001-x", number=1, slug="x")
    except (KeyError, AttributeError) as exc:
        raise UsageError(f"--href {pattern!r} names {exc.args[0]!r}, which is not a field", fix=fix)
    except IndexError:
        raise UsageError(f"--href {pattern!r} has a numbered or empty field", fix=fix)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"--href {pattern!r} is not a pattern ({exc})", fix=fix)
    return pattern
