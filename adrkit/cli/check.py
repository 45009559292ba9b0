"""Commands that check and picture the log: lint, graph."""
from __future__ import annotations

import argparse
import sys

from adrkit.cli.common import emit_json, log_of, say

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lint", help="check the log; exit 1 on findings",
                       description="Check every decision: duplicate numbers, dangling or one-sided "
                                   "links and supersession, unknown statuses, missing required sections, "
                                   "front matter that does not parse, supersession cycles, bad data files.")
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
            print(f.line())
    count = len(list(log.record_paths()))
    say(f"{count} decision(s) checked, {len(findings)} finding(s)")
    return 1 if findings else 0


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

    log = log_of(args)
    records, problems = log.load_all()
    for problem in problems:
        say(f"adrkit: warning: {problem}")
    pattern = args.href
    sys.stdout.write(graph_dot([r.decision for r in records],
                               href=lambda d: pattern.format(stem=d.stem, number=d.number, slug=d.slug)))
    return 0
