"""Commands that check and picture the log: lint, graph."""
from __future__ import annotations

import argparse
import sys

from adrkit.cli.common import emit, emit_json, log_of, say, text_arg
from adrkit.core.errors import UsageError

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lint", help="check the log; exit 1 on findings",
                       description="Check every decision: duplicate numbers, dangling or one-sided "
                                   "links and supersession, unknown statuses, missing required sections, "
                                   "front matter that does not parse, supersession cycles, bad data files.")
    p.add_argument("--json", action="store_true", help="print findings as JSON")
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
    if args.json:
        emit_json([f.to_dict() for f in findings])
    else:
        for f in findings:
            emit(f.line())
    count = len(list(log.record_paths()))
    say(f"{count} decision(s) checked, {len(findings)} finding(s)")
    return 1 if findings else 0


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
