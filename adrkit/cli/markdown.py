"""Commands that move decisions to and from markdown: import, export."""
from __future__ import annotations

import argparse
from pathlib import Path

from adrkit.cli.common import emit_json, log_of, note, say, writing

__all__ = ["register"]

_FORMAT_HELP = ("madr (MADR 4 with YAML front matter, the default), madr2 or log4brains (metadata "
                "bullets under the title, as log4brains reads them), nygard or adr-tools, or source "
                "(each record in the format it was imported from; MADR for the others)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="import a folder of markdown ADRs (any naming, adr-tools, MADR, log4brains...)",
        description="Read every markdown record under PATH (0001-title.md, ADR-001.md, 2022-02-03-title.md, "
                    "one folder per record, team subfolders; README, index and template pages are not "
                    "records) and write one decision notebook per record into the decision log, the text "
                    "kept whole. Statuses, dates, people, links and supersession are read wherever they "
                    "are written; a report lists per file what was not understood, guessed or dangles. "
                    "A record that cannot be read is skipped and the rest come in: the exit code is 1 when "
                    "anything was skipped, 0 when all came in. Importing the same folder again changes "
                    "nothing; a notebook that differs is only overwritten with --force. Prints the "
                    "notebooks written.")
    p.add_argument("path", metavar="PATH", help="a folder of markdown ADRs (such as doc/adr) or one file")
    p.add_argument("--into", metavar="DIR", help="the decision log to import into "
                   "(default: the project's log, see --dir)")
    p.add_argument("--force", action="store_true", help="overwrite notebooks and images that differ")
    p.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    p.add_argument("--strict", action="store_true", help="all or nothing: write nothing if any record "
                   "cannot be read, conflicts, or has front matter that does not parse")
    p.add_argument("--json", action="store_true", help="print the report as JSON (also when it fails)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export", help="export decisions as MADR or adr-tools markdown",
        description="Write each decision (or the ones named) as a markdown file: front matter, title "
                    "and status in the chosen format, the sections as written, trade-off tables and "
                    "lifecycle diagrams from the decision's data file, outputs as tables and images. "
                    "The same decisions give the same bytes. A file the export did not write is "
                    "never replaced without --force. Prints the files written.")
    p.add_argument("refs", nargs="*", metavar="REF", help="decisions to export (default: all)")
    p.add_argument("--format", "-f", default="madr", metavar="FORMAT",
                   choices=("madr", "madr2", "log4brains", "nygard", "adr-tools", "source"),
                   help=_FORMAT_HELP)
    p.add_argument("--out", "-o", metavar="DIR", help="output folder (default: export/FORMAT beside the log)")
    p.add_argument("--force", action="store_true", help="overwrite files the export did not write")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_export)


def _import_log(args):
    from adrkit.storage.log import DecisionLog, find_log

    if args.into:
        into = Path(args.into)
        if into.is_dir():
            log = find_log(into)
            log.recover(notify=note)
            return log
        if into.exists():
            from adrkit.core.errors import UsageError

            raise UsageError(f"{into} is a file, not a folder", where="--into",
                             fix="give the decision log folder")
        return DecisionLog(into)
    return log_of(args)


def cmd_import(args) -> int:
    from adrkit.services.importer import ImportFailed, import_markdown

    log = _import_log(args)
    try:
        if args.dry_run:
            report = import_markdown(args.path, log, force=args.force, dry_run=True, strict=args.strict)
        else:
            with writing(log):
                report = import_markdown(args.path, log, force=args.force, dry_run=False, strict=args.strict)
    except ImportFailed as exc:
        if args.json:
            emit_json({**exc.report.to_dict(), "complete": False, "errors": exc.problems})
        for problem in exc.problems[1:]:
            say(f"adrkit: error: {problem}")
        raise
    for file in report.files:
        for item in file.notes:
            say(f"{file.source}: {item.level}: {item.message}")
    if args.json:
        emit_json(report.to_dict())
    else:
        for path in report.written:
            print(path)
    done = "would import" if args.dry_run else "imported"
    came = report.count("created") + report.count("updated") + report.count("unchanged")
    say(f"{done} {came} record(s) into {log.dir}: {report.count('created')} new, {report.count('updated')} updated, "
        f"{report.count('unchanged')} unchanged, {len(report.assets)} file(s) copied, "
        f"{sum(len(f.notes) for f in report.files)} note(s)")
    if report.failed:
        names = ", ".join(f.source for f in report.failed[:3]) + (
            f" and {len(report.failed) - 3} more" if len(report.failed) > 3 else "")
        say(f"adrkit: error: {len(report.failed)} record file(s) were skipped: {names}; the notes above say why")
        return 1
    return 0


def cmd_export(args) -> int:
    from adrkit.services.exporter import export_markdown

    log = log_of(args)
    fmt = args.format
    out = Path(args.out) if args.out else log.config.root / "export" / fmt
    with writing(log):
        report = export_markdown(log, out, fmt=fmt, refs=args.refs, force=args.force)
    for stem, notes in sorted(report.notes.items()):
        for item in notes:
            say(f"{stem}: {item.level}: {item.message}")
    if args.json:
        emit_json(report.to_dict())
    else:
        for path in report.written:
            print(path)
    say(f"exported to {out}: {len(report.written)} file(s) written, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed")
    if report.failed:
        say("adrkit: error: the export is not complete: " + "; ".join(
            f"{stem}: {n.message}" for stem, notes in sorted(report.notes.items()) for n in notes
            if n.level == "error" or n.kind == "data")[:500])
        return 1
    return 0
