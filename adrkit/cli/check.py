"""Commands that check and picture the log: lint, graph."""
from __future__ import annotations

import argparse
import sys

from adrkit.cli.common import add_log_option, emit, emit_json, logs_of, say, text_arg
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
    form = "json" if args.json else (args.format or "text")
    prefix = (lambda log: f"{log.name}: ") if project.multi else (lambda log: "")
    if form == "json":
        emit_json([f.to_dict() | ({"log": log.name} if project.multi else {}) for log, f in findings])
    elif form == "github":
        for log, f in findings:
            print(_annotation(f, log.dir))
    else:
        for log, f in findings:
            emit(prefix(log) + f.line())
    failing = [f for _, f in findings if f.severity != "info"]
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
    from adrkit.storage.records import default_index_path
    from adrkit.storage.statcache import StatCache

    pattern = href_pattern(args.href)
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


def href_pattern(pattern: str) -> str:
    """`--href` checked by formatting it once: only {stem}, {number}, {slug} and {log}."""
    text_arg(pattern, "--href pattern")
    fix = "use {stem}, {number}, {slug} and {log}, and write a literal brace twice ({{ or }})"
    try:
        pattern.format(stem="0001-x", number=1, slug="x", log="decisions")
    except (KeyError, AttributeError) as exc:
        raise UsageError(f"--href {pattern!r} names {exc.args[0]!r}, which is not a field", fix=fix)
    except IndexError:
        raise UsageError(f"--href {pattern!r} has a numbered or empty field", fix=fix)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"--href {pattern!r} is not a pattern ({exc})", fix=fix)
    return pattern
