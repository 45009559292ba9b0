"""Commands that check and picture the log: lint, graph."""
from __future__ import annotations

import argparse
import sys

from adrkit.cli.common import add_log_option, emit_json, logs_of, say

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lint", help="check the log; exit 1 on findings",
                       description="Check every decision: duplicate numbers, dangling or one-sided "
                                   "links and supersession, unknown statuses, missing required sections, "
                                   "front matter that does not parse, supersession cycles, bad data files.")
    p.add_argument("--json", action="store_true", help="print findings as JSON")
    add_log_option(p, "check")
    p.set_defaults(func=cmd_lint)

    p = sub.add_parser("graph", help="print the supersede/link graph as Graphviz DOT",
                       description="Print the decision graph as DOT (pipe it to 'dot -Tsvg').")
    p.add_argument("--href", default="{stem}.html", metavar="PATTERN",
                   help="node link pattern, e.g. '{stem}.html' (default; '{log}' is the log's name)")
    add_log_option(p, "draw")
    p.set_defaults(func=cmd_graph)


def _entries(project, logs, cache) -> dict:
    """Every record of every log of the project, read through the record index."""
    from adrkit.storage.records import RecordIndex

    return {log.name: RecordIndex(log, cache).entries() for log in project.logs
            if log in logs or project.multi}


def cmd_lint(args) -> int:
    from adrkit.services.lint import lint_log
    from adrkit.storage.records import RecordIndex, default_index_path
    from adrkit.storage.statcache import StatCache

    project, logs = logs_of(args)
    cache = StatCache(default_index_path(project.config.root))
    try:
        stems = {name: {e.decision.stem for e in entries if e.decision}
                 for name, entries in _entries(project, logs, cache).items()} if project.multi else {}
        findings, count = [], 0
        for log in logs:
            others = {name: s for name, s in stems.items() if name != log.name}
            found = lint_log(log, others=others, index=RecordIndex(log, cache))
            count += len(log.record_paths())
            findings += [(log, f) for f in found]
    finally:
        cache.close()
    if args.json:
        emit_json([f.to_dict() | ({"log": log.name} if project.multi else {}) for log, f in findings])
    else:
        sys.stdout.write("".join((f"{log.name}: " if project.multi else "") + f.line() + "\n"
                                 for log, f in findings))
    say(f"{count} decision(s) checked, {len(findings)} finding(s)")
    return 1 if findings else 0


def cmd_graph(args) -> int:
    from adrkit.core.decision_graph import graph_dot
    from adrkit.storage.records import default_index_path
    from adrkit.storage.statcache import StatCache

    project, logs = logs_of(args)
    cache = StatCache(default_index_path(project.config.root))
    try:
        entries = _entries(project, logs, cache)
    finally:
        cache.close()
    decisions, where = [], {}
    for name, found in entries.items():
        for e in found:
            if e.error is not None:
                say(f"adrkit: warning: {e.error}")
            elif any(log.name == name for log in logs):
                decisions.append(e.decision)
                where[id(e.decision)] = name
    pattern = args.href
    if not project.multi:
        sys.stdout.write(graph_dot(decisions, href=lambda d: pattern.format(
            stem=d.stem, number=d.number, slug=d.slug, log="")))
        return 0
    stems = {name: {e.decision.stem for e in found if e.decision} for name, found in entries.items()}
    sys.stdout.write(graph_dot(
        decisions, href=lambda d: pattern.format(stem=d.stem, number=d.number, slug=d.slug, log=where[id(d)]),
        node_id=lambda d: f"{where[id(d)]}:{d.stem}",
        ref_id=lambda d, ref: _qualified(ref, where[id(d)], stems)))
    return 0


def _qualified(ref: str, log: str, stems: dict) -> str:
    """A reference made in `log` as a node of the graph of every log."""
    name, sep, rest = ref.partition(":")
    if sep and rest and name in stems:
        return f"{name}:{rest}"
    return f"{log}:{ref}"
