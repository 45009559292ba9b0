"""Commands that compare decisions: diff."""
from __future__ import annotations

import argparse

from adrkit.cli.common import emit_json, log_of

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diff", help="what changed between the trade-offs of two decisions",
                       description="Compare the trade-off table of OLD with the one of NEW (typically a "
                                   "decision and the one that supersedes it): options and criteria added "
                                   "and dropped, weights and scores changed, each table's winner, and "
                                   "whether OLD's winner would still win under NEW's weights.")
    p.add_argument("old", metavar="OLD", help="the earlier decision (number or part of its slug)")
    p.add_argument("new", metavar="NEW", help="the later decision")
    p.add_argument("--table", metavar="NAME", help="compare only this trade-off table (default: the "
                   "tables of the same name, or the one table of each)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_diff)


def cmd_diff(args) -> int:
    from adrkit.services.diff import diff_decisions

    result = diff_decisions(log_of(args), args.old, args.new, table=args.table)
    if args.json:
        emit_json(result.to_dict())
    else:
        print("\n".join(result.lines()))
    return 0
