"""Commands that keep the log: init, new, list, show, status, supersede, link, renumber."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from adrkit.services import operations
from adrkit.core.decision import STATUSES
from adrkit.formats.notebook import cell_text
from adrkit.storage.log import init_log
from adrkit.cli.common import add_log_option, emit, emit_json, log_of, logs_of, note, say, term_safe, today, writing

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create a decision log",
                       description="Create the decision log folder and record its location in "
                                   ".adrkit.yaml, so commands run from any subfolder find it.")
    p.add_argument("directory", nargs="?", default="decisions", metavar="DIR",
                   help="folder for the decision notebooks (default: decisions)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("new", help="start a decision from a template",
                       description="Create NNNN-slug.ipynb with the next free number and print its path.")
    p.add_argument("title", help="the decision's title, e.g. 'Use PostgreSQL for orders'")
    p.add_argument("--template", "-t", metavar="T", help="madr (default), madr-minimal, nygard, backend, "
                   "or a notebook in DIR/templates/")
    p.add_argument("--status", "-s", default="proposed", metavar="S",
                   help="initial status (default: proposed)")
    p.add_argument("--supersedes", metavar="REF", help="a decision this one supersedes")
    p.add_argument("--tag", action="append", default=[], metavar="T", help="a tag (repeatable)")
    p.add_argument("--number", type=int, metavar="N", help="use this number instead of the next free one")
    p.add_argument("--force", action="store_true", help="supersede even a decision that is not accepted")
    add_log_option(p, "write to")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("list", help="list decisions", description="List decisions, one per line.")
    p.add_argument("--status", choices=STATUSES, metavar="S", help="only this status")
    p.add_argument("--tag", metavar="T", help="only decisions with this tag")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_log_option(p, "list")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="show one decision", description="Show a decision's record and outline.")
    p.add_argument("ref", metavar="REF")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_log_option(p, "look in")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("status", help="change a decision's status",
                       description="Move a decision to a new status; the change is recorded with its "
                                   "date. Allowed: draft->proposed/accepted/rejected, proposed->draft/"
                                   "accepted/rejected, accepted->deprecated, rejected->proposed, "
                                   "deprecated->accepted. Superseding goes through 'adrkit supersede'.")
    p.add_argument("ref", metavar="REF")
    p.add_argument("status", metavar="NEW-STATUS", help=", ".join(STATUSES))
    p.add_argument("--force", action="store_true", help="allow a transition the rules forbid")
    add_log_option(p, "write to")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("supersede", help="record that NEW supersedes OLD",
                       description="Mark OLD superseded by NEW and NEW superseding OLD, in one step.")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.add_argument("--force", action="store_true", help="supersede even a decision that is not accepted")
    add_log_option(p, "write to")
    p.set_defaults(func=cmd_supersede)

    p = sub.add_parser("link", help="link two decisions both ways",
                       description="Write SOURCE -REL-> TARGET and the reverse link on TARGET. Known: "
                                   "amends/amended-by, relates-to, depends-on/required-by, "
                                   "extends/extended-by, clarifies/clarified-by; others need --reverse.")
    p.add_argument("source", metavar="SOURCE")
    p.add_argument("rel", metavar="REL")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("--reverse", metavar="REV", help="the reverse link type for a REL adrkit does not know")
    add_log_option(p, "write to")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("renumber", help="give a decision a new number",
                       description="Rename a decision (and its data file) and rewrite every link to it.")
    p.add_argument("ref", metavar="REF")
    p.add_argument("number", type=int, metavar="NEW-NUMBER")
    add_log_option(p, "write to")
    p.set_defaults(func=cmd_renumber)


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def cmd_init(args) -> int:
    root = Path.cwd()
    log, created = init_log(root, args.directory)
    log.recover(notify=note)
    if created:
        say(f"created decision log {_rel(log.dir)} (recorded in .adrkit.yaml; .gitignore skips site/ "
            "and .adrkit-cache/)")
    else:
        say(f"decision log {_rel(log.dir)} already set up")
    print(_rel(log.dir))
    return 0


def cmd_new(args) -> int:
    with writing(log_of(args)) as log:
        path = operations.new_decision(log, args.title, today=today(), template=args.template,
                                       status=args.status, tags=args.tag, supersedes=args.supersedes,
                                       number=args.number, force=args.force)
    print(_rel(path))
    return 0


def cmd_list(args) -> int:
    from adrkit.storage.records import RecordIndex, default_index_path
    from adrkit.storage.statcache import StatCache

    project, logs = logs_of(args)
    cache = StatCache(default_index_path(project.config.root))
    chosen = []
    try:
        for log in logs:
            for entry in RecordIndex(log, cache).entries():
                if entry.error is not None:
                    say(f"adrkit: warning: {entry.error}")
                    continue
                d = entry.decision
                if (not args.status or d.status == args.status) and (not args.tag or args.tag in d.tags):
                    chosen.append((log, entry))
    finally:
        cache.close()
    prefix = project.multi
    if args.json:
        emit_json([e.decision.to_summary() | {"path": _rel(e.path)} | ({"log": log.name} if prefix else {})
                   for log, e in chosen])
        return 0
    lines = []
    for log, e in chosen:
        d = e.decision
        tags = f"  [{', '.join(d.tags)}]" if d.tags else ""
        label = f"{log.name}:{d.label}" if prefix else d.label
        lines.append(term_safe(f"{label}  {d.status:<10}  {d.date or '-':<10}  {d.title}{tags}") + "\n")
    sys.stdout.write("".join(lines))
    return 0


def cmd_show(args) -> int:
    log, ref = _log_and_ref(args)
    rec = log.resolve(ref)
    d = rec.decision
    from adrkit.formats.notebook import sections_of

    sections = [s.heading for s in sections_of(rec.notebook)]
    if args.json:
        from adrkit.services.summary import data_summary

        emit_json(d.to_summary() | {"path": _rel(rec.path), "sections": sections,
                                    "data-file": _rel(rec.data_path) if rec.data_path.exists() else None}
                  | data_summary(rec.data_path))
        return 0
    rows = [("file", _rel(rec.path)), ("title", d.title), ("status", d.status), ("date", d.date),
            ("decision-makers", ", ".join(d.decision_makers)), ("consulted", ", ".join(d.consulted)),
            ("informed", ", ".join(d.informed)), ("tags", ", ".join(d.tags)),
            ("supersedes", ", ".join(d.supersedes)), ("superseded-by", ", ".join(d.superseded_by))]
    rows += [(link.rel, link.target) for link in d.links]
    if d.status_history:
        rows.append(("history", "; ".join(f"{c.status} {c.date}" for c in d.status_history)))
    if rec.data_path.exists():
        rows.append(("data", _rel(rec.data_path)))
    emit(f"{d.label}. {d.title}")
    for key, value in rows[:1] + rows[2:]:
        if value:
            emit(f"  {key + ':':<17}{value}")
    if sections:
        print("  sections:")
        for cell in rec.notebook["cells"][1:]:
            if cell.get("cell_type") == "markdown":
                first = cell_text(cell).split("\n", 1)[0].strip()
                if first.startswith("#"):
                    emit(f"    {first}")
    return 0


def _log_and_ref(args) -> tuple:
    """The log a reference points into: `payments:7` names the log 'payments' of the
    project; else `--log NAME`, else the default log."""
    ref = str(args.ref)
    name, sep, rest = ref.partition(":")
    if sep and rest and _is_log_name(name):
        from adrkit.storage.project import find_project

        return find_project(getattr(args, "dir", None)).log(name), rest
    return log_of(args), ref


def _is_log_name(name: str) -> bool:
    from adrkit.storage.config import LOG_NAME

    return bool(LOG_NAME.match(name))


def cmd_status(args) -> int:
    with writing(log_of(args)) as log:
        rec = operations.change_status(log, args.ref, args.status.strip().lower(), today=today(),
                                       force=args.force)
    say(f"{rec.decision.label} is now {rec.decision.status}")
    print(_rel(rec.path))
    return 0


def cmd_supersede(args) -> int:
    with writing(log_of(args)) as log:
        old, new = operations.supersede(log, args.old, args.new, today=today(), force=args.force)
    say(f"{new.decision.label} supersedes {old.decision.label}")
    print(_rel(old.path))
    print(_rel(new.path))
    return 0


def cmd_link(args) -> int:
    with writing(log_of(args)) as log:
        source, target = operations.link(log, args.source, args.rel, args.target, reverse=args.reverse)
    back = next(link.rel for link in reversed(target.decision.links) if link.target == source.decision.stem)
    say(f"{source.decision.label} {args.rel} {target.decision.label}; {target.decision.label} {back} "
        f"{source.decision.label}")
    print(_rel(source.path))
    print(_rel(target.path))
    return 0


def cmd_renumber(args) -> int:
    with writing(log_of(args)) as log:
        old_path, new_path, changed = operations.renumber(log, args.ref, args.number)
    others = len([r for r in changed if r.path != new_path])
    say(f"renamed {old_path.name} -> {new_path.name}; rewrote links in {others} other record(s)")
    print(_rel(new_path))
    return 0
